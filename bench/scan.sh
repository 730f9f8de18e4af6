#!/usr/bin/env bash
# Patient-data scan benchmark (issue 5), in one run on the same generated input. Prints Markdown tables.
#
#  1. A generated share of >= 1 GiB (large exports and logs, plus thousands of letters, lists and workbooks):
#     `vigil scan --jobs 1` (validating, classifying, reading .xlsx/.docx) vs `rg -j1` (Debian ripgrep) counting the
#     NHS-number-shaped pattern without validation; then both on every core. Median of RUNS runs, page cache warm.
#  2. A 10 MB slice of text files with labels: Vigil vs Presidio's UK NHS pattern recogniser (presidio-analyzer's
#     NhsRecognizer, regex + checksum; no NLP model, which cannot be downloaded offline): time and precision/recall.
#  3. A rescan of the unchanged share with the incremental state file.
#  4. Agreement with the PyPI nhs-number package on one million random 10-digit strings.
#
#   bench/scan.sh                # 1 GiB share (about 40 s to generate the first time)
#   SIZE=200m RUNS=1 bench/scan.sh   # a quick run
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-1g}
RUNS=${RUNS:-3}
OUT=${OUT:-bench/out}
SHARE="$OUT/share-$SIZE"
SLICE="$OUT/slice-10m"
PATTERN='\b[0-9]{3}[- ]?[0-9]{3}[- ]?[0-9]{4}\b'
mkdir -p "$OUT"

command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
command -v rg >/dev/null || { echo "needs ripgrep (apt-get install ripgrep)" >&2; exit 2; }
swift build -c release --product vigil >&2
VIGIL=.build/release/vigil
if [ ! -f bench/.venv/bin/python ]; then python3 -m venv bench/.venv >&2; fi
bench/.venv/bin/pip install -q 'presidio-analyzer==2.2.366' 'nhs-number==2.2.0' >&2

if [ ! -d "$SHARE" ]; then
    # Big files (bulk exports, logs, finance extracts) and, beside them, many small ones (letters, lists, workbooks).
    big=$(( $(bench/.venv/bin/python -c "import sys; s=sys.argv[1].lower(); m={'k':1<<10,'m':1<<20,'g':1<<30}; print(int(float(s[:-1])*m[s[-1]]) if s[-1] in m else int(s))" "$SIZE") * 4 / 5 ))
    "$VIGIL" generate-share --out "$SHARE/large" --size "$big" --scale large --seed 5 --as-of 2026-11-01 >&2
    "$VIGIL" generate-share --out "$SHARE/small" --size "$(( big / 4 ))" --scale small --seed 6 --as-of 2026-11-01 >&2
fi
if [ ! -d "$SLICE" ]; then
    "$VIGIL" generate-share --out "$SLICE" --size 10m --scale small --seed 8 --as-of 2026-11-01 \
        --layouts clinic-list,bulk-export,letter,application-log,finance,phone-directory,json-export,xml-messages,test-data,minutes,scottish-list,northern-ireland-list \
        --labels "$OUT/slice-10m-labels.jsonl" >&2
fi
find "$SHARE" "$SLICE" -type f -exec cat {} + > /dev/null  # page cache warm for every tool alike

bytes=$(du -sb "$SHARE" | cut -f1)
files=$(find "$SHARE" -type f | wc -l)
text_bytes=$(find "$SHARE" -type f \( -name '*.csv' -o -name '*.txt' -o -name '*.log' -o -name '*.json' -o -name '*.xml' \) -printf '%s\n' | awk '{ s += $1 } END { print s }')
cores=$(nproc)

measure() {  # command… → "wall cpu peak_kib" (median wall of RUNS runs, with that run's CPU seconds and memory)
    local results=() log
    for _ in $(seq "$RUNS"); do
        log=$(mktemp)
        /usr/bin/time -f "%e %U %S %M" -o "$log" "$@" > "$OUT/last.out" 2>&1 || true
        results+=("$(awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$log")")
        rm -f "$log"
    done
    printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}
rate() { echo "scale=0; $1 / 1048576 / $2" | bc; }

