#!/usr/bin/env bash
# Install GPyOpt 1.2.6 (PruVer's predecessor's BO) into its own virtual environment, once, and print
# its python on stdout. A second run finds the stamp and only prints the path.
#
#   GPYOPT_VENV (default ~/.cache/synapt-safety/gpyopt-venv)   where the environment goes
#   GPYOPT_BASE_PYTHON (default python3)                         a CPython 3.9–3.12 (GPy's wheels)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
req="$here/requirements-gpyopt.txt"
venv="${GPYOPT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/synapt-safety/gpyopt-venv}"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ "$(cat "$venv/.synapt-stamp" 2>/dev/null)" != "$want" ]; then
    base="${GPYOPT_BASE_PYTHON:-python3}"
    echo "gpyopt_setup: installing GPyOpt into $venv (once)" >&2
    mkdir -p "$(dirname "$venv")"
    [ -x "$venv/bin/python" ] || "$base" -m venv "$venv" >&2
    # setuptools first: GPyOpt's sdist is built with it (no build isolation needed then).
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "setuptools<81" wheel >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary GPy,numpy,scipy,matplotlib \
        -r "$req" >&2
    "$venv/bin/python" -c "import GPyOpt, GPy, gymnasium" >&2
    echo "$want" > "$venv/.synapt-stamp"
fi
echo "$venv/bin/python"
