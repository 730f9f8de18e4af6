#!/usr/bin/env bash
# HL7 v2 reading in the scan (6 December 2026): an interface-engine archive of 120,000 ADT messages (33 MiB, \r between
# segments, one message per line) and a pathological file of 50,000 lines of 110 pipe-separated CCYYMMDD fields after
# an MSH line (48 MiB: every token sends the scanner looking back for a PID segment). Runs `vigil scan -j 1` on each,
# the binary at VIGIL (default .build/release/vigil) and, when given, VIGIL_BEFORE alternating with it, RUNS times.
#
#   swift build -c release --product vigil && VIGIL_BEFORE=/tmp/vigil-old bench/hl7.sh
set -euo pipefail
cd "$(dirname "$0")/.."
VIGIL=${VIGIL:-.build/release/vigil}
RUNS=${RUNS:-3}
OUT=${OUT:-bench/out/hl7}
mkdir -p "$OUT/adt" "$OUT/pipes"
python3 - "$OUT" <<'PY'
import random, sys
out = sys.argv[1]
random.seed(3)
def nhs():
    while True:
        d = [4] + [random.randint(0, 9) for _ in range(8)]
        c = 11 - sum(x * (10 - i) for i, x in enumerate(d)) % 11
        c = 0 if c == 11 else c
        if c != 10:
            return "".join(map(str, d)) + str(c)
with open(f"{out}/adt/adt.hl7", "w") as f:
    for i in range(120000):
        f.write("MSH|^~\\&|EPIC|WESTGENERAL|LABSYS|WESTLAB|20260820113000||ADT^A08^ADT_A01|C%d|P|2.5.1\r"
                "EVN|A08|20260820113000\r"
                "PID|1||%d^^^WESTGEN^MR~%s^^^NHS^NH||FROST^IVY^ANNE||19%02d%02d%02d|F|||14 CANAL ST^^BIRMINGHAM^^B1 2JQ\r"
                "PV1|1|I|WARD7^712^A|R||||1234^HALE^JUNE^^^DR|||||||||INP|V88213\r\n"
                % (i, 100000 + i, nhs(), random.randint(30, 99), random.randint(1, 12), random.randint(1, 28)))
with open(f"{out}/pipes/pipes.txt", "w") as f:
    f.write("MSH|^~\\&|A|B|C|D|20260820113000||ADT^A08|1|P|2.5.1\n")
    for _ in range(50000):
        f.write("PID|" + "|".join("%08d" % random.randint(19000101, 20251231) for _ in range(110)) + "\n")
PY
echo "| input | binary | wall s | user s |"
echo "|---|---|---|---|"
for input in adt pipes; do
    for _ in $(seq "$RUNS"); do
        for binary in ${VIGIL_BEFORE:-} "$VIGIL"; do
            rm -rf "$OUT/report"
            /usr/bin/time -f "| $input | $binary | %e | %U |" "$binary" scan "$OUT/$input" -j 1 --no-state --format json \
                -o "$OUT/report" -q 2>&1 | tail -1
        done
    done
done
