import Foundation
import VigilCore

/// LDAP GeneralizedTime (`20250105110850.0Z`, `20250105110850Z`, `20250105110850+0100`).
enum GeneralizedTime {
    /// The instant the value denotes, or `nil` if it is not GeneralizedTime of a day of the calendar from 1601 on.
    static func date(_ bytes: some Collection<UInt8>) -> Date? {
        let bytes = Array(bytes)
        guard bytes.count >= 15 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(8..<10),
            let minute = number(10..<12), let second = number(12..<14), (1...12).contains(month),
            (1...31).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 14
        if bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
            index += 1
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        }
        var offsetSeconds = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "Z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 5 == bytes.count, let hours = number(index + 1..<index + 3),
                let minutes = number(index + 3..<index + 5)
            else { return nil }
            offsetSeconds = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        // A day of the calendar (no 29 February 2023), from 1601, where Windows time begins.
        let days = CivilDate.days(year: year, month: month, day: day)
        guard year >= 1601, CivilDate.components(days: days) == (year, month, day) else { return nil }
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Windows' zero time, 1601-01-01 00:00:00 UTC: what AD writes for a time never set.
    static let windowsEpoch = Date(timeIntervalSince1970: -11_644_473_600)
}
