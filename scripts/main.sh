#!/usr/bin/env bash
# The main job: installs what it needs (once), builds the tool, and runs the pipeline on a shipped
# policy: prune → falsify (BO and random) → refine → re-falsify → visualize, then replays the failures
# (GIFs of the worst) and draws the sweep behind PruVer's "Prune percentage vs rewards" figure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --locked
bin=target/release/synapt-safety

echo
echo "== The pipeline on the shipped PPO CartPole-v0 actor: prune at k = 0.78, falsify the pruned actor"
echo "   against \`upright\` with BO and random search (105 evaluations each), refine it against every"
echo "   failure found, re-falsify the refined actor with a new seed, and draw the three actors"
"$bin" --prune --falsify --refine --visualize --env CartPole-v0 \
    --actor Policies/ppo_actorCartPole-v0.pth --k 0.78 --spec upright --falsify-method bo,random \
    --budget 100 --episodes 100 --seed 0 "$@"

echo
echo "== --display: replay BO's failures bit for bit and render the three worst to GIF"
"$bin" --display --env CartPole-v0 \
    --failures Failure_Trajectories/CartPole-v0_ppo_actorCartPole-v0_0.78_upright_bo.csv

echo
echo "== --sweep: Prune percentage vs rewards, k from 0.5 to 0.99, 100 episodes each"
"$bin" --sweep 0.5,0.55,...,0.95,0.96,...,0.99 --env CartPole-v0 \
    --actor Policies/ppo_actorCartPole-v0.pth --episodes 100 --seed 0
