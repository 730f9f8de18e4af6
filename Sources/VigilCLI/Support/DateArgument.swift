import ArgumentParser
import Foundation
import VigilCore

/// Days and times given on the command line, checked against the calendar.
///
/// Why: Foundation's ISO 8601 parser rolls an impossible day over (2027-02-30 becomes 2027-03-02), so an alert's
/// deadline, an exception's expiry or an audit query silently meant another day. Every option taking a day or a time
/// goes through here, as `--as-of` does, and says which option is wrong and why (exit 64).
enum DateArgument {
    /// Midnight UTC starting the day `text` names (`YYYY-MM-DD`), or a usage error naming `option`.
    static func day(_ text: String, option: String) throws -> Date {
        guard let date = CivilDate.parse(text) else {
            // The shape right but the day not in the calendar (2026-02-30): say which, not the format again.
            if text.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil {
                throw ValidationError("\(option) is not a day of the calendar (YYYY-MM-DD, such as 2026-11-01)")
            }
            throw ValidationError("\(option) expects a date as YYYY-MM-DD, such as 2026-11-01")
        }
        return date
    }

    /// A time given as ISO 8601 with a zone (`2026-12-04T09:00:00Z`, `2026-12-04T10:00:00+01:00`), or a day
    /// (`2026-12-04`, its midnight UTC); a usage error naming `option` otherwise, and for a day or time of day the
    /// calendar and the clock do not have.
    static func time(_ text: String, option: String) throws -> Date {
        if text.utf8.count == 10 { return try day(text, option: option) }
        let shape = /(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:?\d{2})/
        guard let match = text.wholeMatch(of: shape), let date = ISO8601DateFormatter().date(from: text) else {
            throw ValidationError(
                "\(option) is an ISO 8601 time with a zone, or a day: 2026-12-04T09:00:00Z or 2026-12-04")
        }
        guard CivilDate.parse(match.1) != nil else {
            throw ValidationError("\(option) is not a day of the calendar (such as 2026-12-04T09:00:00Z)")
        }
        guard let hour = Int(match.2), hour < 24, let minute = Int(match.3), minute < 60, let second = Int(match.4),
            second < 60
        else {
            throw ValidationError("\(option) is not a time of day (00:00:00 to 23:59:59, such as 2026-12-04T09:00:00Z)")
        }
        return date
    }

    /// `time`, or now when the option was not given.
    static func time(_ text: String?, option: String, default now: Date = Date()) throws -> Date {
        guard let text else { return now }
        return try time(text, option: option)
    }
}