echo "Share: $files files, $(( bytes >> 20 )) MiB ($(( text_bytes >> 20 )) MiB plain text; the rest .xlsx/.docx, images, PDFs, legacy Office, archives). $cores cores; median of $RUNS runs."
echo
echo "| tool | cores | what it does | wall s | CPU s | MiB/s (wall) | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|"
row() {  # label cores what wall cpu kib
    echo "| $1 | $2 | $3 | $4 | $5 | $(rate "$bytes" "$4") | $(( $6 / 1024 )) |"
}
read -r w c m < <(measure taskset -c 0 rg -j1 --count-matches -e "$PATTERN" "$SHARE")
rg_matches=$(awk -F: '{ s += $NF } END { print s }' "$OUT/last.out")
row "ripgrep $(rg --version | head -1 | cut -d' ' -f2) \`rg -j1\`" 1 "counts $rg_matches NHS-shaped matches in text files; no validation, no Office files" "$w" "$c" "$m"
read -r w c m < <(measure taskset -c 0 "$VIGIL" scan "$SHARE" --jobs 1 --no-state --format json --out "$OUT/scan-1" -q --as-of 2026-11-01)
row "vigil scan \`--jobs 1\`" 1 "finds, validates, classifies NHS/CHI/H&C, DOB, postcodes, hospital numbers; reads .xlsx/.docx" "$w" "$c" "$m"
vigil1=$w
read -r w c m < <(measure rg --count-matches -e "$PATTERN" "$SHARE")
row "ripgrep \`rg\`" "$cores" "as above" "$w" "$c" "$m"
read -r w c m < <(measure "$VIGIL" scan "$SHARE" --no-state --format json --out "$OUT/scan-all" -q --as-of 2026-11-01)
row "vigil scan" "$cores" "as above, every core" "$w" "$c" "$m"
echo
echo "Scaling: $(echo "scale=2; $vigil1 / $w" | bc)x on $cores cores."
read -r w c m < <(measure taskset -c 0 "$VIGIL" scan "$SHARE" --jobs 1 --no-state --format json --out "$OUT/scan-text" -q --as-of 2026-11-01 --include '*.csv' --include '*.txt' --include '*.log' --include '*.json' --include '*.xml')
echo "Plain-text files only (what ripgrep reads), one core: vigil $w s wall, $c s CPU ($(rate "$text_bytes" "$w") MiB/s)."

echo
echo "Incremental rescan of the unchanged share (state file; first run reads everything):"
rm -f "$OUT/state.sqlite"
"$VIGIL" scan "$SHARE" --state "$OUT/state.sqlite" --format json --out "$OUT/scan-state" -q --as-of 2026-11-01
read -r w c m < <(measure "$VIGIL" scan "$SHARE" --state "$OUT/state.sqlite" --format json --out "$OUT/scan-state" -q --as-of 2026-11-01)
echo "rescan: $w s wall for $files files, $(( m / 1024 )) MiB peak; state file $(( $(stat -c %s "$OUT/state.sqlite") >> 10 )) KiB."

echo
echo "10 MB slice ($(du -sh "$SLICE" | cut -f1), text files, labelled): Presidio's NhsRecognizer vs Vigil, 10-digit health numbers (NHS, CHI, H&C; test-range numbers are not patients)"
echo
echo "| tool | seconds | MB/s | precision | recall | speed-up |"
echo "|---|---|---|---|---|---|"
bench/.venv/bin/python bench/peers/presidio_nhs.py "$SLICE" "$OUT/presidio.json"
presidio_s=$(bench/.venv/bin/python -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["seconds"], 3))' "$OUT/presidio.json")
slice_bytes=$(bench/.venv/bin/python -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes"])' "$OUT/presidio.json")
presidio_score=$(bench/.venv/bin/python bench/peers/score_health_numbers.py "$OUT/slice-10m-labels.jsonl" "$OUT/presidio.json")
# Accuracy from one run that writes every location; speed from runs that do not (writing them costs as much as finding).
"$VIGIL" scan "$SLICE" --jobs 1 --no-state --format json --out "$OUT/scan-slice-locations" -q --as-of 2026-11-01 --locations "$OUT/vigil-locations.jsonl"
read -r w c m < <(measure taskset -c 0 "$VIGIL" scan "$SLICE" --jobs 1 --no-state --format json --out "$OUT/scan-slice" -q --as-of 2026-11-01)
vigil_score=$(bench/.venv/bin/python bench/peers/score_health_numbers.py "$OUT/slice-10m-labels.jsonl" "$OUT/vigil-locations.jsonl")
vigil_scan_s=$(bench/.venv/bin/python -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["performance"]["seconds"], 3))' "$OUT/scan-slice/scan.json")
field() { echo "$1" | bench/.venv/bin/python -c "import json,sys; print(json.load(sys.stdin)['$2'])"; }
echo "| Presidio $(bench/.venv/bin/pip show presidio-analyzer | awk '/^Version/ { print $2 }') NhsRecognizer (analysis only, files in memory) | $presidio_s | $(echo "scale=1; $slice_bytes / 1000000 / $presidio_s" | bc) | $(field "$presidio_score" precision) | $(field "$presidio_score" recall) | 1× |"
echo "| vigil scan --jobs 1, scan only (walk, read, detect, classify; as Vigil reports it) | $vigil_scan_s | $(echo "scale=1; $slice_bytes / 1000000 / $vigil_scan_s" | bc) | $(field "$vigil_score" precision) | $(field "$vigil_score" recall) | $(echo "scale=0; $presidio_s / $vigil_scan_s" | bc)× |"
echo "| vigil scan --jobs 1, whole process (start-up and reports included) | $w | $(echo "scale=1; $slice_bytes / 1000000 / $w" | bc) | | | $(echo "scale=0; $presidio_s / $w" | bc)× |"

echo
echo "Agreement with nhs-number (PyPI) on 1,000,000 random 10-digit strings:"
VIGIL_NHS_NUMBER_PYTHON=$PWD/bench/.venv/bin/python swift test --filter ReferenceAgreementTests 2>&1 | grep -E "nhs-number agreement|passed|failed" | head -3
