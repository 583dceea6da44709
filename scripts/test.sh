#!/usr/bin/env bash
# The whole test suite: installs what it needs (once), builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# Debian packages the tests drive, installed once: headless Chromium opens --report's page
# (tests/report_cli.rs); strace kills a stage at each of its writes (tests/kill9.rs).
missing=""
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing=" chromium"
command -v strace >/dev/null 2>&1 || missing="$missing strace"
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
