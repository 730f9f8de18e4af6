import Synchronization
public import VigilCore

/// `findings.csv`: one row per finding (RFC 4180), for spreadsheets and ticketing imports.
///
/// Cells that a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, tab or carriage return) are prefixed
/// with `'`: account names come from the evidence and must not become formulas on a colleague's machine.
public enum CSVReportRenderer {
    /// The column headers. Columns are only ever added at the end, so that imports keyed by position keep working: the
    /// last six are the ones people filter on (the organisation's code, a host's operating system, the update to
    /// install and the CVEs it closes, days exposed, and what to do), empty where a finding has no such fact.
    public static let columns = [
        "severity", "rule", "title", "area", "subject_kind", "subject", "detail", "evidence", "related", "fingerprint",
        "organisation", "host_os", "kb", "cve", "days_exposed", "remediation",
    ]

    /// Findings per slice rendered by one worker.
    static let sliceSize = 2_000

    /// The CSV text for `assessment`.
    public static func render(_ assessment: Assessment) -> String {
        let text = Mutex<[UInt8]>([])
        write(assessment) { bytes in text.withLock { $0 += bytes } }
        return text.withLock { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes the CSV for `assessment` to `output` in pieces, in order: rows are made in slices on every core, and a
    /// large estate's file is never held whole. `output` is called once at a time, but from the worker that made the
    /// piece.
    public static func write<Failure: Error>(
        _ assessment: Assessment, to output: @Sendable ([UInt8]) throws(Failure) -> Void
    ) throws(Failure) {
        try output(Array((columns.joined(separator: ",") + "\r\n").utf8))
        let findings = assessment.findings
        let slices = (findings.count + sliceSize - 1) / sliceSize
        try parallelForEachInOrder(slices) { slice -> [UInt8] in
            var bytes: [UInt8] = []
            for finding in findings[slice * sliceSize..<min(findings.count, (slice + 1) * sliceSize)] {
                appendRow(finding, organisation: assessment.organisation.code, to: &bytes)
            }
            return bytes
        } consume: { (bytes) throws(Failure) in
            try output(bytes)
        }
    }

    /// Appends the row for `finding`, with its line end.
    private static func appendRow(_ finding: Finding, organisation: String, to bytes: inout [UInt8]) {
        let rule = RuleCatalogue.rule(finding.rule)
        let facts = finding.facts
        let cells = [
            finding.severity.rawValue, finding.rule.rawValue, rule.title, rule.area.rawValue,
            finding.subject.kind.rawValue,
            finding.subject.name, finding.detail, finding.evidence.map(\.description).joined(separator: "; "),
            finding.related.map(\.name).joined(separator: "; "), finding.fingerprint,
            organisation, facts["os"] ?? facts["release"] ?? "", facts["install"] ?? "",
            cves(facts["listed"]), facts["daysExposed"] ?? "",
            rule.remediation,
        ]
        for (position, text) in cells.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            appendCell(text, to: &bytes)
        }
        bytes += [0x0D, 0x0A]
    }

    /// The CVE identifiers among a finding's listed vulnerabilities (advisory ids without a CVE are left out), joined
    /// with `; ` as the other list cells are.
    static func cves(_ listed: String?) -> String {
        guard let listed else { return "" }
        return listed.split(separator: ",").filter { $0.hasPrefix("CVE-") }.joined(separator: "; ")
    }

    /// Appends ``cell(_:)`` of `value`, working on its bytes: the string operations spent seconds on the quarter of a
    /// million rows of a large estate, most of whose details need quoting.
    static func appendCell(_ value: String, to bytes: inout [UInt8]) {
        var text = value
        let written = text.withUTF8 { utf8 in
            let formula = utf8.first.map { "=+-@\t\r".utf8.contains($0) } ?? false
            guard utf8.contains(where: needsQuotes) else {
                if formula { bytes.append(UInt8(ascii: "'")) }
                bytes += utf8
                return true
            }
            guard quotesStandAlone(utf8) else { return false }
            bytes.append(UInt8(ascii: "\""))
            if formula { bytes.append(UInt8(ascii: "'")) }
            // Runs of text are copied whole; each quote ends one run and begins the next, so it is written twice.
            var start = utf8.startIndex
            var searched = start
            while let quote = utf8[searched...].firstIndex(of: UInt8(ascii: "\"")) {
                bytes += utf8[start...quote]
                start = quote
                searched = quote + 1
            }
            bytes += utf8[start...]
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if !written { bytes += cell(value).utf8 }
    }

    /// One cell, neutralised and quoted when needed, its quotes doubled character by character (so a quote joined to a
    /// combining mark stays single).
    public static func cell(_ value: String) -> String {
        var text = value
        if let first = text.utf8.first, "=+-@\t\r".utf8.contains(first) { text = "'" + text }
        guard text.utf8.contains(where: needsQuotes) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func needsQuotes(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D
    }

    /// Whether every `"` in `utf8` is a character of its own, so that doubling its bytes doubles exactly the quotes
    /// ``cell(_:)`` doubles, character by character: only a non-ASCII neighbour (a combining mark after it, a prepended
    /// mark before it) can join a quote into a larger character.
    private static func quotesStandAlone(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0
        var afterQuote = false
        for byte in utf8 {
            if afterQuote && byte >= 0x80 { return false }
            if byte == UInt8(ascii: "\"") && previous >= 0x80 { return false }
            afterQuote = byte == UInt8(ascii: "\"")
            previous = byte
        }
        return true
    }
}

extension String {
    /// The string with every occurrence of `target` replaced (without Foundation).
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
