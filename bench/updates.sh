#!/usr/bin/env bash
# Missing security updates benchmark (issue: updates analyzer vs WES-NG), in one run on the same inputs. Prints Markdown.
#
#  1. WES-NG's validation set (14 systeminfo files, 2016-2024, seven languages, three encodings) against the WES-NG
#     definitions of 2026-06-28 (608,740 rows): `wes` (PyPI wesng, default mode) on each file, timed, and Vigil on the
#     same files and the same definitions (CVEs + Custom CSV): one `vigil assess` over all of them, and one per file.
#  2. Accuracy: every host x advisory where they disagree, with the evidence from the definitions and who is right
#     (bench/peers/compare_wesng.py; full list in $OUT/compare.csv).
#  3. Vigil alone on HOSTS generated hosts (bench/peers/make_hosts.py, one `systeminfo /fo csv` file) against the full
#     definitions: wall time, Vigil's own stage times, peak RSS.
#
#   bench/updates.sh                       # 100,000 hosts
#   HOSTS=10000 bench/updates.sh           # a quicker run
#   DEFINITIONS=/path/definitions.zip SYSTEMINFO=/path/dir bench/updates.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out/updates}
DEFINITIONS=${DEFINITIONS:-../shared/data/windows-systeminfo/wesng-definitions/definitions-20260628.zip}
SYSTEMINFO=${SYSTEMINFO:-../shared/data/windows-systeminfo/systeminfo}
HOSTS=${HOSTS:-100000}
RUNS=${RUNS:-3}
AS_OF=2026-12-01
mkdir -p "$OUT"

command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
command -v unzip >/dev/null || { echo "needs unzip (apt-get install unzip)" >&2; exit 2; }
[ -f "$DEFINITIONS" ] || { echo "no definitions at $DEFINITIONS (set DEFINITIONS)" >&2; exit 2; }
echo "Load before: $(uptime | sed 's/.*load average/load average/')" >&2
swift build -c release --product vigil >&2
# A private copy: other builds sharing .build may relink .build/release/vigil while this runs ("Text file busy").
cp .build/release/vigil "$OUT/vigil"
VIGIL=$OUT/vigil
if [ ! -f bench/.venv/bin/python ]; then python3 -m venv bench/.venv >&2; fi
bench/.venv/bin/pip install -q wesng >&2
PY=bench/.venv/bin/python
WES=bench/.venv/bin/wes
# wes.py decodes input as ASCII unless chardet is importable; chardet is kept apart, for the retry of files it fails on.
[ -d "$OUT/chardet-lib/chardet" ] || bench/.venv/bin/pip install -q --target "$OUT/chardet-lib" chardet >&2

unzip -o -q "$DEFINITIONS" -d "$OUT"
CVES=$(ls "$OUT"/CVEs_*.csv | head -1)
CUSTOM=$(ls "$OUT"/Custom_*.csv | head -1)
rm -rf "$OUT/systeminfo" "$OUT/bundle" "$OUT/wes" "$OUT/wes-chardet" "$OUT/wes-compare" "$OUT/per-file" "$OUT/per-file-db" \
    "$OUT/hosts-only"
mkdir -p "$OUT/systeminfo" "$OUT/bundle" "$OUT/wes" "$OUT/wes-chardet" "$OUT/wes-compare" "$OUT/per-file" "$OUT/per-file-db"
cp "$SYSTEMINFO"/* "$OUT/systeminfo/"
link() { ln -f "$1" "$2" 2>/dev/null || cp "$1" "$2"; }
for f in "$OUT"/systeminfo/* "$CVES" "$CUSTOM"; do link "$f" "$OUT/bundle/"; done
cat "$DEFINITIONS" "$CVES" "$CUSTOM" "$OUT"/systeminfo/* > /dev/null  # page cache warm for every tool alike

measure() {  # command… → "wall peak_kib" (median wall of RUNS runs, with that run's memory); output in $OUT/last.out
    local results=() log
    for _ in $(seq "$RUNS"); do
        log=$(mktemp)
        /usr/bin/time -f "%e %M" -o "$log" "$@" > "$OUT/last.out" 2>&1 || true
        results+=("$(tail -1 "$log")")
        rm -f "$log"
    done
    printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}
stage() {  # verbose log, stage → seconds
    grep -E "$2" "$1" | sed -E 's/.*vigil\.elapsed=([0-9.e+-]+) seconds.*/\1/' | head -1 | xargs printf '%.2f'
}

