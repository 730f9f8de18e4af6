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

    /// The CSV text for `assessment`.
    public static func render(_ assessment: Assessment) -> String {
        var output = columns.joined(separator: ",") + "\r\n"
        for finding in assessment.findings {
            let rule = RuleCatalogue.rule(finding.rule)
            let cells = [
                finding.severity.rawValue, finding.rule.rawValue, rule.title, rule.area.rawValue,
                finding.subject.kind.rawValue,
                finding.subject.name, finding.detail, finding.evidence.map(\.description).joined(separator: "; "),
                finding.related.map(\.name).joined(separator: "; "), finding.fingerprint,
            ]
            output += cells.map(cell).joined(separator: ",") + "\r\n"
        }
        return output
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
