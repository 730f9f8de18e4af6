import VigilIO

/// Health-service numbers in file and folder names, masked as in content.
///
/// A name like `referral 9434765919.csv` is itself an identifier: reports, the terminal and the state file show the
/// name with the number masked (`943 *** **19`) exactly as a sample from the file's content would be, so that no
/// output needs a rule of its own. A number counts when it is ten digits (run together, or grouped 3-3-4 by spaces or
/// hyphens) not touching another digit and passes the Modulus 11 check (CHI numbers: with a real date), as in content;
/// other digits are left alone, so dates and case numbers in names stay readable.
public enum PathMasking {
    /// `path` with every health-service number masked.
    public static func masked(_ path: String) -> String {
        let bytes = Array(path.utf8)
        guard bytes.count >= 10, bytes.contains(where: Byte.isDigit) else { return path }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        while index < bytes.count {
            if Byte.isDigit(bytes[index]), index == 0 || !Byte.isDigit(bytes[index - 1]),
                let (value, end) = number(bytes, at: index), HealthNumber.isValid(value)
            {
                output.append(contentsOf: HealthNumber.masked(value).utf8)
                index = end
                changed = true
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        return changed ? String(decoding: output, as: UTF8.self) : path
    }

    /// The ten-digit number starting at `start` and the index after it, if one is there.
    private static func number(_ bytes: [UInt8], at start: Int) -> (UInt64, Int)? {
        for separator in [nil, UInt8(ascii: " "), UInt8(ascii: "-")] as [UInt8?] {
            var value: UInt64 = 0
            var index = start
            var digits = 0
            while digits < 10, index < bytes.count {
                if let separator, digits == 3 || digits == 6 {
                    guard bytes[index] == separator else { break }
                    index += 1
                    guard index < bytes.count else { break }
                }
                guard Byte.isDigit(bytes[index]) else { break }
                value = value * 10 + UInt64(bytes[index] - 0x30)
                digits += 1
                index += 1
            }
            if digits == 10, index == bytes.count || !Byte.isDigit(bytes[index]) { return (value, index) }
        }
        return nil
    }
}
