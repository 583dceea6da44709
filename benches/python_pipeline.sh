#!/usr/bin/env bash
# PruVer's pipeline in Python (PyTorch + Gymnasium + GPyOpt), stage by stage, beside the stage times
# `synapt-safety --reproduce` wrote to Graph/reproduce/timing.csv on this machine. Installs both
# Python environments once (scripts/setup.sh, benches/gpyopt_setup.sh). See benches/python_pipeline.py.
#
#   bash benches/python_pipeline.sh [--runs N] [--json]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
gpyopt="$(bash benches/gpyopt_setup.sh)"
exec "$SYNAPT_PYTHON" benches/python_pipeline.py --gpyopt-python "$gpyopt" "$@"
