#!/usr/bin/env bash
# The reference stacks of the gym-0.18-era environments, installed once from PyPI into two virtual
# environments beside the main one, for tests/env_legacy.rs:
#
#   oracle-numpy1: NumPy 1.26.4 + gym 0.18.0 + gym-cartpole-swingup 0.1.4 + pybullet 3.2.7 (the stack
#                  PruVer and its predecessor ran), + Gymnasium 1.4.0 (its NumPy-1 behaviour)
#   oracle-numpy2: NumPy 2.4.6 + gym 0.18.0 + gym-cartpole-swingup 0.1.4 (the same packages under NumPy 2)
#
# gym 0.18.0 is an sdist whose setup.py current setuptools rejects; it builds with setuptools 65.5 and
# no build isolation. gym-cartpole-swingup pins gym<0.19, so it goes in without its dependencies.
# Prints the two interpreters, one per line. A second run finds the stamps and only prints.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/synapt-safety"
stamp_want="$(sha256sum "$here/legacy_setup.sh" | cut -d' ' -f1)"
mkdir -p "$cache"

install() { # venv-dir numpy-version extra-packages...
    local venv="$1" numpy="$2"
    shift 2
    local pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
    rm -rf "$venv"
    "${PYTHON:-python3}" -m venv "$venv"
    "${pip[@]}" "numpy==$numpy" "setuptools==65.5.0" "wheel<0.40" "cloudpickle==1.6.0" \
        "poetry-version==0.1.5" "$@"
    "${pip[@]}" --no-build-isolation --no-deps "gym==0.18.0"
    "${pip[@]}" --no-deps "gym-cartpole-swingup==0.1.4"
    echo "$stamp_want" >"$venv/.synapt-stamp"
}

(
    # One installer at a time, whichever test binary asks first.
    flock 9
    for v in numpy1 numpy2; do
        venv="$cache/oracle-$v"
        if [ "$(cat "$venv/.synapt-stamp" 2>/dev/null)" != "$stamp_want" ]; then
            echo "legacy_setup: installing $venv (once)" >&2
            case $v in
                numpy1) install "$venv" 1.26.4 "gymnasium==1.4.0" "pybullet==3.2.7" ;;
                numpy2) install "$venv" 2.4.6 ;;
            esac
        fi
    done
) 9>"$cache/oracle-legacy.lock"

echo "$cache/oracle-numpy1/bin/python"
echo "$cache/oracle-numpy2/bin/python"
