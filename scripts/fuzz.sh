#!/usr/bin/env bash
# Fuzzes Vigil's readers, scanner extractors, breach index and scan state store with libFuzzer and AddressSanitizer.
#
# Usage: scripts/fuzz.sh [seconds-per-harness] [harness...]     (default: 60 seconds, every harness;
#        VIGIL_FUZZ_OPTIONS adds libFuzzer flags to every run)
#
# Builds Fuzz/ (a package of its own, depending on this one by path) with -sanitize=fuzzer,address, seeds each
# harness's corpus from Tests/Fixtures (and, when a vigil binary is at $VIGIL or .build/debug/vigil, from a small
# synthetic share, a breach index and a scan state file it makes), runs each harness for the given time with its
# dictionary, and prints executions, executions per second and findings per harness. Corpora grow in
# Fuzz/.build/corpus/<harness> between runs; crashing inputs are written to Fuzz/.build/artifacts/. Exits 1 if any
# harness found a crash, leak, timeout or out-of-memory input.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
work=Fuzz/.build
vigil=${VIGIL:-.build/debug/vigil}

# Harness name, its seeds (globs under Tests/Fixtures, or generated/<name>), its dictionary in Fuzz/dictionaries.
table=(
    "ldif|ldif/* ad-estate-sample/directory.ldif|ldif"
    "pwdump|pwdump/* ad-estate-sample/ntds.txt|pwdump"
    "icacls|acl/icacls-*|icacls"
    "get-acl|acl/get-acl-* real/getacl/*|getacl"
    "systeminfo|windows-systeminfo/systeminfo/*|systeminfo"
    "wmic-qfe|windows-systeminfo/qfe/*|systeminfo"
    "get-hotfix|real/gethotfix/* windows-systeminfo/qfe/*_updates.txt|systeminfo"
    "osquery|osquery/*|json"
    "host-inventory-csv|windows-systeminfo/systeminfo/*.csv|csv"
    "access-log|access-log/*|csv"
    "fhir-auditevent|fhir/*|json"
    "role-assignments-csv|clinical-roles/*|csv"
    "role-permissions-csv|clinical-roles/*|csv"
    "vigil-scan|generated/scan-report|json"
    "wesng-definitions|advisories/wesng-*|csv"
    "cisa-kev|advisories/kev-*|json"
    "csaf|advisories/*.json|json"
    "cvrf|advisories/cvrf-*|xml"
    "osv|advisories/*.json|json"
    "scan-text|generated/share-text real-share/records/*.txt real-share/records/*.json|identifiers"
    "scan-csv|generated/share-csv acl/get-acl-rules.csv real-share/records/*.csv|identifiers"
    "scan-xml|advisories/cvrf-* generated/share-xml|xml"
    "scan-xlsx|generated/share-xlsx real-share/office/*.xlsx|xml"
    "scan-docx|generated/share-docx real-share/office/*.docx|xml"
    "breach-index|generated/breach-index|"
    "scan-state|generated/scan-state|"
    "submission|generated/submission|json"
)

echo "== build (sanitizers: fuzzer, address)"
swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing \
    --product VigilFuzz >/dev/null
binary=$(swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing \
    --show-bin-path)/VigilFuzz

# Every harness the binary holds (one per reader of ReaderCatalogue, so a new reader brings one) must have a row above:
# a harness without seeds would never run, here or in CI.
known=$(VIGIL_FUZZ_HARNESS= "$binary" 2>&1 | sed -n 's/^VIGIL_FUZZ_HARNESS must be one of: //p' || true)
if [ -z "$known" ]; then
    echo "fuzz.sh: $binary did not list its harnesses" >&2
    exit 1
fi
for harness in $known; do
    if ! printf '%s\n' "${table[@]}" | grep -q "^$harness|"; then
        echo "fuzz.sh: the harness $harness has no row in this script's table (its seeds and dictionary)" >&2
        exit 1
    fi
done

