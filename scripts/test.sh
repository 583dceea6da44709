#!/usr/bin/env bash
# The whole test suite: installs what it needs (once), builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo test --release --locked "$@"
