#!/usr/bin/env bash
# Credential-audit benchmarks (issue: credential audit), each side by side with its peer in one run:
#   1. breach-index build vs `cat CORPUS > /dev/null` (the floor)
#   2. 1M account-hash look-ups: Vigil's index vs Python mmap + binary search vs coreutils sort | join, and Vigil's
#      look-up time on a corpus 10x smaller (it should barely move)
#   3. the dictionary attack's NT hashing vs hashcat -m 1000 (Debian; CPU through PoCL) on the same words, rules and
#      targets, one core each. Debian's john 1.9.0 has no NT format ("Unknown ciphertext format name").
#
#   bench/credentials.sh                 # 20M-hash corpus, 1M accounts (10% breached)
#   HASHES=2000000 bench/credentials.sh  # quicker
set -euo pipefail
cd "$(dirname "$0")/.."
HASHES=${HASHES:-20000000}
ACCOUNTS=${ACCOUNTS:-1000000}
OUT=${OUT:-bench/out/credentials-$HASHES}
mkdir -p "$OUT"
for tool in /usr/bin/time hashcat bc; do command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install time hashcat pocl-opencl-icd bc)" >&2; exit 2; }; done
swift build -c release --product vigil >&2
swift build -c release --package-path Benchmarks >&2
VIGIL=.build/release/vigil
BENCH=Benchmarks/.build/release/vigil-bench
if [ ! -f bench/.venv/bin/python ]; then python3 -m venv bench/.venv >&2; fi
bench/.venv/bin/pip install -q numpy >&2
[ -f "$OUT/accounts.txt" ] || bench/.venv/bin/python bench/peers/make_corpus.py "$OUT" "$HASHES" "$ACCOUNTS" 0.1 Sources/VigilParsers/Resources/common-passwords.txt
LARGE="$OUT/corpus-large.txt"; SMALL="$OUT/corpus-small.txt"; ACCOUNTS_FILE="$OUT/accounts.txt"
cat "$LARGE" "$SMALL" "$ACCOUNTS_FILE" > /dev/null

wall() { /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1; }
json() { bench/.venv/bin/python -c "import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])" "$1"; }
mib=$(echo "scale=1; $(stat -c %s "$LARGE") / 1048576" | bc)

echo "### 1. Index build ($(wc -l < "$LARGE") hashes, $mib MiB)"
echo
echo "| command | cores | seconds | MiB/s | vs cat |"
echo "|---|---|---|---|---|"
cat_s=$(wall cat "$LARGE")
build_s=$(wall "$VIGIL" corpus build "$LARGE" -o "$OUT/large.vbi" --restart)
one_s=$(wall taskset -c 0 "$VIGIL" corpus build "$LARGE" -o "$OUT/large-1.vbi" --restart)
"$VIGIL" corpus build "$SMALL" -o "$OUT/small.vbi" --restart > /dev/null
echo "| cat CORPUS > /dev/null | 1 | $cat_s | $(echo "scale=0; $mib / $cat_s" | bc) | 1.00 |"
echo "| vigil corpus build | $(nproc) | $build_s | $(echo "scale=0; $mib / $build_s" | bc) | $(echo "scale=2; $cat_s / $build_s" | bc) |"
echo "| vigil corpus build | 1 | $one_s | $(echo "scale=0; $mib / $one_s" | bc) | $(echo "scale=2; $cat_s / $one_s" | bc) |"
echo "Index: $(stat -c %s "$OUT/large.vbi" | awk '{ printf "%.0f MiB", $1 / 1048576 }') for $mib MiB of text."
echo