generated=$work/generated
# Each generated seed is made when it is missing, so a run stopped half-way through making them leaves none out.
if [ -x "$vigil" ]; then
    mkdir -p "$generated"
    if [ ! -d "$generated/share" ]; then
        echo "== seeds from $vigil"
        "$vigil" generate-share --out "$generated/share" --size 8m --scale small --seed 3 >/dev/null
    fi
    if [ ! -f "$generated/corpus.vbi" ]; then
        "$vigil" corpus build Tests/Fixtures/corpus/pwned-passwords-ntlm-sample.txt -o "$generated/corpus.vbi" >/dev/null
    fi
    if [ ! -f "$generated/state.sqlite" ]; then
        "$vigil" scan "$generated/share" --out "$generated/scan-out" --state "$generated/state.sqlite" -q >/dev/null ||
            true
    fi
fi
if [ -x "$vigil" ] && ! grep -q keyFingerprint "$generated/submission.json" 2>/dev/null; then
    # The golden practice's assessment as the service receives it (a key made for the seeds only).
    "$vigil" submit Tests/Fixtures/golden/practice-seed7.assessment.json --dry-run --out "$generated/submission.json" \
        --pseudonym-key "$generated/pseudonym.key" >/dev/null || true
fi
seed_files() { # the seed files of one generated/<kind>
    case "$1" in
        share-text) (find "$generated/share" -type f \( -name '*.txt' -o -name '*.log' \) 2>/dev/null || true) | head -40 ;;
        share-csv) (find "$generated/share" -type f \( -name '*.csv' -o -name '*.tsv' \) 2>/dev/null || true) | head -40 ;;
        share-xml) (find "$generated/share" -type f -name '*.xml' 2>/dev/null || true) | head -20 ;;
        share-xlsx) (find "$generated/share" -type f -name '*.xlsx' 2>/dev/null || true) | head -20 ;;
        share-docx) (find "$generated/share" -type f -name '*.docx' 2>/dev/null || true) | head -20 ;;
        breach-index) ls "$generated/corpus.vbi" 2>/dev/null || true ;;
        scan-state) ls "$generated/state.sqlite" 2>/dev/null || true ;;
        scan-report) ls "$generated/scan-out/scan.json" 2>/dev/null || true ;;
        submission) ls "$generated/submission.json" 2>/dev/null || true ;;
    esac
}

selected=("$@")
failed=0
summary=()
for row in "${table[@]}"; do
    IFS='|' read -r name seeds dictionary <<<"$row"
    if [ ${#selected[@]} -gt 0 ] && [[ ! " ${selected[*]} " =~ " $name " ]]; then continue; fi
    corpus=$work/corpus/$name
    mkdir -p "$corpus" "$work/artifacts"
    for pattern in $seeds; do
        if [[ $pattern == generated/* ]]; then
            seed_files "${pattern#generated/}" | while read -r file; do cp "$file" "$corpus/seed-$(basename "$file")"; done
        else
            for file in Tests/Fixtures/$pattern; do [ -f "$file" ] && cp "$file" "$corpus/seed-$(basename "$file")"; done
        fi
    done
    options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
        -artifact_prefix="$work/artifacts/$name-")
    [ -n "$dictionary" ] && options+=(-dict="Fuzz/dictionaries/$dictionary.dict")
    [[ $name == breach-index || $name == scan-state || $name == scan-xlsx || $name == scan-docx ]] &&
        options+=(-max_len=1048576)
    # VIGIL_FUZZ_OPTIONS: more libFuzzer flags for every harness (-detect_leaks=0, -jobs=2, …).
    read -r -a extra <<<"${VIGIL_FUZZ_OPTIONS:-}"
    options+=("${extra[@]}")
    log=$work/$name.log
    status=0
    # No Swift backtracer: it reads memory around a crash, which AddressSanitizer reports as a second error.
    SWIFT_BACKTRACE=enable=no VIGIL_FUZZ_HARNESS=$name "$binary" "${options[@]}" "$corpus" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    verdict=ok
    if [ "$status" -ne 0 ]; then
        verdict="FAILED (exit $status; see $log)"
        failed=1
    fi
    summary+=("$(printf '%-20s %12s runs %8s/s  %s' "$name" "${runs:-?}" "${rate:-?}" "$verdict")")
    echo "${summary[-1]}"
done

echo "== summary (${seconds}s per harness)"
printf '%s\n' "${summary[@]}"
exit $failed
