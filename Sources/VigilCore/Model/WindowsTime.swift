public import Foundation

/// Conversions for the Windows FILETIME values Active Directory stores (`pwdLastSet`, `lastLogonTimestamp`, …):
/// 100-nanosecond ticks since 1601-01-01 UTC, as decimal strings.
public enum WindowsFileTime {
    /// Seconds between 1601-01-01 and 1970-01-01.
    static let epochOffsetSeconds: Int64 = 11_644_473_600
    /// Ticks per second.
    static let ticksPerSecond: Int64 = 10_000_000
    /// The value AD uses for "never" in `accountExpires`.
    public static let never: Int64 = Int64.max

    /// The date a FILETIME denotes, or `nil` for 0 and `Int64.max` (both mean "never"/"not set") and negative values.
    public static func date(fromTicks ticks: Int64) -> Date? {
        guard ticks > 0, ticks != never else { return nil }
        let seconds = Double(ticks / ticksPerSecond - epochOffsetSeconds)
        let fraction = Double(ticks % ticksPerSecond) / Double(ticksPerSecond)
        return Date(timeIntervalSince1970: seconds + fraction)
    }

    /// The FILETIME for a date.
    public static func ticks(from date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970
        let whole = Int64(seconds.rounded(.down))
        let fraction = Int64(((seconds - Double(whole)) * Double(ticksPerSecond)).rounded())
        return (whole + epochOffsetSeconds) * ticksPerSecond + fraction
    }
}
