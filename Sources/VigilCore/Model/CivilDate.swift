public import Foundation

/// Calendar arithmetic in UTC on the proleptic Gregorian calendar (Howard Hinnant's days-from-civil algorithms),
/// without `Calendar` or locale: dates in reports and readers never depend on the machine's settings.
public enum CivilDate {
    /// Days since 1970-01-01 of `year-month-day`.
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The midnight (UTC) starting `year-month-day`.
    public static func date(year: Int, month: Int, day: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(days(year: year, month: month, day: day) * 86_400))
    }

    /// Year, month and day of a day count since 1970-01-01.
    public static func components(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The start (midnight UTC) of the day holding `date`: "today" as an as-of date.
    public static func day(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }

    /// `2025-09-15`: the UTC day of `date`.
    public static func string(_ date: Date) -> String {
        let (year, month, day) = components(days: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    /// Parses `YYYY-MM-DD` (ASCII digits, a year from 1000, a day the month has) to its UTC midnight.
    public static func parse(_ text: some StringProtocol) -> Date? {
        // Bytes, not characters: readers parse millions of dates (a national role export holds two per row).
        var text = String(text)
        return text.withUTF8(parse(utf8:))
    }

    private static func parse(utf8: UnsafeBufferPointer<UInt8>) -> Date? {
        guard utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for position in range {
                let digit = Int(utf8[position]) - 0x30
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), year >= 1000,
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        // A day past the month's end (`2025-02-30`) comes back as another day: refused.
        let count = days(year: year, month: month, day: day)
        guard components(days: count) == (year, month, day) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(count * 86_400))
    }
}