wes_version=$(bench/.venv/bin/pip show wesng | awk '/^Version/ { print $2 }')
files=$(ls "$OUT/systeminfo" | wc -l)
echo "## WES-NG $wes_version vs Vigil: $files systeminfo files, definitions $(basename "$DEFINITIONS") ($(grep -c '' "$CVES") lines in $(basename "$CVES"))"
echo
echo "WES-NG command (default mode: no --usekbdate, no --hide, no --muc-lookup), per file:"
echo "\`$WES --definitions $DEFINITIONS FILE -o $OUT/wes/FILE.csv\`"
# Vigil's own prepared form of the same definitions (as \`wes --update\` is WES-NG's): imported once, in advance.
rm -f "$OUT/advisories.db"
read -r iw im < <(measure "$VIGIL" advisories import "$DEFINITIONS" --output "$OUT/advisories.db" -q)
mkdir -p "$OUT/hosts-only"
for f in "$OUT"/systeminfo/*; do link "$f" "$OUT/hosts-only/"; done
echo "Vigil with the definitions imported in advance (once: \`$VIGIL advisories import $(basename "$DEFINITIONS") -o advisories.db\`, $iw s, $(( im / 1024 )) MiB, a $(( $(stat -c %s "$OUT/advisories.db") >> 20 )) MiB database with the compiled matching index), all files: \`$VIGIL assess $OUT/hosts-only --advisories $OUT/advisories.db --out DIR --as-of $AS_OF --format json\`; per file: the same with one systeminfo file. Vigil reading the CSVs themselves on every run: \`$VIGIL assess $OUT/bundle --out DIR --as-of $AS_OF --format json\` (bundle: the systeminfo files, $(basename "$CVES"), $(basename "$CUSTOM"))."
echo
echo "| file | host | wes s | wes peak MiB | wes result | vigil s, this file alone (database) | vigil s, this file alone (CSVs) | vigil peak MiB (database) | speed-up (database) |"
echo "|---|---|---|---|---|---|---|---|---|"
wes_total=0
vigil_file_total=0
vigil_csv_file_total=0
failed=()
for path in "$OUT"/systeminfo/*; do
    name=$(basename "$path")
    stem=${name%.*}
    log=$(mktemp)
    rc=0
    /usr/bin/time -f "%e %M" -o "$log" "$WES" --definitions "$DEFINITIONS" "$path" -o "$OUT/wes/$stem.csv" > "$OUT/wes/$stem.log" 2>&1 || rc=$?
    read -r ws wm < <(tail -1 "$log")
    rm -f "$log"
    if [ "$rc" -eq 0 ] && grep -q -- "- Name:" "$OUT/wes/$stem.log"; then
        rows=0
        [ -f "$OUT/wes/$stem.csv" ] && rows=$(( $(grep -c '' "$OUT/wes/$stem.csv") - 1 ))
        result="$rows rows ($(grep -- '- Name:' "$OUT/wes/$stem.log" | sed 's/.*Name: //'))"
        link "$OUT/wes/$stem.csv" "$OUT/wes-compare/$stem.csv" 2>/dev/null || true
        link "$OUT/wes/$stem.log" "$OUT/wes-compare/$stem.log"
    else
        result="**failed** (rc $rc): $(grep -E '^\[-\]' "$OUT/wes/$stem.log" | head -1 | sed 's/^\[-\] //')"
        failed+=("$name")
        # Retry with chardet importable, for the accuracy comparison only.
        PYTHONPATH="$OUT/chardet-lib" "$WES" --definitions "$DEFINITIONS" "$path" -o "$OUT/wes-chardet/$stem.csv" > "$OUT/wes-chardet/$stem.log" 2>&1 || true
        if grep -q -- "- Name:" "$OUT/wes-chardet/$stem.log"; then
            result+="; with chardet: read"
            [ -f "$OUT/wes-chardet/$stem.csv" ] && link "$OUT/wes-chardet/$stem.csv" "$OUT/wes-compare/$stem.csv"
            link "$OUT/wes-chardet/$stem.log" "$OUT/wes-compare/$stem.log"
        else
            result+="; with chardet: $(grep -E '^\[-\]' "$OUT/wes-chardet/$stem.log" | head -1 | sed 's/^\[-\] //')"
            link "$OUT/wes/$stem.log" "$OUT/wes-compare/$stem.log"
        fi
    fi
    mkdir -p "$OUT/per-file/$stem" "$OUT/per-file-db/$stem"
    for f in "$path" "$CVES" "$CUSTOM"; do link "$f" "$OUT/per-file/$stem/"; done
    link "$path" "$OUT/per-file-db/$stem/"
    read -r vs vm < <(measure "$VIGIL" assess "$OUT/per-file-db/$stem" --advisories "$OUT/advisories.db" --out "$OUT/per-file-db/$stem.report" --as-of "$AS_OF" --format json -q)
    read -r vc _ < <(measure "$VIGIL" assess "$OUT/per-file/$stem" --out "$OUT/per-file/$stem.report" --as-of "$AS_OF" --format json -q)
    host=$("$PY" -c 'import json,sys; f=[x for x in json.load(open(sys.argv[1]))["findings"] if x["subject"]["kind"]=="host"]; print(f[0]["subject"]["name"] if f else "?")' "$OUT/per-file-db/$stem.report/assessment.json" 2>/dev/null || echo "? (vigil failed)")
    wes_total=$(echo "$wes_total + $ws" | bc)
    vigil_file_total=$(echo "$vigil_file_total + $vs" | bc)
    vigil_csv_file_total=$(echo "$vigil_csv_file_total + $vc" | bc)
    ratio="$(echo "scale=1; $ws / $vs" | bc)×"
    [ "$rc" -eq 0 ] || ratio="— (wes failed)"
    echo "| $name | $host | $ws | $(( wm / 1024 )) | $result | $vs | $vc | $(( vm / 1024 )) | $ratio |"
done
read -r va vam < <(measure "$VIGIL" assess "$OUT/hosts-only" --advisories "$OUT/advisories.db" --out "$OUT/vigil-all-db" --as-of "$AS_OF" --format json -q)
read -r vca _ < <(measure "$VIGIL" assess "$OUT/bundle" --out "$OUT/vigil-all" --as-of "$AS_OF" --format json -q)
"$VIGIL" assess "$OUT/bundle" --out "$OUT/vigil-all-v" --as-of "$AS_OF" --format json -v > /dev/null 2> "$OUT/vigil-all.log"
echo "| **all $files files** | | **$wes_total** (sum) | | | **$va** (one run, median of $RUNS; per-file runs sum to $vigil_file_total) | **$vca** (one run; per-file runs sum to $vigil_csv_file_total) | $(( vam / 1024 )) | **$(echo "scale=1; $wes_total / $va" | bc)×** (CSVs: $(echo "scale=1; $wes_total / $vca" | bc)×) |"
echo
echo "Vigil's own stage times reading the CSVs (all files, one run): evidence read $(stage "$OUT/vigil-all.log" 'evidence read') s (the 135 MB definitions and the 14 files), updates analysis $(stage "$OUT/vigil-all.log" 'analyzer=updates') s."
echo "Per host: WES-NG $(printf '%.3f' "$(echo "scale=4; $wes_total / $files" | bc)") s on average; Vigil (database) $(printf '%.3f' "$(echo "scale=4; $va / $files" | bc)") s per host when the $files are assessed together ($(echo "scale=1; $wes_total / $va" | bc)×), $(printf '%.3f' "$(echo "scale=4; $vigil_file_total / $files" | bc)") s when each is assessed by a process of its own ($(echo "scale=1; $wes_total / $vigil_file_total" | bc)×). Goal ≥ 100×."
[ ${#failed[@]} -eq 0 ] || echo "WES-NG (default install, no chardet) could not read: ${failed[*]}."

echo
echo "## Accuracy: WES-NG vs Vigil on the same hosts and definitions"
echo
# The accuracy run lists every missing advisory (facts.listed is capped at 20 otherwise).
"$VIGIL" assess "$OUT/bundle" --out "$OUT/vigil-all-full" --as-of "$AS_OF" --format json -q --all-missing-updates
"$PY" bench/peers/compare_wesng.py --definitions "$CVES" --definitions "$CUSTOM" --systeminfo "$OUT/systeminfo" \
    --wes "$OUT/wes-compare" --assessment "$OUT/vigil-all-full/assessment.json" --csv "$OUT/compare.csv" > "$OUT/compare.md"
sed '/^Per host:/q' "$OUT/compare.md"
echo "(per-host detail: $OUT/compare.md)"

echo
echo "## Vigil on $HOSTS generated hosts"
echo
GEN="$OUT/hosts-$HOSTS"
if [ ! -f "$GEN/systeminfo.csv" ] || [ ! -f "$GEN/mix.txt" ]; then
    mkdir -p "$GEN"
    "$PY" bench/peers/make_hosts.py "$CVES" "$GEN/systeminfo.csv" --hosts "$HOSTS" --seed 7 2> "$GEN/mix.txt"
fi
for f in "$CVES" "$CUSTOM"; do link "$f" "$GEN/"; done
cat "$GEN"/* > /dev/null
echo "Input: one \`systeminfo /fo csv\` file, $HOSTS rows, $(( $(stat -c %s "$GEN/systeminfo.csv") >> 20 )) MiB ($(sed 's/.*(\(.*\))/\1/' "$GEN/mix.txt")), plus the full definitions."
echo "Load: $(uptime | sed 's/.*load average/load average/')"
echo
echo "| run | wall s | evidence read s | updates analysis s | peak RSS MiB | findings |"
echo "|---|---|---|---|---|---|"
timed() {  # log command… → "wall_s peak_mib" (GNU time -v), the command's stderr in log
    local vlog
    vlog=$(mktemp)
    /usr/bin/time -v -o "$vlog" "${@:2}" > /dev/null 2> "$1" || true
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; w = s }
                /Maximum resident/ { m = int($2 / 1024) } END { print w, m }' "$vlog"
    rm -f "$vlog"
}
findings() { grep -E 'analyzer=updates' "$1" | sed -E 's/.*vigil\.findings=([0-9]+).*/\1/'; }
read -r wall rss < <(timed "$GEN.log" "$VIGIL" assess "$GEN" --out "$GEN.report" --as-of "$AS_OF" --format json -v)
echo "| \`vigil assess\` ($HOSTS hosts + definitions in the bundle) | $wall | $(stage "$GEN.log" 'evidence read') | $(stage "$GEN.log" 'analyzer=updates') | $rss | $(findings "$GEN.log") |"
mkdir -p "$GEN-hosts-only"
link "$GEN/systeminfo.csv" "$GEN-hosts-only/"
read -r wall rss < <(timed "$GEN-db.log" "$VIGIL" assess "$GEN-hosts-only" --advisories "$OUT/advisories.db" --out "$GEN.report-db" --as-of "$AS_OF" --format json -v)
echo "| \`vigil assess --advisories\` ($HOSTS hosts; definitions imported in advance, above) | $wall | $(stage "$GEN-db.log" 'evidence read') | $(stage "$GEN-db.log" 'analyzer=updates') | $rss | $(findings "$GEN-db.log") |"
echo
"$VIGIL" inspect "$GEN/systeminfo.csv" 2>&1 | head -1 | sed 's/^/Reading the host file alone (`vigil inspect`): /'
echo
echo "Goal: under 10 s. Load after: $(uptime | sed 's/.*load average/load average/')"
