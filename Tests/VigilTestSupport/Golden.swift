import Foundation

/// Golden-file comparison with an explicit re-record switch: with `VIGIL_RECORD_GOLDEN=1` the file is rewritten and
/// the check fails, so a re-recorded run can never pass unnoticed.
public enum Golden {
    /// The outcome of comparing with a golden file.
    public enum Outcome: Equatable, Sendable {
        case matches
        case recorded(String)
        case differs(String)
    }

    /// Compares `actual` with `Tests/Fixtures/golden/<name>`.
    public static func compare(_ actual: String, with name: String) throws -> Outcome {
        let url = Fixtures.url("golden/\(name)")
        if ProcessInfo.processInfo.environment["VIGIL_RECORD_GOLDEN"] == "1" {
            try Data(actual.utf8).write(to: url)
            return .recorded("re-recorded \(url.path); run again without VIGIL_RECORD_GOLDEN")
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            return .differs("no golden file \(url.path); record it with VIGIL_RECORD_GOLDEN=1")
        }
        if expected == actual { return .matches }
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let first =
            zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(expectedLines.count, actualLines.count)
        let show = { (lines: [Substring]) in first < lines.count ? String(lines[first].prefix(300)) : "<end of file>" }
        return .differs(
            "\(name) differs at line \(first + 1):\n  expected: \(show(expectedLines))\n  actual:   \(show(actualLines))"
        )
    }
}
