#!/usr/bin/env bash
# The whole test suite: installs what it needs (once), builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# Debian packages the tests drive, installed once: headless Chromium opens --report's page
# (tests/report_cli.rs); strace kills a stage at each of its writes (tests/kill9.rs); Open MPI and
# libclang build and run the `mpi` feature (tests/mpi.rs: mpirun over loopback).
missing=""
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing=" chromium"
command -v strace >/dev/null 2>&1 || missing="$missing strace"
command -v mpirun >/dev/null 2>&1 || missing="$missing openmpi-bin"
[ -e /usr/include/x86_64-linux-gnu/mpi/mpi.h ] || [ -e /usr/include/mpi.h ] || command -v mpicc >/dev/null 2>&1 || missing="$missing libopenmpi-dev"
ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 || ls /usr/lib/x86_64-linux-gnu/libclang*.so* >/dev/null 2>&1 || missing="$missing libclang-dev"
if [ -n "$missing" ]; then
    echo "test: installing Debian's$missing" >&2
    sudo_="" && [ "$(id -u)" != 0 ] && sudo_="sudo -n"
    # shellcheck disable=SC2086
    { $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq $missing >/dev/null; } || {
        echo "test: could not install$missing; install them (apt-get install$missing)" >&2
        exit 1
    }
fi
cargo test --release --locked "$@"
# The same program on MPI ranks (`--features mpi`): only without a test filter.
if [ $# -eq 0 ]; then
    cargo test --release --locked --features mpi --test mpi
fi
