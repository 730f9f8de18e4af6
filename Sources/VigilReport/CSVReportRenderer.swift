import Synchronization
public import VigilCore

/// `findings.csv`: one row per finding (RFC 4180), for spreadsheets and ticketing imports.
///
/// Cells that a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, tab or carriage return) are prefixed
/// with `'`: account names come from the evidence and must not become formulas on a colleague's machine.
public enum CSVReportRenderer {
    /// The column headers.
    public static let columns = [
        "severity", "rule", "title", "area", "subject_kind", "subject", "detail", "evidence", "related", "fingerprint",
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
                bytes += row(finding).utf8
            }
            return bytes
        } consume: { (bytes) throws(Failure) in
            try output(bytes)
        }
    }

    /// The row for `finding`, with its line end.
    private static func row(_ finding: Finding) -> String {
        let rule = RuleCatalogue.rule(finding.rule)
        let cells = [
            finding.severity.rawValue, finding.rule.rawValue, rule.title, rule.area.rawValue,
            finding.subject.kind.rawValue,
            finding.subject.name, finding.detail, finding.evidence.map(\.description).joined(separator: "; "),
            finding.related.map(\.name).joined(separator: "; "), finding.fingerprint,
        ]
        return cells.map(cell).joined(separator: ",") + "\r\n"
    }

    /// One cell, neutralised and quoted when needed.
    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.utf8.first, "=+-@\t\r".utf8.contains(first) { text = "'" + text }
        guard
            text.utf8.contains(where: {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D
            })
        else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    /// The string with every occurrence of `target` replaced (without Foundation).
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
