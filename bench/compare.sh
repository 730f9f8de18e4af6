#!/usr/bin/env bash
# Before and after, on the hot paths: two vigil binaries on the same generated inputs, runs interleaved (old, new, old,
# new…) so that load from anything else on the machine falls on both alike. Reports the median wall time, the median
# CPU time (user + system: what the work costs, less sensitive to a shared machine than wall time) and the peak RSS.
# Written for issue 13 (moving file code into VigilIO must not slow the readers, the breach index or the scan).
#
#   bench/compare.sh OLD_VIGIL NEW_VIGIL
#   ACCOUNTS=300000 SHARE=300m HASHES=5000000 RUNS=3 bench/compare.sh old/vigil .build/release/vigil
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?usage: bench/compare.sh OLD_VIGIL NEW_VIGIL}
NEW=${2:?usage: bench/compare.sh OLD_VIGIL NEW_VIGIL}
ACCOUNTS=${ACCOUNTS:-300000}
SHARE=${SHARE:-300m}
HASHES=${HASHES:-5000000}
RUNS=${RUNS:-3}
OUT=${OUT:-bench/out/compare}
mkdir -p "$OUT"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }

# Inputs, made once by the new binary (the generators are seeded, so both binaries read the same bytes).
ESTATE="$OUT/estate-$ACCOUNTS"
[ -f "$ESTATE/estate/directory.ldif" ] || "$NEW" generate --out "$ESTATE" --staff "$ACCOUNTS" --computers 200 --as-of 2026-11-01 >&2
SHAREDIR="$OUT/share-$SHARE"
[ -d "$SHAREDIR" ] || "$NEW" generate-share --out "$SHAREDIR" --size "$SHARE" --scale large --seed 5 --as-of 2026-11-01 >&2
CORPUS="$OUT/corpus-$HASHES.txt"
[ -f "$CORPUS" ] || python3 - "$CORPUS" "$HASHES" <<'PY'
import hashlib, random, sys
# A Pwned Passwords-shaped file: sorted 40-hex SHA-1 hashes with counts, as the real download is.
random.seed(7)
n = int(sys.argv[2])
keys = sorted(random.getrandbits(160) for _ in range(n))
with open(sys.argv[1], "w") as out:
    for key in keys:
        out.write("%040X:%d\n" % (key, random.randint(1, 5000)))
PY
cat "$ESTATE/estate/directory.ldif" "$ESTATE/estate/ntds.ntds" "$CORPUS" > /dev/null

measure() {  # command… → "wall cpu peak_kib"
    local log; log=$(mktemp)
    /usr/bin/time -f "%e %U %S %M" -o "$log" "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; }
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$log"; rm -f "$log"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

step() {  # name, then the command with VIGIL standing for the binary
    local name=$1; shift
    local oldw=() oldc=() neww=() newc=() oldm=0 newm=0
    for _ in $(seq "$RUNS"); do
        for which in old new; do
            local binary=$OLD; [ "$which" = new ] && binary=$NEW
            read -r w c m < <(measure "${@/VIGIL/$binary}")
            if [ "$which" = old ]; then oldw+=("$w"); oldc+=("$c"); (( m > oldm )) && oldm=$m
            else neww+=("$w"); newc+=("$c"); (( m > newm )) && newm=$m; fi
        done
    done
    local ow oc nw nc
    ow=$(printf '%s\n' "${oldw[@]}" | median); oc=$(printf '%s\n' "${oldc[@]}" | median)
    nw=$(printf '%s\n' "${neww[@]}" | median); nc=$(printf '%s\n' "${newc[@]}" | median)
    echo "| $name | $ow | $nw | $oc | $nc | $(echo "scale=2; $nc / $oc" | bc) | $((oldm / 1024)) | $((newm / 1024)) |"
}

echo "Inputs: $ACCOUNTS-account estate ($(( $(stat -c %s "$ESTATE/estate/directory.ldif") >> 20 )) MiB LDIF, $(( $(stat -c %s "$ESTATE/estate/ntds.ntds") >> 20 )) MiB dump), a $SHARE generated share, a $HASHES-hash SHA-1 corpus ($(( $(stat -c %s "$CORPUS") >> 20 )) MiB). Medians of $RUNS interleaved runs; $(nproc) cores; load average at start $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| step | wall before (s) | wall after (s) | CPU before (s) | CPU after (s) | CPU after/before | peak RSS before (MiB) | after (MiB) |"
echo "|---|---|---|---|---|---|---|---|"
step "read the LDIF export (\`vigil inspect directory.ldif\`)" VIGIL inspect "$ESTATE/estate/directory.ldif"
step "read the hash dump (\`vigil inspect ntds.ntds\`)" VIGIL inspect "$ESTATE/estate/ntds.ntds"
step "build a breach index (\`vigil corpus build\`)" VIGIL corpus build "$CORPUS" -o "$OUT/corpus.vbi" --restart
step "scan a file share (\`vigil scan --no-state\`)" VIGIL scan "$SHAREDIR" --no-state --format json --out "$OUT/scan" -q --as-of 2026-11-01
step "assess the estate (\`vigil assess\`, all reports)" VIGIL assess "$ESTATE/estate" --out "$OUT/assess" -q --as-of 2026-11-01
