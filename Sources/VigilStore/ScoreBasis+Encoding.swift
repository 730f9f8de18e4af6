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
    /// number that is not finite is `store.corrupt`, never a crash. Read byte by byte: the national overview reads
    /// one per organisation twice per view, and splitting the text into strings was most of the page's time.
    public init(encoded text: String) throws(StoreError) {
        var text = text
        let parsed = text.withUTF8 { bytes in
            Result { () throws(StoreError) -> ScoreBasis in
                var reader = EncodedReader(bytes: bytes)
                return try reader.basis()
            }
        }
        self = try parsed.get()
    }

    /// Largest count a stored basis may hold: far above any organisation's tickets, far below overflow when summed.
    static let largestCount = 1 << 40

    static func letter(_ severity: Severity) -> Character {
        switch severity {
        case .critical: "c"
        case .high: "h"
        case .medium: "m"
        case .low: "l"
        case .info: "i"
        }
    }

    static func severity(_ letter: UInt8) -> Severity? {
        switch letter {
        case UInt8(ascii: "c"): .critical
        case UInt8(ascii: "h"): .high
        case UInt8(ascii: "m"): .medium
        case UInt8(ascii: "l"): .low
        case UInt8(ascii: "i"): .info
        default: nil
        }
    }

    static func corrupt(_ problem: String) -> StoreError {
        StoreError(.corrupt, "an organisation's stored score basis \(problem)")
    }
}

/// A cursor over a stored basis's bytes (``ScoreBasis/init(encoded:)``).
private struct EncodedReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    mutating func basis() throws(StoreError) -> ScoreBasis {
        guard next() == UInt8(ascii: "v"), next() == UInt8(ascii: "1"), atEndOfToken else {
            throw ScoreBasis.corrupt("does not start with its version")
        }
        var basis = ScoreBasis()
        var total = 0
        while skipSpaces() {
            switch next() {
            case UInt8(ascii: "d"):
                basis.fixedDue = try count()
            case UInt8(ascii: "t"):
                basis.fixedOnTime = try count()
            case UInt8(ascii: "o"):
                guard let severity = next().flatMap(ScoreBasis.severity), let flag = next(),
                    flag == UInt8(ascii: "x") || flag == UInt8(ascii: "n")
                else { throw ScoreBasis.corrupt("has an open group without its severity") }
                let openedAt = try number()
                try expect(UInt8(ascii: "*"), "has an open group without opening and count")
                let group = ScoreBasis.OpenGroup(
                    severity: severity, exploited: flag == UInt8(ascii: "x"), openedAt: openedAt, count: try count())
                total = try Self.adding(total, group.count)
                basis.open.append(group)
            case UInt8(ascii: "r"):
                guard let severity = next().flatMap(ScoreBasis.severity) else {
                    throw ScoreBasis.corrupt("has a remediation without its severity")
                }
                let measured = try count()
                try expect(UInt8(ascii: "*"), "has a remediation without count, median and p90")
                let median = try number()
                try expect(UInt8(ascii: "*"), "has a remediation without count, median and p90")
                basis.remediation[severity] = OrganisationScore.Remediation(
                    count: measured, median: median, p90: try number())
            default:
                throw ScoreBasis.corrupt("has a part of an unknown kind")
            }
            guard atEndOfToken else { throw ScoreBasis.corrupt("has a part with more than it should hold") }
        }
        guard basis.fixedOnTime <= basis.fixedDue else {
            throw ScoreBasis.corrupt("counts more fixed on time than due")
        }
        _ = try Self.adding(total, basis.fixedDue)
        return basis
    }

    var atEndOfToken: Bool { index == bytes.count || bytes[index] == UInt8(ascii: " ") }

    mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    /// Skips spaces; whether a token follows.
    mutating func skipSpaces() -> Bool {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        return index < bytes.count
    }

    mutating func expect(_ byte: UInt8, _ problem: String) throws(StoreError) {
        guard next() == byte else { throw ScoreBasis.corrupt(problem) }
    }

    /// A whole number of at most 13 digits, no more than ``ScoreBasis/largestCount``.
    mutating func count() throws(StoreError) -> Int {
        let start = index
        var value = 0
        while index < bytes.count, index - start < 14, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
            value = value * 10 + Int(digit)
            index += 1
        }
        guard index > start, index - start <= 13, value <= ScoreBasis.largestCount else {
            throw ScoreBasis.corrupt("has a count that is not a whole number in range")
        }
        return value
    }

    /// A finite number up to the next `*` or space: whole seconds (`1780000000.0`) read directly, anything else
    /// through `Double`'s own reading of at most 32 bytes.
    mutating func number() throws(StoreError) -> Double {
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "*"), bytes[index] != UInt8(ascii: " ") { index += 1 }
        let field = UnsafeBufferPointer(rebasing: bytes[start..<index])
        if let whole = Self.whole(field) { return whole }
        guard field.count <= 32, let value = Double(String(decoding: field, as: UTF8.self)), value.isFinite else {
            throw ScoreBasis.corrupt("has a number that is not finite")
        }
        return value
    }

    /// `digits` or `digits.0` with at most 15 digits (exact in a Double), else `nil`.
    static func whole(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        var digits = field[...]
        if digits.count >= 2, digits[digits.endIndex - 2] == UInt8(ascii: "."),
            digits[digits.endIndex - 1] == UInt8(ascii: "0")
        {
            digits = digits.dropLast(2)
        }
        guard (1...15).contains(digits.count) else { return nil }
        var value: Int64 = 0
        for byte in digits {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        return Double(value)
    }

    static func adding(_ left: Int, _ right: Int) throws(StoreError) -> Int {
        let (sum, overflow) = left.addingReportingOverflow(right)
        guard !overflow, sum <= ScoreBasis.largestCount else {
            throw ScoreBasis.corrupt("counts more tickets than it can hold")
        }
        return sum
    }
}
