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
            // The SID check last: it looks back up to a SID's length, and only a valid number needs it.
            if Byte.isDigit(bytes[index]), index == 0 || !Byte.isDigit(bytes[index - 1]),
                let (value, end) = number(bytes, at: index), HealthNumber.isValid(value), !insideSID(bytes, at: index),
                let replacement = token(value)
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

    /// Whether `text` is a security identifier and nothing else (`S-1-5-21-…-1104`), as ``sid(_:_:)`` judges one:
    /// masking leaves it whole.
    public static func isSID(_ text: String) -> Bool {
        guard text.utf8.count <= maxSIDLength else { return false }
        let bytes = Array(text.utf8)
        return sid(bytes, bytes.indices) != nil
    }

    /// The longest SID text: `S-1-`, an authority and 15 sub-authorities of up to ten digits.
    static let maxSIDLength = 4 + 3 + 15 * 11

    /// Whether the ten digits at `start` are a sub-authority of a security identifier (`S-1-5-21-3623811015-…`, a
    /// recycle bin's folder, a principal the directory could not name): a domain's sub-authorities are often ten
    /// digits, and one in eleven passes the check digit, but a SID is an account's, not a patient's, and masking it
    /// would break every join on it. Only what a SID can be is left whole: after `S-1-`, an identifier authority of one
    /// or two digits and a first sub-authority of at most nine digits (21, 80, 5…; no SID's is ten), the digits run
    /// together, each sub-authority fitting 32 bits (which no number from 600 or 999 does), at most 15 of them, the SID
    /// not part of a longer word, no number grouped by hyphens among its parts. Judged by what masking leaves as it is
    /// (the first sub-authority is never a number, no part is masked), so a second pass masks nothing more. Looks back
    /// at most one SID's length: a long run of digits and hyphens costs no more.
    static func insideSID(_ bytes: [UInt8], at start: Int) -> Bool {
        guard start >= 8, bytes[start - 1] == UInt8(ascii: "-") else { return false }
        var opening = start - 1
        while opening > 0, start - opening <= maxSIDLength,
            Byte.isDigit(bytes[opening]) || bytes[opening] == UInt8(ascii: "-")
        {
            opening -= 1
        }
        var end = start
        while end < bytes.count, end - start <= 10, Byte.isDigit(bytes[end]) { end += 1 }
        guard end - start == 10, opening == 0 || !Byte.isAlphanumeric(bytes[opening - 1]),
            end == bytes.count || !Byte.isAlphanumeric(bytes[end]),
            let count = sid(bytes, opening..<end)
        else { return false }
        return count >= 2
    }

    /// The number of sub-authorities of `bytes[range]` if it is a SID masking leaves whole: the shape
    /// ``subAuthorities(_:)`` reads, a first sub-authority of at most nine digits, and no number written grouped by
    /// hyphens across sub-authorities (`…-401-023-2137-…`, which masking replaces, so that a second pass would see a
    /// SID no more and mask its other parts).
    private static func sid(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard let count = subAuthorities(bytes[range]) else { return nil }
        let parts = bytes[range].split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts[3].count <= 9 else { return nil }
        for part in parts.dropFirst(3) where part.count < 10 {
            if let (value, _) = number(bytes, at: part.startIndex), HealthNumber.isValid(value) { return nil }
        }
        return count
    }

    /// The number of sub-authorities of the SID `text` (`S-1-`, an authority of one or two digits, one to 15
    /// sub-authorities of at most ten digits that fit 32 bits), or `nil` when it is not one.
    private static func subAuthorities(_ text: ArraySlice<UInt8>) -> Int? {
        let parts = text.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts.count >= 4, parts.count <= 18, parts[0].count == 1, parts[0].first.map({ $0 | 0x20 }) == 0x73,
            parts[1].elementsEqual("1".utf8), (1...2).contains(parts[2].count), parts[2].allSatisfy(Byte.isDigit)
        else { return nil }
        for part in parts.dropFirst(3) {
            guard (1...10).contains(part.count), part.allSatisfy(Byte.isDigit) else { return nil }
            let value = part.reduce(UInt64(0)) { $0 * 10 + UInt64($1 &- 0x30) }
            guard value <= UInt64(UInt32.max) else { return nil }
        }
        return parts.count - 3
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
