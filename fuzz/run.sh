#!/usr/bin/env bash
# Fuzz the readers with AFL++ (through cargo-afl, which works on a stable compiler):
#   bash fuzz/run.sh [SECONDS [TARGET...]]      (default: 60 s for every target)
# Installs cargo-afl once, builds the instrumented targets, runs afl-fuzz on each target's corpus
# (fuzz/corpus/<target>, plus fuzz/regressions/<target>), prints a table of executions, wall time,
# corpus size and crashes, and copies every crash into fuzz/regressions/<target>/, which
# tests/fuzz_corpus.rs replays in every test run. Exits 1 when a target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh >/dev/null
secs="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(pth pickle npy failures yaml formula hypernca_config arch checkpoint targets)
command -v cargo-afl >/dev/null 2>&1 || cargo install --locked cargo-afl
cd fuzz
# The instrumented build keeps its own folder (whatever CARGO_TARGET_DIR says): sharing the main
# build's would rebuild both in turn, and the targets are run from here.
export CARGO_TARGET_DIR="$PWD/target"
cargo afl build --release 2>&1 | tail -1
# The targets link libtorch through the library (they never call it).
torch_lib="$(ls -d "$SYNAPT_VENV"/lib/python3*/site-packages/torch/lib | head -1)"
export LD_LIBRARY_PATH="$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# No core pinning: on a busy machine (or two runs at once) AFL++ would refuse to start without a free core.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_QUIET=1 AFL_NO_AFFINITY=1
printf '%-16s %12s %8s %10s %8s\n' target executions wall_s corpus crashes
found=0
for t in "${targets[@]}"; do
    in="$(mktemp -d)"
    cp corpus/"$t"/* "$in"/
    [ -d regressions/"$t" ] && cp regressions/"$t"/* "$in"/ 2>/dev/null || true
    rm -rf out/"$t"
    mkdir -p out
    start=$(date +%s)
    cargo afl fuzz -i "$in" -o out/"$t" -V "$secs" -- target/release/"$t" >out/"$t".log 2>&1 || {
        echo "fuzz: afl-fuzz failed on $t (fuzz/out/$t.log)" >&2
        tail -5 out/"$t".log >&2
        exit 1
    }
    wall=$(( $(date +%s) - start ))
    stats=out/"$t"/default/fuzzer_stats
    get() { awk -F' *: *' -v k="$1" '$1 == k {print $2}' "$stats"; }
    crashes=$(get saved_crashes)
    if [ "${crashes:-0}" != 0 ]; then
        found=1
        mkdir -p regressions/"$t"
        for c in out/"$t"/default/crashes/id:*; do
            cp "$c" regressions/"$t"/"$(sha256sum "$c" | cut -c1-16)"
        done
    fi
    printf '%-16s %12s %8s %10s %8s\n' "$t" "$(get execs_done)" "$wall" "$(get corpus_count)" "$crashes"
    rm -rf "$in"
done
if [ "$found" != 0 ]; then
    echo "fuzz: crashes found; they are in fuzz/regressions/ (tests/fuzz_corpus.rs replays them)" >&2
    exit 1
fi
