/// The UK's 10-digit health-service numbers: NHS numbers (England, Wales, Isle of Man), CHI numbers (Scotland) and
/// H&C numbers (Northern Ireland). All three share one Modulus 11 check digit; the range of the number says which
/// service issued it (NHS Data Dictionary, "NHS Number"; ranges as the PyPI `nhs-number` package documents them).
public enum HealthNumber {
    /// Who issued a number, by its range.
    public enum Range: Sendable, Equatable {
        /// 400 000 000 0 – 499 999 999 9 and 600 000 000 0 – 799 999 999 9: England, Wales and the Isle of Man.
        case englandWales
        /// 010 100 000 0 – 311 299 999 9: Scotland (CHI, the first six digits a date of birth DDMMYY).
        case scotland
        /// 320 000 000 0 – 399 999 999 9: Northern Ireland.
        case northernIreland
        /// 999 000 000 0 – 999 999 999 9: reserved for test and synthetic patients; never issued to a person.
        case test
        /// Unallocated, reserved, or used outside the UK (the Republic of Ireland's IHI, 800…–859…).
        case unissued
    }

    /// The check digit the first nine digits of `value` call for, or `nil` when the weighted sum leaves 10 (no number
    /// with those nine digits is valid).
    @inline(__always)
    public static func expectedCheckDigit(_ value: UInt64) -> UInt64? {
        var rest = value / 10
        var sum: UInt64 = 0
        // Weights 2…10 from the ninth digit back to the first.
        for weight in UInt64(2)...10 {
            sum += (rest % 10) * weight
            rest /= 10
        }
        let check = 11 - sum % 11
        if check == 11 { return 0 }
        return check == 10 ? nil : check
    }

    /// Whether the last digit of the 10-digit `value` is its Modulus 11 check digit.
    @inline(__always)
    public static func checksumIsValid(_ value: UInt64) -> Bool {
        expectedCheckDigit(value) == value % 10
    }

    /// The range `value` falls in.
    public static func range(_ value: UInt64) -> Range {
        switch value {
        case 4_000_000_000...4_999_999_999, 6_000_000_000...7_999_999_999: .englandWales
        case 100_000_000...3_112_999_999: .scotland
        case 3_200_000_000...3_999_999_999: .northernIreland
        case 9_990_000_000...9_999_999_999: .test
        default: .unissued
        }
    }

    /// Whether the first six digits of a 10-digit CHI-range `value` are a real date DDMMYY (any century: 29 February
    /// only in years divisible by four, as Python's `%y` reads two-digit years 1969–2068).
    public static func hasDateOfBirth(_ value: UInt64) -> Bool {
        let first6 = value / 10_000
        let day = Int(first6 / 10_000)
        let month = Int(first6 / 100 % 100)
        let year = Int(first6 % 100)
        guard (1...12).contains(month), day >= 1 else { return false }
        return day <= daysInMonth(month, leap: year % 4 == 0)
    }

    /// The validity check of the PyPI `nhs-number` package (`nhs_number.is_valid`) for a 10-digit string: the Modulus 11
    /// check digit, and in the CHI range a real date of birth. Issued ranges are not part of that check; see
    /// ``range(_:)`` for them.
    public static func isValid(_ value: UInt64) -> Bool {
        guard value <= 9_999_999_999, checksumIsValid(value) else { return false }
        if (100_000_000...3_112_999_999).contains(value) { return hasDateOfBirth(value) }
        return true
    }

    /// Whether `value` is a number a person could hold or a test number: valid, and in an issued or the test range.
    public static func isIssuedOrTest(_ value: UInt64) -> Bool {
        isValid(value) && range(value) != .unissued
    }

    /// Days in `month` (1–12).
    static func daysInMonth(_ month: Int, leap: Bool) -> Int {
        switch month {
        case 2: leap ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The masked form reports show: NHS and H&C numbers keep their first three and last two digits (`943 *** **19`);
    /// CHI numbers keep only the last two, because their first six are a date of birth (`*** *** **19`).
    public static func masked(_ value: UInt64) -> String {
        let digits = String(value)
        let padded = String(repeating: "0", count: max(0, 10 - digits.count)) + digits
        let last2 = padded.suffix(2)
        if range(value) == .scotland { return "*** *** **\(last2)" }
        return "\(padded.prefix(3)) *** **\(last2)"
    }
}
