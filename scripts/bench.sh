#!/usr/bin/env bash
# Benchmarks `disclose pack` and `disclose verify` against the stock chain a technical user
# would otherwise build by hand, on the same synthetic file, alternating runs, and prints
# medians and ratios. Installs what it compares against (age via apt, xsv via cargo).
#
#   bash scripts/bench.sh [MEGABYTES=200] [RUNS=5]   CSV pack and verify against the chain, then
#                                                   XLSX (XLSX_ROWS=200000) against calamine
#   bash scripts/bench.sh scaling [SIZES="100 1000 4000"] [RUNS=3]
#                                                   pack MB/s at each size (linear cost check),
#                                                   the median of RUNS runs
#   bash scripts/bench.sh tui [MEGABYTES=1000]      the interactive screens on one export:
#                                                   waits, every keypress's cost, peak memory
#   bash scripts/bench.sh freetext [MEGABYTES=1000] [RUNS=5]
#                                                   the cost of scanning free text: pack of an
#                                                   export whose statements are prose, with the
#                                                   Bromley profile as embedded and with the same
#                                                   profile's free_text marks removed
#
# Speed and memory targets live here, never in `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=compare
if [ "${1:-}" = tui ]; then
    cargo build --release --quiet --example gen_bench_csv --example bench_tui
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    target/release/examples/gen_bench_csv "$work/export.csv" "${2:-1000}" >/dev/null
    cat "$work/export.csv" >/dev/null
    target/release/examples/bench_tui "$work/export.csv"
    exit 0
fi
if [ "${1:-}" = freetext ]; then
    mode=freetext
    mb=${2:-1000}
    runs=${3:-5}
elif [ "${1:-}" = scaling ]; then
    mode=scaling
    sizes=${2:-100 1000 4000}
    mb=0 runs=${3:-3}
else
    mb=${1:-200}
    runs=${2:-5}
fi
xlsx_rows=${XLSX_ROWS:-200000}

command -v age >/dev/null || { apt-get update -qq && apt-get install -y -qq age; }
command -v zip >/dev/null || apt-get install -y -qq zip
command -v unzip >/dev/null || apt-get install -y -qq unzip
[ -x /usr/bin/time ] || apt-get install -y -qq time
command -v xsv >/dev/null || cargo install xsv --locked --quiet
cargo build --release --quiet --example gen_bench_csv --example gen_bench_xlsx --example calamine_range \
    --example load_rows
cargo build --release --quiet
bin=$PWD/target/release/disclose

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
input=$work/bench.csv
"$bin" keygen -o "$work/key.txt" 2> "$work/keygen.txt"
public=$(sed -n 's/^Public key: //p' "$work/keygen.txt")
export DISCLOSE_REGISTER=$work/register.jsonl
acks=(--acknowledge review-overdue --acknowledge no-electronic-transfer
      --acknowledge victim-assessed-before-release --acknowledge rjo-signed-undertaking
      --acknowledge no-protective-marking --acknowledge free-text-reviewed)

# One timed run: prints "seconds max_rss_kb" of the whole command.
timed() { /usr/bin/time -f "%e %M" -o "$work/time" bash -c "$1" >/dev/null 2>&1; cat "$work/time"; }
# Runs a command once, untimed, and stops the benchmark if it fails: a time measured for a
# command that was refused would be a time for nothing.
works() { bash -c "$1" >/dev/null 2>"$work/err" || { echo "bench: this command failed:" >&2; echo "  $1" >&2; cat "$work/err" >&2; exit 1; }; }
pack_cmd() { echo "rm -rf $work/out && mkdir $work/out && $bin pack --profile bromley-yot-victims --input $1 --recipient Bench=$public --out $work/out --analyst Bench --reason Bench ${acks[*]}"; }

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

if [ "$mode" = scaling ]; then
    printf '\nPack throughput by input size (median of %s runs after a warm-up read; same generator)\n\n' "$runs"
    printf '%-10s %10s %10s %12s\n' "size MB" "seconds" "MB/s" "peak MB"
    for size in $sizes; do
        target/release/examples/gen_bench_csv "$input" "$size" >/dev/null 2>&1
        cat "$input" > /dev/null
        works "$(pack_cmd "$input")"
        all_secs="" all_kb=""
        for _ in $(seq "$runs"); do
            read -r secs kb < <(timed "$(pack_cmd "$input")")
            all_secs+="$secs " all_kb+="$kb "
        done
        secs=$(echo "$all_secs" | median); kb=$(echo "$all_kb" | median)
        printf '%-10s %10.2f %10.1f %12.1f\n' "$size" "$secs" "$(echo "$size / $secs" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
    done
    exit 0
fi

if [ "$mode" = freetext ]; then
    target/release/examples/gen_bench_csv "$input" "$mb" statements
    mkdir "$work/plain"
    grep -v '^free_text = true' profiles/bromley-yot-victims.toml > "$work/plain/bromley-yot-victims.toml"
    scanned="$(pack_cmd "$input") --acknowledge free-text-reviewed"
    plain="$(pack_cmd "$input" | sed "s|$bin pack|$bin --profiles $work/plain pack|") --acknowledge free-text-reviewed"
    works "$scanned"; works "$plain"
    all_s="" all_p=""
    for _ in $(seq "$runs"); do
        read -r secs _ < <(timed "$scanned"); all_s+="$secs "
        read -r secs _ < <(timed "$plain"); all_p+="$secs "
    done
    eval "$scanned" >/dev/null 2>&1 || true
    # (The dry run exits 1, not ready: it names no recipient.)
    { "$bin" pack --profile bromley-yot-victims --input "$input" --dry-run --reason Bench ${acks[*]} 2>/dev/null || true; } \
        | sed -n '/^Free text/,/^$/p' | head -6
    s=$(echo "$all_s" | median); p=$(echo "$all_p" | median)
    printf '\nInput: %s MB, statements in the free-text column; median of %s runs, alternating\n' "$mb" "$runs"
    printf 'pack, free text scanned:      %8.2f s\n' "$s"
    printf 'pack, the same, not scanned:  %8.2f s\n' "$p"
    printf 'cost of scanning:             %8.1f %%   (goal <= 10)\n' "$(echo "($s / $p - 1) * 100" | bc -l)"
    exit 0
