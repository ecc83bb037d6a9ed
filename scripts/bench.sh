#!/usr/bin/env bash
# Benchmarks `disclose pack` and `disclose verify` against the stock chain a technical user
# would otherwise build by hand, on the same synthetic file, alternating runs, and prints
# medians and ratios. Installs what it compares against (age via apt, xsv via cargo).
#
#   bash scripts/bench.sh [MEGABYTES=200] [RUNS=5]
#
# Speed and memory targets live here, never in `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-200}
runs=${2:-5}

command -v age >/dev/null || { apt-get update -qq && apt-get install -y -qq age; }
command -v zip >/dev/null || apt-get install -y -qq zip
command -v unzip >/dev/null || apt-get install -y -qq unzip
[ -x /usr/bin/time ] || apt-get install -y -qq time
command -v xsv >/dev/null || cargo install xsv --locked --quiet
cargo build --release --quiet --example gen_bench_csv
cargo build --release --quiet
bin=$PWD/target/release/disclose

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
input=$work/bench.csv
target/release/examples/gen_bench_csv "$input" "$mb"
"$bin" keygen -o "$work/key.txt" 2> "$work/keygen.txt"
public=$(sed -n 's/^Public key: //p' "$work/keygen.txt")
export DISCLOSE_REGISTER=$work/register.jsonl
acks=(--acknowledge review-overdue --acknowledge no-electronic-transfer
      --acknowledge victim-assessed-before-release --acknowledge rjo-signed-undertaking)

# One timed run: prints "seconds max_rss_kb" of the whole command.
timed() { /usr/bin/time -f "%e %M" -o "$work/time" bash -c "$1" >/dev/null 2>&1; cat "$work/time"; }

ours_pack="rm -rf $work/out && mkdir $work/out && $bin pack --profile bromley-yot-victims --input $input --recipient $public --out $work/out --analyst Bench ${acks[*]}"
# The same rows and columns with stock tools: keep rows whose suspect is 10-17 and whose
# victim did not opt out (all rows here), select the 8 agreed columns, zip -6, encrypt.
theirs_pack="xsv search -s 'Victim Opt Out' '^N\$' $input | xsv select 4-11 | zip -q -6 - - | age -r $public > $work/chain.zip.age"
ours_verify="rm -rf $work/x && $bin verify \$(ls $work/out/*.zip.age) --identity $work/key.txt --extract $work/x"
theirs_verify="age -d -i $work/key.txt $work/chain.zip.age > $work/chain.zip && unzip -p $work/chain.zip | sha256sum"

declare -A t m
for i in $(seq "$runs"); do
    for name in ours_pack theirs_pack ours_verify theirs_verify; do
        read -r secs kb < <(timed "${!name}")
        t[$name]+="$secs "; m[$name]+="$kb "
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
size_ours=$(stat -c %s "$work"/out/*.zip.age)
size_theirs=$(stat -c %s "$work/chain.zip.age")

printf '\nInput: %s MB synthetic CRIS-like CSV, 25 columns, 8 shared; %s runs each, alternating\n\n' "$mb" "$runs"
printf '%-34s %10s %12s\n' "command" "median s" "peak MB"
for name in ours_pack theirs_pack ours_verify theirs_verify; do
    s=$(echo "${t[$name]}" | median); k=$(echo "${m[$name]}" | median)
    printf '%-34s %10.2f %12.1f\n' "$name" "$s" "$(echo "$k / 1024" | bc -l)"
done
op=$(echo "${t[ours_pack]}" | median); tp=$(echo "${t[theirs_pack]}" | median)
ov=$(echo "${t[ours_verify]}" | median); tv=$(echo "${t[theirs_verify]}" | median)
printf '\npack time ratio (ours / chain):   %.2f   (goal <= 0.5)\n' "$(echo "$op / $tp" | bc -l)"
printf 'pack size ratio (ours / chain):   %.3f  (goal <= 1.05)\n' "$(echo "$size_ours / $size_theirs" | bc -l)"
printf 'verify time ratio (ours / chain): %.2f   (goal <= 1.0)\n' "$(echo "$ov / $tv" | bc -l)"
