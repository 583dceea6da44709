# Source this file: it installs what synapt-safety needs, once, and exports the build environment.
#
# libtorch comes from PyPI's `torch` wheel (the version tch 0.26 names), installed into a virtual
# environment outside the repository, in a per-user cache directory. The same environment is the
# oracle of the tests (PyTorch, Gymnasium). A second run finds the stamp and does nothing.

_synapt_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_synapt_req="$_synapt_root/scripts/requirements.txt"
SYNAPT_VENV="${SYNAPT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/synapt-safety/torch-2.13.0}"

_synapt_stamp_want="$(sha256sum "$_synapt_req" | cut -d' ' -f1)"
if [ "$(cat "$SYNAPT_VENV/.synapt-stamp" 2>/dev/null)" != "$_synapt_stamp_want" ]; then
    echo "setup: installing the Python environment (torch 2.13.0, gymnasium) into $SYNAPT_VENV" >&2
    echo "setup: this happens once; the torch wheel and its CUDA libraries are a few GiB" >&2
    _synapt_python="$(command -v python3 || command -v python)" || {
        echo "setup: python3 (3.10+) is needed to install libtorch from PyPI" >&2
        return 1 2>/dev/null || exit 1
    }
    mkdir -p "$(dirname "$SYNAPT_VENV")"
    if [ ! -x "$SYNAPT_VENV/bin/python" ]; then
        "$_synapt_python" -m venv "$SYNAPT_VENV" || { return 1 2>/dev/null || exit 1; }
    fi
    "$SYNAPT_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$_synapt_req" || { echo "setup: pip install failed" >&2; return 1 2>/dev/null || exit 1; }
    echo "$_synapt_stamp_want" > "$SYNAPT_VENV/.synapt-stamp"
fi

# torch-sys asks `python` (with VIRTUAL_ENV set) where torch's headers and libraries are.
export SYNAPT_VENV
export VIRTUAL_ENV="$SYNAPT_VENV"
export PATH="$SYNAPT_VENV/bin:$PATH"
export LIBTORCH_USE_PYTORCH=1
# The tests find the oracle interpreter here.
export SYNAPT_PYTHON="$SYNAPT_VENV/bin/python"
unset _synapt_root _synapt_req _synapt_stamp_want _synapt_python
