#!/usr/bin/env bash
# The main job: installs what it needs (once), builds the tool, and runs the pipeline on a shipped
# policy: --test, then --prune with --visualize, then the --sweep behind PruVer's figure; each later
# stage joins it as it lands.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --locked
bin=target/release/synapt-safety

echo
echo "== --test: a shipped CartPole-v1 actor (PyTorch .pth), 10 seeded episodes"
"$bin" --test --env CartPole-v1 --actor Policies/bc_actorCartPole-v1.pth --episodes 10 --seed 0 \
    --csv Graph/test_CartPole-v1.csv "$@"

echo
echo "== --prune --visualize: PruVer's one-shot pruning at k = 0.7 (report, 100 episodes before and"
echo "   after), then heatmaps, histograms and masks of the dense and the pruned actor into Graph/"
"$bin" --prune --visualize --env CartPole-v1 --actor Policies/bc_actorCartPole-v1.pth --k 0.7 \
    --episodes 100 --seed 0 --prune-csv Graph/prune_CartPole-v1_0.7.csv

echo
echo "== --sweep: Prune percentage vs rewards, k from 0.5 to 0.99, 100 episodes each"
"$bin" --sweep 0.5,0.55,...,0.95,0.96,...,0.99 --env CartPole-v1 \
    --actor Policies/bc_actorCartPole-v1.pth --episodes 100 --seed 0
