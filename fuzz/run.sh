#!/usr/bin/env bash
# Run one fuzz target for a while, logging each libFuzzer line with the seconds since the run
# started, then summarise the run for fuzz/README.md (fuzz/summarise.py).
# Usage: fuzz/run.sh TARGET SECONDS [MAX_LEN] [DICT]   (from the crate root; one at a time)
set -euo pipefail
target=$1 secs=$2 max_len=${3:-8192} dict=${4:-}
mkdir -p fuzz/logs fuzz/corpus/"$target"
log=fuzz/logs/$target.log
args=(-max_total_time="$secs" -max_len="$max_len" -timeout=30 -print_final_stats=1)
[ -n "$dict" ] && args+=(-dict="$dict")
# Debug assertions on (-a), so overflows panic; no sanitizer (-s none), for speed on two cores:
# disclose forbids unsafe code, and the panics and logic errors are what the targets check.
cargo +nightly fuzz build -a -s none "$target"
start=$(date +%s)
cargo +nightly fuzz run -a -s none "$target" -- "${args[@]}" 2>&1 |
    while IFS= read -r line; do printf '%s %s\n' "$(( $(date +%s) - start ))" "$line"; done > "$log" || true
python3 fuzz/summarise.py "$target"
