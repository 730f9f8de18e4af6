import Foundation
import VigilCore

/// The `InstalledOn` dates of Win32_QuickFixEngineering (wmic qfe, osquery `patches`).
enum QuickFixDate {
    /// The UTC midnight of `M/D/YYYY` (`3/7/2019`, as WMI formats it whatever the locale), of `YYYY-MM-DD`, or of a
    /// hexadecimal FILETIME (`01cc7b5e6b40a770`, written by some older systems); `nil` for anything else.
    static func parse(_ text: some StringProtocol) -> Date? {
        let value = text.trimming(" \t")
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 3, let month = Int(parts[0]), let day = Int(parts[1]), let year = Int(parts[2]),
            parts[2].count == 4
        {
            return validDate(year: year, month: month, day: day)
        }
        if let date = CivilDate.parse(value) { return date }
        if (15...16).contains(value.count), let ticks = Int64(value, radix: 16) {
            guard let date = WindowsFileTime.date(fromTicks: ticks) else { return nil }
            let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
            let (year, month, day) = CivilDate.components(days: days)
            return (1990...2200).contains(year) ? CivilDate.date(year: year, month: month, day: day) : nil
        }
        return nil
    }

    private static func validDate(year: Int, month: Int, day: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), (1980...9999).contains(year) else { return nil }
        let date = CivilDate.date(year: year, month: month, day: day)
        let check = CivilDate.components(days: CivilDate.days(year: year, month: month, day: day))
        return check == (year, month, day) ? date : nil
    }
}
