#!/usr/bin/env bash
# Reading benchmark (issue: foundation): Vigil's LDIF + pwdump readers on a generated 1.5M-account estate, side by
# side with the PyPI `ldif` package parsing the same LDIF file, in one run. Prints a Markdown table.
#
#   bench/reading.sh                 # 1,500,000 accounts (about 1.1 GB LDIF + 0.25 GB dump; Python takes ~3 minutes)
#   ACCOUNTS=150000 bench/reading.sh # a quick run
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS=${ACCOUNTS:-1500000}
OUT=${OUT:-bench/out}
ESTATE="$OUT/estate-$ACCOUNTS"
mkdir -p "$OUT"

command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
swift build -c release --product vigil >&2
VIGIL=.build/release/vigil
if [ ! -f bench/.venv/bin/python ]; then python3 -m venv bench/.venv >&2; fi
bench/.venv/bin/pip install -q 'ldif==4.3.0' >&2

[ -f "$ESTATE/estate/directory.ldif" ] || "$VIGIL" generate --out "$ESTATE" --staff "$ACCOUNTS" --computers 0 --as-of 2026-11-01 >&2
LDIF="$ESTATE/estate/directory.ldif"
DUMP="$ESTATE/estate/ntds.ntds"
# A 2 GiB LDIF of contact entries (not accounts): what Vigil keeps stays empty, so peak memory shows the reader alone.
NOISE="$OUT/contacts-2g.ldif"
[ -f "$NOISE" ] || bench/.venv/bin/python - "$NOISE" <<'PY'
import sys
entry = ("dn: CN=Contact {0},OU=Contacts,DC=northgate,DC=nhs,DC=local\nobjectClass: top\nobjectClass: contact\n"
         "cn: Contact {0}\ndescription: " + "x" * 120 + "\nmail: contact{0}@example.nhs.uk\n\n")
with open(sys.argv[1], "w") as out:
    n, size = 0, 0
    while size < 2 << 30:
        text = "".join(entry.format(n + i) for i in range(1000)); n += 1000
        out.write(text); size += len(text)
PY
cat "$LDIF" "$DUMP" "$NOISE" > /dev/null  # page cache warm for every tool alike

measure() {  # command… → "wall_seconds peak_kib"; the command's output is left in $OUT/last.out
    local log; log=$(mktemp)
    /usr/bin/time -f "%e %M" -o "$log" "$@" > "$OUT/last.out" 2>&1 || true
    cat "$log"; rm -f "$log"
}
mib() { echo "scale=1; $(stat -c %s "$1") / 1048576" | bc; }
# Seconds the tool itself reports for reading (Vigil: "… MiB in S s" per file, summed; Python: its "seconds").
reported() {
    if grep -q '"seconds"' "$OUT/last.out"; then
        bench/.venv/bin/python -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["seconds"], 2))' "$OUT/last.out"
    else
        grep -o 'MiB in [0-9.]* s' "$OUT/last.out" | awk '{ total += $3 } END { print total }'
    fi
}

echo "| reader | input | cores | MiB | read s (reported) | MiB/s | wall s | peak RSS (MiB) | vs Python ldif |"
echo "|---|---|---|---|---|---|---|---|---|"
read -r py_wall py_kib < <(measure bench/.venv/bin/python bench/peers/ldif_parse.py "$LDIF")
py_s=$(reported)
py_records=$(cat "$OUT/last.out")
py_rate=$(echo "scale=3; $(mib "$LDIF") / $py_s" | bc)
row() {  # label input cores wall kib
    local s rate; s=$(reported); rate=$(echo "scale=1; $(mib "$2") / $s" | bc)
    echo "| $1 | $(basename "$2") | $3 | $(mib "$2") | $s | $rate | $4 | $(($5 / 1024)) | $(printf '%.1f' "$(echo "scale=3; $rate / $py_rate" | bc)")× |"
}
row "Python ldif 4.3.0" "$LDIF" 1 "$py_wall" "$py_kib"
read -r wall kib < <(measure taskset -c 0 "$VIGIL" inspect "$LDIF"); row "vigil inspect" "$LDIF" 1 "$wall" "$kib"
read -r wall kib < <(measure "$VIGIL" inspect "$LDIF"); row "vigil inspect" "$LDIF" "$(nproc)" "$wall" "$kib"
read -r wall kib < <(measure taskset -c 0 "$VIGIL" inspect "$DUMP"); row "vigil inspect" "$DUMP" 1 "$wall" "$kib"
read -r wall kib < <(measure "$VIGIL" inspect "$NOISE"); row "vigil inspect (nothing kept)" "$NOISE" "$(nproc)" "$wall" "$kib"
read -r wall kib < <(measure "$VIGIL" inspect "$LDIF" "$DUMP")
total=$(( $(stat -c %s "$LDIF") + $(stat -c %s "$DUMP") ))
echo "| vigil inspect (LDIF + dump, concurrently) | both | $(nproc) | $((total / 1048576)) | | $(echo "scale=1; $total / 1048576 / $wall" | bc) (wall) | $wall | $((kib / 1024)) | |"
echo
echo "Python ldif parsed: $py_records"
