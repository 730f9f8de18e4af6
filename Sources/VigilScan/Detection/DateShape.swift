import VigilIO

/// Dates as UK records print them: `12/03/1956`, `12.03.56`, `12-03-1956`, `1956-03-12`, `12 Mar 1956`,
/// `12-MAR-1956`, `12 March 1956`; and `19560312` (CCYYMMDD, ``compact(_:end:)``), which the detector reads only
/// where the context says birth: a date-of-birth column (the NHS Data Dictionary's format, as national data flows such
/// as the immunisation batch file carry it), a workbook's number under such a header, or an HL7 PID segment's seventh
/// field.
struct DateShape: Sendable, Equatable {
    var year: Int
    var month: Int
    var day: Int
    /// Index just past the date.
    var end: Int
    /// Whether the year was written with two digits (its century is a guess).
    var twoDigitYear: Bool

    /// A single number for distinct counting (`19560312`).
    var key: UInt64 { UInt64(year * 10_000 + month * 100 + day) }

    /// Parses a date starting at `start` (a digit) in `base[..<end]`; `nil` when there is none. `pivotYear` decides the
    /// century of two-digit years (`yy` above it is 19yy).
    static func parse(_ base: UnsafePointer<UInt8>, at start: Int, end: Int, pivotYear: Int) -> DateShape? {
        var index = start
        let first = digits(base, &index, end: end, max: 4)
        guard first.count > 0, index < end else { return nil }
        let separator = base[index]
        if first.count == 4 {
            // ISO: yyyy-mm-dd or yyyy/mm/dd.
            guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/") else { return nil }
            index += 1
            let month = digits(base, &index, end: end, max: 2)
            guard month.count == 2, index < end, base[index] == separator else { return nil }
            index += 1
            let day = digits(base, &index, end: end, max: 2)
            guard day.count == 2, !followsOn(base, index, end) else { return nil }
            return make(year: first.value, month: month.value, day: day.value, end: index, twoDigit: false)
        }
        guard first.count <= 2 else { return nil }
        if separator == UInt8(ascii: "/") || separator == UInt8(ascii: ".") || separator == UInt8(ascii: "-") {
            index += 1
            guard index < end else { return nil }
            if Byte.isDigit(base[index]) {
                let month = digits(base, &index, end: end, max: 2)
                guard month.count > 0, index < end, base[index] == separator else { return nil }
                index += 1
                let year = digits(base, &index, end: end, max: 4)
                guard year.count == 4 || year.count == 2, !followsOn(base, index, end) else { return nil }
                return make(
                    year: century(year, pivot: pivotYear), month: month.value, day: first.value, end: index,
                    twoDigit: year.count == 2)
            }
            // 12-MAR-1956
            guard separator == UInt8(ascii: "-"), let (month, after) = monthName(base, index, end: end),
                after < end, base[after] == separator
            else { return nil }
            index = after + 1
            let year = digits(base, &index, end: end, max: 4)
            guard year.count == 4 || year.count == 2, !followsOn(base, index, end) else { return nil }
            return make(
                year: century(year, pivot: pivotYear), month: month, day: first.value, end: index,
                twoDigit: year.count == 2)
        }
        // 12 Mar 1956, 12 March 1956
        guard separator == 0x20, index + 1 < end, let (month, after) = monthName(base, index + 1, end: end),
            after + 1 < end, base[after] == 0x20
        else { return nil }
        index = after + 1
        let year = digits(base, &index, end: end, max: 4)
        guard year.count == 4, !followsOn(base, index, end) else { return nil }
        return make(year: year.value, month: month, day: first.value, end: index, twoDigit: false)
    }

    /// An eight-digit CCYYMMDD `value` (`19560312`) as a date, if it is a real one; `end` is the index just past it.
    static func compact(_ value: UInt64, end: Int) -> DateShape? {
        guard (10_000_000...99_999_999).contains(value) else { return nil }
        let number = Int(value)
        return make(year: number / 10_000, month: number / 100 % 100, day: number % 100, end: end, twoDigit: false)
    }

    /// Whether a time follows the date (`2025-03-01T12:00`, `01/03/2025 12:00`): then it is a timestamp.
    static func timeFollows(_ base: UnsafePointer<UInt8>, _ index: Int, end: Int) -> Bool {
        guard index + 3 < end, base[index] == 0x20 || base[index] == UInt8(ascii: "T") else { return false }
        var cursor = index + 1
        let hours = digits(base, &cursor, end: end, max: 2)
        return hours.count > 0 && cursor < end && base[cursor] == UInt8(ascii: ":")
    }

    private static func make(year: Int, month: Int, day: Int, end: Int, twoDigit: Bool) -> DateShape? {
        guard (1...12).contains(month), day >= 1,
            day <= HealthNumber.daysInMonth(month, leap: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
        else { return nil }
        return DateShape(year: year, month: month, day: day, end: end, twoDigitYear: twoDigit)
    }

    private static func century(_ year: (value: Int, count: Int), pivot: Int) -> Int {
        guard year.count == 2 else { return year.value }
        return year.value > pivot % 100 ? 1900 + year.value : 2000 + year.value
    }

    /// Whether the token carries on after the date (`12/03/19560`, `1956-03-12-4`, `12/03/1956x`).
    private static func followsOn(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> Bool {
        guard index < end else { return false }
        let next = base[index]
        if Byte.isAlphanumeric(next) {
            return !(next == UInt8(ascii: "T") && index + 1 < end && Byte.isDigit(base[index + 1]))
        }
        if next == UInt8(ascii: "/") || next == UInt8(ascii: "-") || next == UInt8(ascii: ".") {
            return index + 1 < end && Byte.isDigit(base[index + 1])
        }
        return false
    }

    private static func digits(_ base: UnsafePointer<UInt8>, _ index: inout Int, end: Int, max: Int) -> (
        value: Int, count: Int
    ) {
        var value = 0
        var count = 0
        while index < end, Byte.isDigit(base[index]) {
            guard count < max else { return (0, max + 1) }
            value = value * 10 + Int(base[index] &- 0x30)
            count += 1
            index += 1
        }
        return (value, count)
    }

    private static let months: [[UInt8]] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ].map { Array($0.utf8) }
    private static let fullMonths: [[UInt8]] = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december",
    ].map { Array($0.utf8) }

    /// A month name (three letters, `Sept`, or in full) at `index`: its number and the index after it.
    private static func monthName(_ base: UnsafePointer<UInt8>, _ index: Int, end: Int) -> (Int, Int)? {
        var length = 0
        while index + length < end, Byte.isLetter(base[index + length]), length < 10 { length += 1 }
        guard length >= 3 else { return nil }
        func equals(_ word: [UInt8]) -> Bool {
            guard word.count == length else { return false }
            for offset in 0..<length where Byte.lower(base[index + offset]) != word[offset] { return false }
            return true
        }
        for number in 0..<12 where equals(months[number]) || equals(fullMonths[number]) {
            return (number + 1, index + length)
        }
        return equals(september) ? (9, index + length) : nil
    }

    private static let september = Array("sept".utf8)
}
