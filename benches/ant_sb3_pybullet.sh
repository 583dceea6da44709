#!/usr/bin/env bash
# Run benches/ant_sb3_pybullet.py with the torch venv's Stable-Baselines3 and PyTorch and the gym-0.18
# venv's gym and pybullet_envs (both installed by scripts/test.sh and tests/oracle/legacy_setup.sh):
# the gym-0.18 site-packages go first on PYTHONPATH (its NumPy 1.26.4, gym 0.18.0, pybullet 3.2.7).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
legacy="$(bash "$root/tests/oracle/legacy_setup.sh" | head -n 1)"
torch_python="${SYNAPT_PYTHON:-${XDG_CACHE_HOME:-$HOME/.cache}/synapt-safety/torch-2.13.0/bin/python}"
site="$("$legacy" -c 'import site; print(site.getsitepackages()[0])')"
PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}" exec "$torch_python" "$here/ant_sb3_pybullet.py" "$@"
