public import Foundation

extension CivilDate {
    /// The `debugDescription` of the decoding error ``calendarISO8601`` throws for a day the calendar does not have,
    /// so that a reader can say so rather than "not a date".
    public static let impossibleDay = "not a day of the calendar"

    /// Whether `text` begins with a day the calendar has (`YYYY-MM-DD…`): what Foundation's ISO 8601 parser does not
    /// check, as it rolls 2026-02-30 over to 2026-03-02.
    public static func beginsWithCalendarDay(_ text: String) -> Bool {
        parse(text.prefix(10)) != nil
    }
}

extension JSONDecoder.DateDecodingStrategy {
    /// `.iso8601`, refusing a day the calendar does not have (a `dataCorrupted` error whose description is
    /// ``CivilDate/impossibleDay``) instead of rolling it over to the next month.
    public static var calendarISO8601: Self {
        .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            // Fractional seconds as RFC 3339 allows them (`2026-12-04T09:00:00.123Z`, what JavaScript's
            // toISOString() sends), as `.iso8601` read them.
            guard let date = try? Date.ISO8601FormatStyle().parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "Expected date string to be ISO8601-formatted.")
            }
            guard CivilDate.beginsWithCalendarDay(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: CivilDate.impossibleDay)
            }
            return date
        }
    }
}
