import Foundation
import VigilCore

/// The timestamps access logs write, in the shapes their exporters produce:
///
/// - ISO 8601 / RFC 3339: `2026-11-30T08:15:00Z`, `2026-11-30 08:15:00.123+01:00`, `2026-11-30T08:15:00+0100`, with a
///   `T` or a space, seconds and fractions optional;
/// - day first, as UK exports and spreadsheets write it: `30/11/2026 08:15:00`, `30/11/2026 8:15 PM`, `30-11-2026 08:15`;
/// - Unix time in seconds (10 digits) or milliseconds (13 digits).
///
/// A zone is `Z`, `UTC`, `GMT` or an offset (`+01:00`, `+0100`, `+01`); a time without one is taken as UTC and said so
/// (``Parsed/zoneStated``), since the exporter's zone is not in the file. Every number is range-checked (month 1–12, day
/// within its month, hour < 24…), so a malformed value is rejected, never wrapped.
enum AccessLogTime {
    /// A parsed instant, and whether the text stated its zone.
    struct Parsed: Equatable {
        /// The instant.
        var date: Date
        /// Whether the text named a zone or offset (Unix time always does).
        var zoneStated: Bool
    }

    /// The instant `text` denotes, or `nil` when it is none of the accepted shapes.
    static func parse(_ text: some StringProtocol) -> Parsed? {
        let bytes = Array(text.utf8.drop { $0 == 0x20 }.reversed().drop { $0 == 0x20 }.reversed())
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        if bytes.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) { return unix(bytes) }
        var scanner = Scanner(bytes: bytes)
        guard let first = scanner.number(maxDigits: 4) else { return nil }
        let separator = scanner.peek
        guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/") || separator == UInt8(ascii: ".")
        else { return nil }
        scanner.advance()
        guard let second = scanner.number(maxDigits: 2), scanner.take(separator ?? 0),
            let third = scanner.number(maxDigits: 4)
        else { return nil }
        let (year, month, day): (Int, Int, Int)
        if first.digits == 4 {
            guard separator != UInt8(ascii: "."), second.digits == 2, third.digits == 2 else { return nil }
            (year, month, day) = (first.value, second.value, third.value)
        } else {
            guard third.digits == 4 else { return nil }
            (year, month, day) = (third.value, second.value, first.value)
        }
        guard valid(year: year, month: month, day: day) else { return nil }
        var seconds = 0
        if !scanner.atEnd {
            guard scanner.take(UInt8(ascii: "T")) || scanner.take(0x20) else { return nil }
            while scanner.take(0x20) {}
            guard let clock = scanner.clock() else { return nil }
            seconds = clock
        }
        while scanner.take(0x20) {}
        var zoneStated = false
        if !scanner.atEnd {
            guard let offset = scanner.zone() else { return nil }
            seconds -= offset
            zoneStated = true
        }
        guard scanner.atEnd else { return nil }
        let total = CivilDate.days(year: year, month: month, day: day) * 86_400 + seconds
        return Parsed(date: Date(timeIntervalSince1970: TimeInterval(total)), zoneStated: zoneStated)
    }

    /// Unix time: 10 digits of seconds or 13 of milliseconds (2001–2286), the only lengths that are unambiguous.
    private static func unix(_ bytes: [UInt8]) -> Parsed? {
        guard bytes.count == 10 || bytes.count == 13 else { return nil }
        var value = 0
        for byte in bytes { value = value * 10 + Int(byte &- UInt8(ascii: "0")) }
        // Below 2001 the digits are a placeholder (`0000000000`) or a count with leading zeros, not a time.
        guard value >= (bytes.count == 13 ? 1_000_000_000_000 : 1_000_000_000) else { return nil }
        let seconds = bytes.count == 13 ? Double(value) / 1000 : Double(value)
        return Parsed(date: Date(timeIntervalSince1970: seconds), zoneStated: true)
    }

    /// Whether `year-month-day` is a real day of years 1900–9999.
    static func valid(year: Int, month: Int, day: Int) -> Bool {
        guard (1900...9999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return day <= lengths[month - 1] + (month == 2 && leap ? 1 : 0)
    }

    /// Reads a timestamp's parts left to right.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func advance() { index += 1 }

        /// Consumes `byte` if it is next (letters case-insensitively).
        mutating func take(_ byte: UInt8) -> Bool {
            guard let next = peek, next == byte || (byte >= 0x41 && byte <= 0x5A && next == byte | 0x20) else {
                return false
            }
            index += 1
            return true
        }

        /// Up to `maxDigits` digits (at least one) as a number.
        mutating func number(maxDigits: Int) -> (value: Int, digits: Int)? {
            var value = 0
            var digits = 0
            while digits < maxDigits, let next = peek, next &- UInt8(ascii: "0") < 10 {
                value = value * 10 + Int(next &- UInt8(ascii: "0"))
                digits += 1
                index += 1
            }
            return digits == 0 ? nil : (value, digits)
        }

        /// `h:mm[:ss[.fff]][ AM|PM]` as seconds into the day.
        mutating func clock() -> Int? {
            guard let hour = number(maxDigits: 2), take(UInt8(ascii: ":")), let minute = number(maxDigits: 2),
                minute.digits == 2, minute.value < 60
            else { return nil }
            var second = 0
            if take(UInt8(ascii: ":")) {
                guard let value = number(maxDigits: 2), value.digits == 2, value.value < 61 else { return nil }
                second = value.value
                if take(UInt8(ascii: ".")) || take(UInt8(ascii: ",")) {
                    guard number(maxDigits: 9) != nil else { return nil }
                }
            }
            var hours = hour.value
            let mark = index
            while take(0x20) {}
            if take(UInt8(ascii: "A")) || take(UInt8(ascii: "P")) {
                let afternoon = bytes[index - 1] | 0x20 == UInt8(ascii: "p")
                guard take(UInt8(ascii: "M")), (1...12).contains(hours) else { return nil }
                hours = hours % 12 + (afternoon ? 12 : 0)
            } else {
                index = mark
            }
            guard hours < 24 else { return nil }
            return hours * 3600 + minute.value * 60 + second
        }

        /// `Z`, `UTC`, `GMT` (0) or `±hh[:mm]`/`±hhmm`, as seconds east of UTC.
        mutating func zone() -> Int? {
            if take(UInt8(ascii: "Z")) { return 0 }
            if take(UInt8(ascii: "U")) {
                return take(UInt8(ascii: "T")) && take(UInt8(ascii: "C")) ? 0 : nil
            }
            if take(UInt8(ascii: "G")) {
                return take(UInt8(ascii: "M")) && take(UInt8(ascii: "T")) ? 0 : nil
            }
            guard let sign = peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
            advance()
            guard let hours = number(maxDigits: 2), hours.digits == 2, hours.value <= 14 else { return nil }
            var minutes = 0
            if !atEnd {
                _ = take(UInt8(ascii: ":"))
                guard let value = number(maxDigits: 2), value.digits == 2, value.value < 60 else { return nil }
                minutes = value.value
            }
            let offset = hours.value * 3600 + minutes * 60
            return sign == UInt8(ascii: "-") ? -offset : offset
        }
    }
}
