#!/usr/bin/env bash
# The national-size run of issue 15: `vigil assess` end to end on a directory of 1.5 million principals, with peak
# memory. Prints the generated inputs, then GNU time's figures for the assessment (not for generating it).
#
# Inputs: `vigil generate --staff 1500000 --computers 0` (directory.ldif, the ntds hash dump, a synthetic breach index
# the manifest names), plus a clinical-role export of the same size written here from the directory's logins: every
# account holds one role (Clerk everywhere for one in three, Nurse on one of 40 wards for one in three, Porter for the
# rest), one in ten assignments ended in 2025, and a role → permission map where Clerk and Nurse read patient records.
# The access analysis therefore runs at full size (1.5M accounts in its graph, 1.5M assignments joined); the file
# shares stay "not assessed" (no ACL export or scan at this size).
#
#   bench/national.sh                       # 1.5M staff (about 1.3 GiB of input under bench/out/)
#   STAFF=150000 bench/national.sh          # a quick run
#   VIGIL=/path/to/vigil bench/national.sh  # a release vigil built elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."
STAFF=${STAFF:-1500000}
AS_OF=${AS_OF:-2026-11-01}
OUT=${OUT:-bench/out/national-$STAFF}
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
if [ -z "${VIGIL:-}" ]; then
    swift build -c release --product vigil >&2
    VIGIL=.build/release/vigil
fi
if [ ! -f "$OUT/estate/directory.ldif" ]; then
    rm -rf "$OUT"
    "$VIGIL" generate --out "$OUT" --staff "$STAFF" --computers 0 --as-of "$AS_OF" >&2
    # One role per account, from the logins the export holds (user accounts only: computers end in `$`).
    grep '^sAMAccountName: ' "$OUT/estate/directory.ldif" | cut -d' ' -f2 | grep -v '\$$' | awk -F, '
        BEGIN { print "user,role,scope,application,start,end" }
        {
            role = NR % 3 == 0 ? "Clerk" : NR % 3 == 1 ? "Nurse" : "Porter"
            scope = role == "Nurse" ? "Ward " (NR % 40 + 1) : "All"
            end = NR % 10 == 0 ? "2025-12-31" : ""
            printf "%s,%s,%s,EPR,2020-01-01,%s\n", $1, role, scope, end
        }' > "$OUT/estate/roles.csv"
    printf '%s\n' 'role,permission,sensitivity,application' \
        'Clerk,Read patient record,patient-confidential,EPR' 'Clerk,Book appointment,internal,EPR' \
        'Nurse,Read patient record,patient-confidential,EPR' 'Nurse,Record observations,patient-confidential,EPR' \
        'Porter,View bed board,internal,EPR' > "$OUT/estate/role-map.csv"
fi
echo "Inputs ($(nproc) cores):"
for file in "$OUT"/estate/*; do
    printf '  %-16s %8d MiB %10d lines\n' "$(basename "$file")" $(( $(stat -c %s "$file") >> 20 )) "$(wc -l < "$file")"
done
rm -rf "$OUT/report"
/usr/bin/time -v "$VIGIL" assess "$OUT/estate" --out "$OUT/report" --format json,csv --as-of "$AS_OF" -q \
    2> "$OUT/time.txt" || true
grep -E 'Elapsed \(wall clock\)|Maximum resident set size|User time|System time|Exit status' "$OUT/time.txt"
grep -o '"text" : "[0-9,]* of [0-9,]* enabled staff logins[^"]*' "$OUT/report/assessment.json" | head -1 || true
