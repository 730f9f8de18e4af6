import Foundation
import VigilCore

/// An organisation's fixed tickets (current or superseded, excepted ones aside) counted by severity, deadline and
/// seconds from opening to fix: the fixed half of its score basis (``ScoreBasis/init(open:fixed:)``), whose
/// percentiles need every fixed ticket's time. The store keeps it beside the stored score (`org_scores.fixed_groups`,
/// migration 11), so a submission moves it by its own fixes and reopenings instead of grouping every fixed ticket of
/// a year's history again (``SQLNationalStore/recordDay(_:fixed:organisation:day:lastEvidence:kept:deferring:on:)``).
struct FixedTally: Sendable, Hashable {
    /// What fixed tickets alike share.
    struct Key: Sendable, Hashable, Comparable {
        var severity: Severity
        var exploited: Bool
        /// Seconds from opening to the fix, as stored (`fixed_at - opened_at`).
        var taken: Int64

        static func < (left: Key, right: Key) -> Bool {
            (left.severity, left.exploited ? 1 : 0, left.taken) < (right.severity, right.exploited ? 1 : 0, right.taken)
        }
    }

    private(set) var counts: [Key: Int] = [:]

    init() {}

    /// Counts `count` more tickets of `key`.
    mutating func add(_ key: Key, count: Int = 1) {
        counts[key, default: 0] += count
    }

    /// Counts one ticket of `key` fewer; false, and nothing changed, if the tally holds none (it does not describe
    /// the tickets, and the caller counts them again).
    mutating func remove(_ key: Key) -> Bool {
        guard let count = counts[key], count > 0 else { return false }
        counts[key] = count == 1 ? nil : count - 1
        return true
    }

    /// As the score basis takes them: days taken, never below zero.
    var groups: [ScoreBasis.FixedGroup] {
        counts.map { key, count in
            ScoreBasis.FixedGroup(
                severity: key.severity, exploited: key.exploited, days: max(0, TimeInterval(key.taken) / 86_400),
                count: count)
        }
    }

    /// As the store keeps it: `v1`, then per key in order its severity's letter, `x` (known-exploited) or `n`, the
    /// seconds taken, `*` and the count, space-separated.
    var encoded: String {
        var tokens = ["v1"]
        for (key, count) in counts.sorted(by: { $0.key < $1.key }) {
            tokens.append("\(ScoreBasis.letter(key.severity))\(key.exploited ? "x" : "n")\(key.taken)*\(count)")
        }
        return tokens.joined(separator: " ")
    }

    /// Reads a tally written by ``encoded``. A database is input too: anything else, or a number out of range, is
    /// `store.corrupt`, never a crash.
    init(encoded text: String) throws(StoreError) {
        let tokens = text.split(separator: " ")
        guard tokens.first == "v1" else { throw Self.corrupt("has no version this Vigil reads") }
        for token in tokens.dropFirst() {
            let bytes = Array(token.utf8)
            guard bytes.count >= 5, let severity = ScoreBasis.severity(bytes[0]),
                bytes[1] == UInt8(ascii: "x") || bytes[1] == UInt8(ascii: "n"),
                let star = bytes.firstIndex(of: UInt8(ascii: "*")), star > 2,
                let taken = Int64(String(decoding: bytes[2..<star], as: UTF8.self)),
                let count = Int(String(decoding: bytes[(star + 1)...], as: UTF8.self)),
                count > 0, count <= ScoreBasis.largestCount
            else { throw Self.corrupt("holds a group it cannot read") }
            let key = Key(severity: severity, exploited: bytes[1] == UInt8(ascii: "x"), taken: taken)
            guard counts[key] == nil else { throw Self.corrupt("holds a group twice") }
            counts[key] = count
        }
    }

    static func corrupt(_ problem: String) -> StoreError {
        StoreError(.corrupt, "an organisation's stored fixed tickets \(problem)")
    }
}
