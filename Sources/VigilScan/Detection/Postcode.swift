import VigilIO

/// UK postcodes (`LS1 4AB`, `SW1A 2AA`, `B33 8TH`), in capitals, with or without the space: an outward code of a real
/// postcode area and a district, and an inward code of a digit and two letters from the set Royal Mail uses.
enum Postcode {
    /// The 124 postcode areas of the UK and Crown dependencies.
    static let areas: Set<String> = [
        "AB", "AL", "B", "BA", "BB", "BD", "BF", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF", "CH", "CM", "CO",
        "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "E", "EC", "EH", "EN", "EX", "FK",
        "FY", "G", "GL", "GU", "GY", "HA", "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG", "IM", "IP", "IV", "JE",
        "KA", "KT", "KW", "KY", "L", "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG",
        "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG",
        "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS",
        "TW", "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE",
    ]

    /// `areaTable[first * 27 + second]` (second = 26 for a one-letter area).
    private static let areaTable: [Bool] = {
        var table = [Bool](repeating: false, count: 26 * 27)
        for area in areas {
            let bytes = Array(area.utf8)
            let second = bytes.count == 2 ? Int(bytes[1] - 0x41) : 26
            table[Int(bytes[0] - 0x41) * 27 + second] = true
        }
        return table
    }()

    /// Letters allowed in the inward code's last two places (not C, I, K, M, O, V).
    @inline(__always)
    static func isInwardLetter(_ byte: UInt8) -> Bool {
        Byte.isUpper(byte) && byte != UInt8(ascii: "C") && byte != UInt8(ascii: "I") && byte != UInt8(ascii: "K")
            && byte != UInt8(ascii: "M") && byte != UInt8(ascii: "O") && byte != UInt8(ascii: "V")
    }

    /// A postcode whose district's first digit is at `digit` in `base[floor..<end]`: its start, end, and a packed key for
    /// distinct counting; `nil` when there is none.
    static func match(_ base: UnsafePointer<UInt8>, digit: Int, floor: Int, end: Int) -> (
        start: Int, end: Int, key: UInt64
    )? {
        // Area: one or two capitals before the digit, with no letter or digit before them.
        var start = digit
        while start > floor, digit - start < 3, Byte.isUpper(base[start - 1]) { start -= 1 }
        let letters = digit - start
        guard letters == 1 || letters == 2 else { return nil }
        if start > floor, Byte.isWordByte(base[start - 1]) { return nil }
        let first = Int(base[start] - 0x41)
        let second = letters == 2 ? Int(base[start + 1] - 0x41) : 26
        guard areaTable[first * 27 + second] else { return nil }
        // District: a digit, then a digit or a capital, or nothing.
        var index = digit + 1
        var outward = index
        // The token runs to a space or the end of the alphanumerics.
        var tokenEnd = index
        while tokenEnd < end, tokenEnd - start < 8, Byte.isDigit(base[tokenEnd]) || Byte.isUpper(base[tokenEnd]) {
            tokenEnd += 1
        }
        var inwardStart: Int
        if tokenEnd < end, base[tokenEnd] == 0x20, tokenEnd + 3 <= end, Byte.isDigit(base[tokenEnd + 1]) {
            outward = tokenEnd
            inwardStart = tokenEnd + 1
        } else {
            // No space: the inward code is the token's last three characters.
            guard tokenEnd - digit >= 4 else { return nil }
            outward = tokenEnd - 3
            inwardStart = outward
        }
        let district = outward - digit
        guard district == 1 || district == 2 else { return nil }
        if district == 2 {
            let next = base[digit + 1]
            guard Byte.isDigit(next) || Byte.isUpper(next) else { return nil }
        }
        index = inwardStart
        guard index + 3 <= end, Byte.isDigit(base[index]), isInwardLetter(base[index + 1]),
            isInwardLetter(base[index + 2])
        else { return nil }
        let after = index + 3
        if after < end, Byte.isWordByte(base[after]) { return nil }
        var key: UInt64 = 0
        for position in start..<after where base[position] != 0x20 { key = key << 6 | UInt64(base[position] &- 0x2F) }
        return (start, after, key)
    }

    /// The outward code with the inward code masked (`LS1 ***`).
    static func masked(_ base: UnsafePointer<UInt8>, start: Int, end: Int) -> String {
        var outward: [UInt8] = []
        for position in start..<(end - 3) where base[position] != 0x20 { outward.append(base[position]) }
        return String(decoding: outward, as: UTF8.self) + " ***"
    }
}