echo "### 2. $(wc -l < "$ACCOUNTS_FILE") look-ups (10% breached)"
echo
echo "| method | corpus | seconds | found | ns per look-up |"
echo "|---|---|---|---|---|"
large=$("$BENCH" lookup "$OUT/large.vbi" "$ACCOUNTS_FILE")
small=$("$BENCH" lookup "$OUT/small.vbi" "$ACCOUNTS_FILE")
python=$(bench/.venv/bin/python bench/peers/mmap_lookup.py "$LARGE" "$ACCOUNTS_FILE")
tr a-f A-F < "$ACCOUNTS_FILE" > "$OUT/accounts-upper.txt"
join_s=$(/usr/bin/time -f "%e" sh -c "LC_ALL=C sort '$OUT/accounts-upper.txt' | LC_ALL=C join -t: - '$LARGE' | wc -l > '$OUT/join.count'" 2>&1 | tail -1)
row() { echo "| $1 | $2 | $(echo "$3" | json seconds) | $(echo "$3" | json "${4:-found}") | $(echo "scale=0; $(echo "$3" | json seconds) * 1000000000 / $(echo "$3" | json lookups)" | bc) |"; }
row "Vigil index (mmap, prefix table)" "$HASHES" "$large"
row "Vigil index (mmap, prefix table)" "$((HASHES / 10))" "$small"
row "Python mmap + binary search on the text" "$HASHES" "$python"
echo "| LC_ALL=C sort \| join | $HASHES | $join_s | $(cat "$OUT/join.count") | $(echo "scale=0; $join_s * 1000000000 / $(wc -l < "$ACCOUNTS_FILE")" | bc) |"
echo

echo "### 3. NT hashing for the dictionary attack (one core each)"
echo
head -3000 Sources/VigilParsers/Resources/common-passwords.txt > "$OUT/words.txt"
cp Sources/VigilParsers/Resources/common-passwords.txt "$OUT/words-all.txt"
bench/.venv/bin/python - "$OUT" <<'PY'
import sys
out = sys.argv[1]
endings = [""] + [str(i) for i in range(100)] + [str(y) for y in range(1950, 2036)] + ["!", "?", "#", "$", "@", "*", ".", "!!", "123", "1234", "12345", "1!", "123!"]
open(f"{out}/endings.txt", "w").write("\n".join(endings) + "\n")
open(f"{out}/rules.rule", "w").write("\n".join(" ".join([case] + ["$" + ch for ch in e]) for case in (":", "c", "u") for e in endings) + "\n")
PY
vigil=$(taskset -c 0 "$BENCH" nthash "$OUT/words-all.txt" "$OUT/endings.txt" "$ACCOUNTS_FILE")
vigil_all=$("$BENCH" nthash "$OUT/words-all.txt" "$OUT/endings.txt" "$ACCOUNTS_FILE")
hashcat_line=$(taskset -c 0 hashcat -m 1000 -a 0 "$ACCOUNTS_FILE" "$OUT/words-all.txt" -r "$OUT/rules.rule" -D 1 --potfile-disable -O --force --status --status-timer 2 --machine-readable --quiet 2>/dev/null | grep "^STATUS" | tail -1 || true)
hashcat_speed=$(echo "$hashcat_line" | awk '{ for (i = 1; i < NF; i++) if ($i == "SPEED") print $(i + 1) }')
vigil_speed=$(echo "$vigil" | json perSecond)
echo "| tool | cores | candidates | candidates/s | vs hashcat |"
echo "|---|---|---|---|---|"
echo "| hashcat 6.2.6 -m 1000 -a 0 -O (PoCL CPU) | 1 | $(echo "$vigil" | json candidates) | $(printf '%.0f' "$hashcat_speed") | 1.00 |"
echo "| Vigil dictionary attack | 1 | $(echo "$vigil" | json candidates) | $(printf '%.0f' "$vigil_speed") | $(echo "scale=2; $vigil_speed / $hashcat_speed" | bc) |"
echo "| Vigil dictionary attack | $(nproc) | $(echo "$vigil_all" | json candidates) | $(printf '%.0f' "$(echo "$vigil_all" | json perSecond)") | $(echo "scale=2; $(echo "$vigil_all" | json perSecond) / $hashcat_speed" | bc) |"
echo
echo "Words: Vigil's 19,640 common passwords; rules: as listed, capitalised, upper case × $(wc -l < "$OUT/endings.txt") endings (digits, years 1950–2035, symbols); targets: the $(wc -l < "$ACCOUNTS_FILE") account hashes."
