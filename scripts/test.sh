#!/usr/bin/env bash
# The whole test suite: installs what it needs (once), builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# tests/report_cli.rs opens --report's page in headless Chromium: Debian's package, installed once.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    echo "test: installing Debian's chromium (tests/report_cli.rs)" >&2
    sudo_="" && [ "$(id -u)" != 0 ] && sudo_="sudo -n"
    { $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq chromium >/dev/null; } || {
        echo "test: could not install chromium; install Debian's chromium (apt-get install chromium)" >&2
        exit 1
    }
fi
cargo test --release --locked "$@"
