import VigilIO

/// HL7 version 2, the form patient data moves in between hospital systems (ADT, results, orders), as message logs and
/// interface-engine archives keep it: a segment per line (ended by `\r` or `\n`), fields split by the separator the
/// segment name is followed by (`|`), components by `^`, repetitions by `~`. In
/// `PID|1||100294^^^WESTGEN^MR~4010232137^^^NHS^NH||FROST^IVY||19910228|F` the patient's identifiers name their own
/// type, and the date of birth is the seventh field. Only what is needed to read those is parsed, from the token
/// outwards, with bounded look-around.
enum HL7Fields {
    /// What an identifier's CX type says it is.
    enum IdentifierType: Equatable {
        /// Type `NH` or assigning authority `NHS` (`9990500002^^^NHS^NH`).
        case nhsNumber
        /// Type `MR` (medical record number) or `PI` (patient internal identifier): a hospital number
        /// (`8000002^^^RMW00^MR`).
        case hospitalNumber
    }

    /// The most bytes of components read after an identifier's value.
    private static let tailLimit = 96
    /// The most bytes looked back from a token for the start of its segment.
    private static let segmentLookback = 1_024

    /// The type of the CX identifier whose value ends at `end` (just before a `^`): its components after the value
    /// (check digit, check digit scheme, assigning authority, type code) read up to the next repetition, field or
    /// segment. The type code decides; the authority only when there is none. `nil` when the components are not a
    /// CX's (a check digit longer than two characters, a scheme HL7 does not list: a name or a coded value, whose
    /// fifth component may happen to read `MR`), name another type, or run past ``tailLimit`` bytes.
    static func identifierType(_ base: UnsafePointer<UInt8>, valueEnd end: Int, limit: Int) -> IdentifierType? {
        guard end < limit, base[end] == UInt8(ascii: "^") else { return nil }
        let stop = min(limit, end + tailLimit)
        // Components 2 to 5 of the CX, numbered 0 to 3 here.
        var checkDigit = 0..<0
        var scheme = 0..<0
        var authority = 0..<0
        var type = 0..<0
        var component = 0
        var start = end + 1
        var index = start
        while true {
            let byte: UInt8
            if index < stop {
                byte = base[index]
            } else if stop == limit {
                byte = UInt8(ascii: "|")  // the text ends here: so does the field
            } else {
                return nil  // too long to be an identifier's components
            }
            if byte == UInt8(ascii: "^") || isFieldEnd(byte) {
                switch component {
                case 0: checkDigit = start..<index
                case 1: scheme = start..<index
                case 2: authority = start..<index
                default: type = start..<index
                }
                component += 1
                if byte != UInt8(ascii: "^") || component == 4 { break }
                start = index + 1
            }
            index += 1
        }
        guard checkDigit.count <= 2, scheme.isEmpty || isCheckDigitScheme(base, scheme) else { return nil }
        if !type.isEmpty {
            if equals(base, type, "NH") { return .nhsNumber }
            if equals(base, type, "MR") || equals(base, type, "PI") { return .hospitalNumber }
            return nil
        }
        // The authority may carry subcomponents (`NHS&2.16.840.1.113883.2.1.4.1&ISO`).
        if let ampersand = authority.first(where: { base[$0] == UInt8(ascii: "&") }) {
            authority = authority.lowerBound..<ampersand
        }
        return equals(base, authority, "NHS") ? .nhsNumber : nil
    }

    /// Whether the token at `start` opens the patient's date of birth: the seventh field of a PID segment whose fifth
    /// (the patient's name) holds a letter. The token must start its field, and the segment must start at a line start
    /// (spaces or tabs before it allowed) within ``segmentLookback`` bytes, no earlier than `floor`. Looking back stops
    /// at the seventh separator, so a line of many short fields costs only a few bytes per token.
    static func isPatientBirthField(_ base: UnsafePointer<UInt8>, start: Int, floor: Int) -> Bool {
        guard start > floor, base[start - 1] == UInt8(ascii: "|") else { return false }
        let separator = base[start - 1]
        let bound = max(floor, start - segmentLookback)
        // The six separators before this one: after `PID`, and before fields 2 to 6.
        var separators = 0
        var segment = start - 1
        while segment > bound, !isSegmentEnd(base[segment - 1]) {
            segment -= 1
            if base[segment] == separator {
                separators += 1
                if separators > 6 { return false }
            }
        }
        guard separators == 6, segment == floor || (segment > floor && isSegmentEnd(base[segment - 1])) else {
            return false
        }
        while segment < start, base[segment] == 0x20 || base[segment] == 0x09 { segment += 1 }
        guard start - segment > 4, base[segment] == UInt8(ascii: "P"), base[segment + 1] == UInt8(ascii: "I"),
            base[segment + 2] == UInt8(ascii: "D"), base[segment + 3] == separator
        else { return false }
        var field = 1
        for index in (segment + 4)..<(start - 1) {
            if base[index] == separator {
                field += 1
            } else if field == 5, Byte.isLetter(base[index]) {
                return true
            }
        }
        return false
    }

    /// HL7's check digit schemes (table 0061).
    private static func isCheckDigitScheme(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> Bool {
        equals(base, range, "M10") || equals(base, range, "M11") || equals(base, range, "ISO")
            || equals(base, range, "NPI") || equals(base, range, "BCV") || equals(base, range, "ANSI")
    }

    private static func isFieldEnd(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "~") || byte == UInt8(ascii: "|") || isSegmentEnd(byte)
    }

    /// `\r`, `\n`, or MLLP's start-of-block byte.
    private static func isSegmentEnd(_ byte: UInt8) -> Bool { byte == 0x0D || byte == 0x0A || byte == 0x0B }

    /// Whether `base[range]` is `literal`, ignoring ASCII case.
    private static func equals(_ base: UnsafePointer<UInt8>, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        for (offset, index) in range.enumerated() where Byte.lower(base[index]) != Byte.lower(literal.utf8Start[offset])
        {
            return false
        }
        return true
    }
}
