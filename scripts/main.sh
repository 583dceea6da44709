#!/usr/bin/env bash
# The main job: installs what it needs (once), builds the tool, and runs the pipeline on a shipped
# policy. Today that is `--test`; each later stage joins it as it lands.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --locked
bin=target/release/synapt-safety

echo
echo "== --test: a shipped CartPole-v1 actor (PyTorch .pth), 10 seeded episodes"
"$bin" --test --env CartPole-v1 --actor Policies/bc_actorCartPole-v1.pth --episodes 10 --seed 0 \
    --csv Graph/test_CartPole-v1.csv "$@"
