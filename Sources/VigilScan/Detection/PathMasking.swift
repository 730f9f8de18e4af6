import VigilIO

/// Health-service numbers in file and folder names, masked as in content.
///
/// A name like `referral 9434765919.csv` is itself an identifier: reports, the terminal and the state file show the
/// name with the number masked (`943 *** **19`) exactly as a sample from the file's content would be, so that no
/// output needs a rule of its own. A number counts when it is ten digits (run together, or grouped 3-3-4 or 6-4 by
/// spaces, no-break spaces, hyphens, underscores or full stops) not touching another digit and passes the Modulus 11 check (CHI numbers: with a real date), as in content;
/// other digits are left alone, so dates and case numbers in names stay readable.
public enum PathMasking {
    /// `path` with every health-service number masked.
    public static func masked(_ path: String) -> String {
        masked(path) { HealthNumber.masked($0) }
    }

    /// Whether `text` holds ten digits or more, which any health-service number needs: most names and sentences do
    /// not, and are passed over without a copy.
    public static func mayHoldNumber(_ text: String) -> Bool {
        var digits = 0
        for byte in text.utf8 where Byte.isDigit(byte) {
            digits += 1
            if digits == 10 { return true }
        }
        return false
    }

    /// The health-service numbers in `path`, in order.
    public static func numbers(in path: String) -> [UInt64] {
        var found: [UInt64] = []
        _ = masked(path) { value in
            found.append(value)
            return ""
        }
        return found
    }

    /// `path` with every health-service number replaced by `token(number)`.
    public static func masked(_ path: String, token: (UInt64) -> String) -> String {
        replacing(in: path, token)
    }

    /// `text` with each health-service number for which `token` gives a token replaced by it; a number it gives none
    /// for is kept as written.
    public static func replacing(in text: String, _ token: (UInt64) -> String?) -> String {
        guard mayHoldNumber(text) else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        while index < bytes.count {
            if Byte.isDigit(bytes[index]), index == 0 || !Byte.isDigit(bytes[index - 1]), !insideSID(bytes, at: index),
                let (value, end) = number(bytes, at: index), HealthNumber.isValid(value), let replacement = token(value)
            {
                output.append(contentsOf: replacement.utf8)
                index = end
                changed = true
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    /// Whether `text` is a security identifier and nothing else (`S-1-5-21-…-1104`): `S-1-`, an identifier authority
    /// of one or two digits and sub-authorities, as ``insideSID(_:at:)`` judges one inside a name.
    public static func isSID(_ text: String) -> Bool {
        guard text.utf8.count <= 200, text.hasPrefix("S-1-") else { return false }
        let parts = text.utf8.dropFirst(4).split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard let authority = parts.first, (1...2).contains(authority.count), parts.count >= 2 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(Byte.isDigit) }
    }

    /// Whether the digits at `start` are a part of a security identifier (`S-1-5-21-3623811015-…`, a recycle bin's
    /// folder, a principal the directory could not name): its sub-authorities are often ten digits, and one in eleven
    /// passes the check digit, but a SID is an account's, not a patient's, and masking it would break every join on it.
    static func insideSID(_ bytes: [UInt8], at start: Int) -> Bool {
        guard start >= 4, bytes[start - 1] == UInt8(ascii: "-") else { return false }
        var cursor = start - 1
        while cursor > 0, Byte.isDigit(bytes[cursor]) || bytes[cursor] == UInt8(ascii: "-") { cursor -= 1 }
        // `cursor` is at the byte before the run of digits and hyphens, which must be `S-1-`, an identifier authority
        // of one or two digits (5, 12, 15, 16, 80…) and a hyphen before the digits at `start`, and not end a word.
        // Judged by that opening alone, which masking never changes, so a second pass masks nothing more; `Scans-1`
        // at the end of a name is no SID, nor is `s-1-` and a number.
        let authority = cursor + 4
        guard authority + 1 < start, bytes[cursor] | 0x20 == UInt8(ascii: "s"),
            bytes[cursor + 1] == UInt8(ascii: "-"), bytes[cursor + 2] == UInt8(ascii: "1"),
            bytes[cursor + 3] == UInt8(ascii: "-"), Byte.isDigit(bytes[authority])
        else { return false }
        let hyphen = Byte.isDigit(bytes[authority + 1]) ? authority + 2 : authority + 1
        guard hyphen < start, bytes[hyphen] == UInt8(ascii: "-") else { return false }
        return cursor == 0 || !Byte.isAlphanumeric(bytes[cursor - 1])
    }

    /// How a ten-digit number is written in a name: run together, or grouped by one separator (a space, a no-break
    /// space, a hyphen, an underscore or a full stop) 3-3-4 as NHS numbers are, or 6-4 as CHI numbers (a date of birth
    /// and four digits) are.
    private static let separators: [[UInt8]] = [
        [UInt8(ascii: " ")], [0xC2, 0xA0], [UInt8(ascii: "-")], [UInt8(ascii: "_")], [UInt8(ascii: ".")],
    ]
    private static let groupings: [Set<Int>] = [[3, 6], [6]]

    /// The ten-digit number starting at `start` and the index after it, if one is there.
    private static func number(_ bytes: [UInt8], at start: Int) -> (UInt64, Int)? {
        if let found = number(bytes, at: start, separator: [], breaks: []) { return found }
        for separator in separators {
            for breaks in groupings {
                if let found = number(bytes, at: start, separator: separator, breaks: breaks) { return found }
            }
        }
        return nil
    }

    /// The ten-digit number at `start` with `separator` before each digit counted in `breaks`.
    private static func number(_ bytes: [UInt8], at start: Int, separator: [UInt8], breaks: Set<Int>)
        -> (UInt64, Int)?
    {
        var value: UInt64 = 0
        var index = start
        var digits = 0
        while digits < 10, index < bytes.count {
            if breaks.contains(digits) {
                guard bytes[index...].starts(with: separator) else { return nil }
                index += separator.count
                guard index < bytes.count else { return nil }
            }
            guard Byte.isDigit(bytes[index]) else { return nil }
            value = value * 10 + UInt64(bytes[index] - 0x30)
            digits += 1
            index += 1
        }
        guard digits == 10, index == bytes.count || !Byte.isDigit(bytes[index]) else { return nil }
        return (value, index)
    }
}