fi

# Pack and verify against the chain on one shape of export: $1 is gen_bench_csv's shape
# argument, $2 how the table names it.
compare() {
    target/release/examples/gen_bench_csv "$input" "$mb" "$1"

    ours_pack=$(pack_cmd "$input")
    # The same rows and columns with stock tools: keep rows whose suspect is 10-17 and whose
    # victim did not opt out (all rows here), select the 8 agreed columns, zip -6, encrypt.
    theirs_pack="xsv search -s 'Victim Opt Out' '^N\$' $input | xsv select 4-11 | zip -q -6 - - | age -r $public > $work/chain.zip.age"
    # Verify against the chain that checks the same content: decrypt, inflate, hash. Extraction
    # (writing every file to disk as well) is timed on its own line.
    ours_verify="$bin verify \$(ls $work/out/*.zip.age) --identity $work/key.txt"
    ours_extract="rm -rf $work/x && $bin verify \$(ls $work/out/*.zip.age) --identity $work/key.txt --extract $work/x"
    theirs_verify="age -d -i $work/key.txt $work/chain.zip.age > $work/chain.zip && unzip -p $work/chain.zip | sha256sum"

    works "$ours_pack"; works "$theirs_pack"
    declare -A t m
    for i in $(seq "$runs"); do
        for name in ours_pack theirs_pack ours_verify theirs_verify ours_extract; do
            read -r secs kb < <(timed "${!name}")
            t[$name]+="$secs "; m[$name]+="$kb "
        done
    done
    size_ours=$(stat -c %s "$work"/out/*.zip.age)
    size_theirs=$(stat -c %s "$work/chain.zip.age")

    printf '\nInput: %s MB synthetic CRIS-like CSV, %s, 25 columns, 8 shared; %s runs each, alternating\n\n' "$mb" "$2" "$runs"
    printf '%-34s %10s %12s\n' "command" "median s" "peak MB"
    for name in ours_pack theirs_pack ours_verify theirs_verify ours_extract; do
        s=$(echo "${t[$name]}" | median); k=$(echo "${m[$name]}" | median)
        printf '%-34s %10.2f %12.1f\n' "$name" "$s" "$(echo "$k / 1024" | bc -l)"
    done
    op=$(echo "${t[ours_pack]}" | median); tp=$(echo "${t[theirs_pack]}" | median)
    ov=$(echo "${t[ours_verify]}" | median); tv=$(echo "${t[theirs_verify]}" | median)
    printf '\npack time ratio (ours / chain):   %.2f   (goal <= 0.5)\n' "$(echo "$op / $tp" | bc -l)"
    printf 'pack size ratio (ours / chain):   %.3f  (goal <= 1.05)\n' "$(echo "$size_ours / $size_theirs" | bc -l)"
    printf 'verify time ratio (ours / chain): %.2f   (goal <= 1.0)\n' "$(echo "$ov / $tv" | bc -l)"
}

# Both shapes: real exports repeat values a great deal (the realistic shape), and the random
# shape is the less compressible case. The XLSX runs below use the random shape's file.
compare realistic "realistic shape (small vocabularies, skewed; people recur; statements)"
compare random "random shape (values drawn uniformly)"

# XLSX: a workbook of the first rows of the same export, packed by `disclose pack` (which
# streams cells and never builds the grid), and read alone by disclose's loader (load_rows:
# open, then every row), against calamine's `worksheet_range`.
target/release/examples/gen_bench_xlsx "$input" "$work/bench.xlsx" "$xlsx_rows"
ours_xlsx=$(pack_cmd "$work/bench.xlsx")
declare -A t m
ours_read="target/release/examples/load_rows $work/bench.xlsx"
calamine_range="target/release/examples/calamine_range $work/bench.xlsx"
for i in $(seq "$runs"); do
    for name in ours_xlsx ours_read calamine_range; do
        read -r secs kb < <(timed "${!name}")
        t[$name]+="$secs "; m[$name]+="$kb "
    done
done
printf '\nXLSX: %s rows x 25 columns (%s MB), %s runs each, alternating\n\n' "$xlsx_rows" \
    "$(( $(stat -c %s "$work/bench.xlsx") / 1000000 ))" "$runs"
printf '%-34s %10s %12s\n' "command" "median s" "peak MB"
for name in ours_xlsx ours_read calamine_range; do
    s=$(echo "${t[$name]}" | median); k=$(echo "${m[$name]}" | median)
    printf '%-34s %10.2f %12.1f\n' "$name" "$s" "$(echo "$k / 1024" | bc -l)"
done
ox=$(echo "${t[ours_xlsx]}" | median); cx=$(echo "${t[calamine_range]}" | median)
orx=$(echo "${t[ours_read]}" | median)
printf '\nxlsx time ratio (pack / worksheet_range): %.2f   (goal <= 0.8; peak goal < 150 MB)\n' \
    "$(echo "$ox / $cx" | bc -l)"
printf 'xlsx time ratio (read alone / worksheet_range): %.2f\n' "$(echo "$orx / $cx" | bc -l)"
