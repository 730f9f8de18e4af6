import Foundation
import VigilCore

extension ScoreBasis {
    /// The basis as the store keeps it: space-separated tokens, `v1` first; `d` and the fixed tickets due; `t` and
    /// those fixed on time; per open group `o`, its severity's letter, `x` (known-exploited) or `n`, the opening
    /// instant in seconds, `*` and the count; per remediated severity `r`, its letter, the count, `*`, the median and
    /// `*` the 90th percentile in days. Numbers are spelled as Swift spells them shortest, which reads back as the same
    /// value, so a decoded basis scores exactly as the one encoded.
    public var encoded: String {
        var tokens = ["v1", "d\(fixedDue)", "t\(fixedOnTime)"]
        for group in open {
            tokens.append(
                "o\(Self.letter(group.severity))\(group.exploited ? "x" : "n")\(group.openedAt)*\(group.count)")
        }
        for severity in Severity.allCases.reversed() {
            guard let measured = remediation[severity] else { continue }
            tokens.append("r\(Self.letter(severity))\(measured.count)*\(measured.median)*\(measured.p90)")
        }
        return tokens.joined(separator: " ")
    }

    /// Reads a basis written by ``encoded``. A database is input too: anything else, a count out of range or a
    /// number that is not finite is `store.corrupt`, never a crash.
    public init(encoded text: String) throws(StoreError) {
        var tokens = text.split(separator: " ", omittingEmptySubsequences: true)[...]
        guard tokens.popFirst() == "v1" else { throw Self.corrupt("does not start with its version") }
        self.init()
        var total = 0
        for token in tokens {
            let kind = token.first
            let body = token.dropFirst()
            switch kind {
            case "d": fixedDue = try Self.count(body)
            case "t": fixedOnTime = try Self.count(body)
            case "o":
                guard let letter = body.first, let severity = Self.severity(letter),
                    let flag = body.dropFirst().first, flag == "x" || flag == "n"
                else { throw Self.corrupt("has an open group without its severity") }
                let fields = body.dropFirst(2).split(separator: "*", omittingEmptySubsequences: false)
                guard fields.count == 2 else { throw Self.corrupt("has an open group without opening and count") }
                let group = OpenGroup(
                    severity: severity, exploited: flag == "x", openedAt: try Self.number(fields[0]),
                    count: try Self.count(fields[1]))
                total = try Self.adding(total, group.count)
                open.append(group)
            case "r":
                guard let letter = body.first, let severity = Self.severity(letter) else {
                    throw Self.corrupt("has a remediation without its severity")
                }
                let fields = body.dropFirst().split(separator: "*", omittingEmptySubsequences: false)
                guard fields.count == 3 else { throw Self.corrupt("has a remediation without count, median and p90") }
                remediation[severity] = OrganisationScore.Remediation(
                    count: try Self.count(fields[0]), median: try Self.number(fields[1]),
                    p90: try Self.number(fields[2]))
            default:
                throw Self.corrupt("has a part of an unknown kind")
            }
        }
        guard fixedOnTime <= fixedDue else { throw Self.corrupt("counts more fixed on time than due") }
        _ = try Self.adding(total, fixedDue)
    }

    /// Largest count a stored basis may hold: far above any organisation's tickets, far below overflow when summed.
    static let largestCount = 1 << 40

    private static func count(_ text: Substring) throws(StoreError) -> Int {
        guard text.utf8.count <= 13, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(text),
            value <= largestCount
        else { throw corrupt("has a count that is not a whole number in range") }
        return value
    }

    private static func number(_ text: Substring) throws(StoreError) -> Double {
        guard text.utf8.count <= 32, let value = Double(text), value.isFinite else {
            throw corrupt("has a number that is not finite")
        }
        return value
    }

    private static func adding(_ left: Int, _ right: Int) throws(StoreError) -> Int {
        let (sum, overflow) = left.addingReportingOverflow(right)
        guard !overflow, sum <= largestCount else { throw corrupt("counts more tickets than it can hold") }
        return sum
    }

    private static func letter(_ severity: Severity) -> Character {
        switch severity {
        case .critical: "c"
        case .high: "h"
        case .medium: "m"
        case .low: "l"
        case .info: "i"
        }
    }

    private static func severity(_ letter: Character) -> Severity? {
        Severity.allCases.first { Self.letter($0) == letter }
    }

    private static func corrupt(_ problem: String) -> StoreError {
        StoreError(.corrupt, "an organisation's stored score basis \(problem)")
    }
}
