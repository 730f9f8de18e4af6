import VigilCore
import VigilIO

/// Finds patient identifiers in text, a line or a table cell at a time, and adds them to a ``FileTally``.
///
/// Every identifier it knows contains a digit, so the scan jumps from digit to digit eight bytes at a time and looks
/// at the bytes around a digit only when it finds one. At a digit it reads the token: a 10-digit number (bare,
/// `943 476 5919` or `943-476-5919`) is checked (Modulus 11, issued range) and scored by its format, the column header
/// or the words before it, and the share of valid numbers around it; a date counts as a date of birth only when a
/// label, header or HL7's PID-7 says so and a name is beside it; a postcode by its shape and area; a hospital number
/// only under a header or label that says so, or as an HL7 identifier typed so. HL7 identifiers name their own type
/// (``HL7Fields``), and a FHIR identifier's system names it (``FHIRIdentifier``): each counts as a label.
public struct IdentifierDetector: Sendable {
    /// The year "now" is in: two-digit years above it belong to the last century, and no one is born after it.
    public let currentYear: Int

    /// How far before a number nearby words are looked for, within its line or cell (`"nhsNumber": "` is 14 bytes,
    /// `NHS number is ` 14, `Re: … NHS No: ` 8).
    static let lookback = 32
    /// How far around a date of birth a name is looked for.
    static let nameWindow = 320

    /// The text stream of a file (free text, not a column).
    public static let textStream = -1

    /// The vocabularies, held here so that the hot path reads stored properties rather than lazily initialised globals.
    private let numbers = Vocabulary.numbers
    private let dates = Vocabulary.dates
    private let hospitalLabels = Vocabulary.hospitalNumbers
    private let names = Vocabulary.names

    public init(currentYear: Int) {
        self.currentYear = currentYear
    }

    /// Where a token sits: free text (context from the words before it in its line) or a table cell (context from the
    /// column's header and the cell's own text).
    ///
    /// A plain value with no reference inside, so passing it through the hot path costs no reference counting.
    struct Context {
        var isText: Bool
        var role: ColumnRole
        /// The table has a name column (a date of birth counts only beside a name).
        var hasNames: Bool
        var stream: Int

        static let text = Context(isText: true, role: .unknown, hasNames: false, stream: IdentifierDetector.textStream)

        static func cell(role: ColumnRole, header: TableHeader?, stream: Int) -> Context {
            Context(isText: false, role: role, hasNames: header?.hasNames ?? false, stream: stream)
        }

        var isHospitalNumberColumn: Bool { !isText && role == .hospitalNumber }
        var isDateOfBirthColumn: Bool { !isText && role == .dateOfBirth }
    }

    // MARK: Free text

    /// Scans a block of whole lines of free text, the first numbered `firstLine`; returns the number of line ends in
    /// it. `base[start..<end]` may hold many lines; line numbers are counted only up to where something is found.
    ///
    /// `base[context..<start]`, when given, is text just before the block (earlier paragraphs of a document) that is
    /// read only for a name near a date of birth.
    @discardableResult
    public func scanText(
        _ base: UnsafePointer<UInt8>, start: Int, end: Int, firstLine: Int, context: Int? = nil,
        tally: inout FileTally
    ) -> Int {
        var lines = LineCounter(base: base, start: start, end: end, firstLine: firstLine)
        var index = start
        let floor = context ?? start
        while true {
            index = SWAR.firstDigit(base, from: index, end: end)
            guard index < end else { break }
            index = analyse(base, at: index, floor: floor, end: end, context: .text, lines: &lines, tally: &tally)
        }
        return lines.count(to: end) - firstLine
    }

    /// Scans one cell (or delimited field) of a table whose column has `role`, at `position`.
    func scanCell(
        _ base: UnsafePointer<UInt8>, start: Int, end: Int, role: ColumnRole, header: TableHeader?, stream: Int,
        position: ContentPosition, tally: inout FileTally
    ) {
        var lines = LineCounter(fixed: position)
        var index = start
        while true {
            index = SWAR.firstDigit(base, from: index, end: end)
            guard index < end else { break }
            index = analyse(
                base, at: index, floor: start, end: end, context: .cell(role: role, header: header, stream: stream),
                lines: &lines, tally: &tally)
        }
    }

    // MARK: Tokens

    /// Looks at the token whose first digit is at `start` and returns the index after it.
    private func analyse(
        _ base: UnsafePointer<UInt8>, at start: Int, floor: Int, end: Int, context: Context,
        lines: inout LineCounter, tally: inout FileTally
    ) -> Int {
        let previous: UInt8 = start > floor ? base[start - 1] : 0x20
        if Byte.isLetter(previous) || previous >= 0x80 {
            if Byte.isUpper(previous), let postcode = Postcode.match(base, digit: start, floor: floor, end: end) {
                recordPostcode(base, postcode, context: context, lines: &lines, tally: &tally)
                return postcode.end
            }
            return lettered(base, digit: start, floor: floor, end: end, context: context, lines: &lines, tally: &tally)
        }
        var index = start
        while index < end, Byte.isDigit(base[index]), index - start < 20 { index += 1 }
        let length = index - start
        let next: UInt8 = index < end ? base[index] : 0x20
        // CCYYMMDD, perhaps with a time after it, read as a date only where a column or HL7's PID-7 says birth.
        if length == 8 || length == 10 || length == 12 || length == 14, !Byte.isLetter(next) {
            let column = context.isDateOfBirthColumn && length != 10
            // The date first: it is cheap, and the look back for a PID segment is not.
            if column || context.isText, let date = DateShape.compact(Self.number(base, start, 8), end: index),
                column || HL7Fields.isPatientBirthField(base, start: start, floor: floor)
            {
                if column {
                    dateOfBirth(
                        date, base, start: start, floor: floor, end: end, context: context, lines: &lines,
                        tally: &tally)
                } else {
                    birth(date, at: lines.position(at: start), tally: &tally)
                }
                return Self.skipWord(base, from: index, end: end)
            }
        }
        // An HL7 identifier names its own type (`…^^^NHS^NH`, `…^^^RMW00^MR`).
        let typed = next == UInt8(ascii: "^") ? HL7Fields.identifierType(base, valueEnd: index, limit: end) : nil
        switch length {
        case 10:
            let value = Self.number(base, start, 10)
            // In a hospital-number column, a valid health number is a health number; anything else a hospital number.
            // An HL7 identifier typed MR or PI is a hospital number whatever its digits (read below).
            if typed != .hospitalNumber, !Byte.isLetter(next),
                !context.isHospitalNumberColumn || HealthNumber.isIssuedOrTest(value)
            {
                healthNumber(
                    value, format: Scoring.bare, base, start: start, end: index, floor: floor, limit: end,
                    separator: nil, labelled: typed == .nhsNumber, context: context, lines: &lines, tally: &tally)
                if context.isHospitalNumberColumn { return Self.skipWord(base, from: index, end: end) }
            }
        case 3 where next == 0x20 || next == UInt8(ascii: "-"):
            if let value = Self.grouped(base, start, end: end, separator: next) {
                if context.isHospitalNumberColumn, !HealthNumber.isIssuedOrTest(value) {
                    hospitalNumber(
                        base, start: start, end: start + 12, prefixEnd: start, floor: floor, context: context,
                        lines: &lines, tally: &tally)
                    return start + 12
                }
                healthNumber(
                    value, format: next == 0x20 ? Scoring.spaced : Scoring.hyphenated, base, start: start,
                    end: start + 12, floor: floor, limit: end, separator: next, context: context, lines: &lines,
                    tally: &tally)
                return start + 12
            }
        case 1, 2, 4:
            if next == UInt8(ascii: "/") || next == UInt8(ascii: "-") || next == UInt8(ascii: ".")
                || (length <= 2 && next == 0x20)
            {
                if let date = DateShape.parse(base, at: start, end: end, pivotYear: currentYear) {
                    // A date with a time is a timestamp, except in a date-of-birth column (`1956-03-12 00:00:00`).
                    if !DateShape.timeFollows(base, date.end, end: end) || context.isDateOfBirthColumn {
                        dateOfBirth(
                            date, base, start: start, floor: floor, end: end, context: context, lines: &lines,
                            tally: &tally)
                    }
                    return date.end
                }
            }
        default:
            break
        }
        if (5...12).contains(length), !Byte.isLetter(next) {
            hospitalNumber(
                base, start: start, end: index, prefixEnd: start, floor: floor, typed: typed == .hospitalNumber,
                context: context, lines: &lines, tally: &tally)
        }
        return Self.skipWord(base, from: index, end: end)
    }

    /// A digit with letters before it: a hospital number with a letter prefix (`K123456`, `RXH1234567`), or part of
    /// some other word.
    private func lettered(
        _ base: UnsafePointer<UInt8>, digit: Int, floor: Int, end: Int, context: Context, lines: inout LineCounter,
        tally: inout FileTally
    ) -> Int {
        var start = digit
        while start > floor, digit - start < 5, Byte.isLetter(base[start - 1]) { start -= 1 }
        let wordEnd = Self.skipWord(base, from: digit, end: end)
        guard digit - start <= 4, start == floor || !Byte.isWordByte(base[start - 1]) else { return wordEnd }
        var digitsEnd = digit
        while digitsEnd < end, Byte.isDigit(base[digitsEnd]) { digitsEnd += 1 }
        let digits = digitsEnd - digit
        // Up to two letters may follow the digits.
        guard (4...12).contains(digits), wordEnd - digitsEnd <= 2 else { return wordEnd }
        for index in digitsEnd..<wordEnd where !Byte.isLetter(base[index]) { return wordEnd }
        let typed = HL7Fields.identifierType(base, valueEnd: wordEnd, limit: end) == .hospitalNumber
        hospitalNumber(
            base, start: start, end: wordEnd, prefixEnd: digit, floor: floor, typed: typed, context: context,
            lines: &lines,
            tally: &tally)
        return wordEnd
    }

    // MARK: Health numbers

    /// `labelled`: the number names itself an NHS number (an HL7 identifier of type NH), as strongly as a word before it.
    private func healthNumber(
        _ value: UInt64, format: Float, _ base: UnsafePointer<UInt8>, start: Int, end: Int, floor: Int, limit: Int,
        separator: UInt8?, labelled: Bool = false, context: Context, lines: inout LineCounter, tally: inout FileTally
    ) {
        guard Self.leftBoundaryAllows(base, start: start, floor: floor, separator: separator),
            Self.rightBoundaryAllows(base, end: end, limit: limit, separator: separator)
        else { return }
        let stream = context.stream
        var score = format
        if !context.isText {
            if context.role == .healthNumber || context.role == .hospitalNumber { score += Scoring.healthColumn }
            if context.role.excludesHealthNumbers { score += Scoring.otherColumn }
        }
        let valid = HealthNumber.isIssuedOrTest(value)
        guard valid else {
            // An invalid number counts against its stream whatever words are near it (a conservative shortcut that
            // spares the word search for the nine numbers in ten that fail the check).
            tally.sawShapedNumber(stream: stream, valid: false)
            return
        }
        let lineStart = context.isText ? lines.lineStart(before: start, floor: floor) : floor
        let window = max(lineStart, start - Self.lookback)
        var worded = false
        if labelled {
            score += Scoring.healthWord
            worded = true
        } else if let cue = numbers.nearestCue(base, floor: lineStart, start: window, end: start) {
            switch cue.cue {
            case .healthNumber, .patient:
                score += Scoring.healthWord
                worded = true
            case .other:
                score += Scoring.otherWord
                worded = true
            default: break
            }
        }
        // A FHIR identifier whose system, a line away, says NHS number.
        if !worded, context.isText,
            FHIRIdentifier.hasNHSNumberSystem(base, start: start, end: end, floor: floor, limit: limit)
        {
            score += Scoring.healthWord
            worded = true
        }
        // A column is judged as a whole (its header is its word); in free text only numbers with no word beside them
        // are judged by the numbers around them.
        let judgedByStream = !context.isText || !worded
        if judgedByStream { tally.sawShapedNumber(stream: stream, valid: true) }
        tally.addHealthNumber(
            value, score: score, stream: judgedByStream ? stream : nil, position: lines.position(at: start))
    }

    /// The byte before a number does not make it part of something else: `ORD-4505577104`, `+44…`, `£…`, or a
    /// longer run of digit groups (`+44 113 496 0123`).
    private static func leftBoundaryAllows(
        _ base: UnsafePointer<UInt8>, start: Int, floor: Int, separator: UInt8?
    ) -> Bool {
        guard start > floor else { return true }
        let previous = base[start - 1]
        if previous == UInt8(ascii: "+") || previous == UInt8(ascii: "$") || previous == 0xA3 || previous == 0xAC {
            return false
        }
        // `ORD-4505577104`, `v1.4505577104`; not `/` (`/patients/4010232137` is a path; `INV/…` is left to the words).
        let joiners: [UInt8] = [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "\\")]
        if joiners.contains(previous), start - 1 > floor, Byte.isWordByte(base[start - 2]) { return false }
        if let separator, previous == separator, start - 1 > floor, Byte.isDigit(base[start - 2]) { return false }
        return true
    }

    /// The bytes after a number do not continue it: a decimal part, `/1`, `-01`, a letter, or (for grouped numbers)
    /// another digit group.
    private static func rightBoundaryAllows(
        _ base: UnsafePointer<UInt8>, end: Int, limit: Int, separator: UInt8?
    ) -> Bool {
        guard end < limit else { return true }
        let next = base[end]
        if Byte.isWordByte(next) { return false }
        guard end + 1 < limit, Byte.isDigit(base[end + 1]) else { return true }
        if next == UInt8(ascii: ".") || next == UInt8(ascii: "/") || next == UInt8(ascii: "-") { return false }
        if let separator, next == separator {
            // `943 476 5919 12/03/1956` is a number then a date; `113 496 0123 4567` is one longer number.
            var index = end + 1
            while index < limit, Byte.isDigit(base[index]), index - end < 6 { index += 1 }
            return index < limit && (base[index] == UInt8(ascii: "/") || base[index] == UInt8(ascii: "."))
        }
        return true
    }

    // MARK: Dates of birth

    private func dateOfBirth(
        _ date: DateShape, _ base: UnsafePointer<UInt8>, start: Int, floor: Int, end: Int, context: Context,
        lines: inout LineCounter, tally: inout FileTally
    ) {
        guard date.year >= 1900, date.year <= currentYear else { return }
        if !context.isText {
            guard context.role == .dateOfBirth, context.hasNames else { return }
            tally.add(
                .dateOfBirth, key: date.key, score: 0.9, position: lines.position(at: start),
                sample: "**/**/\(date.year)")
        } else {
            guard Self.lastWord(base, before: start, floor: floor, isOneOf: Self.birthLabelEnds) != nil else { return }
            let lineStart = lines.lineStart(before: start, floor: floor)
            guard
                let label = dates.nearestCue(
                    base, floor: lineStart, start: max(lineStart, start - 32), end: start),
                label.cue == .dateOfBirth, label.distance <= 12
            else { return }
            let nameEnd = min(end, date.end + 120)
            guard
                names.nearestCue(
                    base, floor: floor, start: max(floor, start - Self.nameWindow), end: nameEnd) != nil
            else { return }
            tally.add(
                .dateOfBirth, key: date.key, score: 0.8, position: lines.position(at: start),
                sample: "**/**/\(date.year)")
        }
    }

    /// A date of birth that its place alone says is one (an HL7 PID-7, a workbook's CCYYMMDD number under a
    /// date-of-birth header), counted when its year is from 1900 to this year.
    private func birth(_ date: DateShape, at position: ContentPosition, tally: inout FileTally) {
        guard date.year >= 1900, date.year <= currentYear else { return }
        tally.add(.dateOfBirth, key: date.key, score: 0.9, position: position, sample: "**/**/\(date.year)")
    }

    /// A date of birth held as a number under a date-of-birth header: a spreadsheet serial number (days since
    /// 1899-12-30), or CCYYMMDD written as a number (`19560312`).
    func numericDateOfBirth(
        _ number: Double, header: TableHeader?, position: ContentPosition, tally: inout FileTally
    ) {
        guard number.isFinite, number >= 1, number < 100_000_000 else { return }
        // A serial may carry a time of day as its fraction.
        if number < 100_000 { return serialDateOfBirth(Int(number), header: header, position: position, tally: &tally) }
        guard header?.hasNames == true, number == number.rounded(), let date = DateShape.compact(UInt64(number), end: 0)
        else { return }
        birth(date, at: position, tally: &tally)
    }

    /// A date of birth held as a spreadsheet serial number (days since 1899-12-30) under a date-of-birth header.
    func serialDateOfBirth(
        _ serial: Int, header: TableHeader?, position: ContentPosition, tally: inout FileTally
    ) {
        guard header?.hasNames == true, (1...73_000).contains(serial) else { return }
        let (year, month, day) = CivilDate.components(days: serial - 25_569)
        guard year >= 1900, year <= currentYear else { return }
        tally.add(
            .dateOfBirth, key: UInt64(year * 10_000 + month * 100 + day), score: 0.9, position: position,
            sample: "**/**/\(year)")
    }

    // MARK: Postcodes and hospital numbers

    private func recordPostcode(
        _ base: UnsafePointer<UInt8>, _ postcode: (start: Int, end: Int, key: UInt64), context: Context,
        lines: inout LineCounter, tally: inout FileTally
    ) {
        var score: Float = 0.75
        if !context.isText {
            if context.role == .postcode { score = 0.95 } else if context.role == .other { return }
        }
        tally.add(
            .postcode, key: postcode.key, score: score, position: lines.position(at: postcode.start),
            sample: Postcode.masked(base, start: postcode.start, end: postcode.end))
    }

    /// `typed`: the number names itself a medical record number (an HL7 identifier of type MR or PI), which is label
    /// enough in text and in any column.
    private func hospitalNumber(
        _ base: UnsafePointer<UInt8>, start: Int, end: Int, prefixEnd: Int, floor: Int, typed: Bool = false,
        context: Context, lines: inout LineCounter, tally: inout FileTally
    ) {
        var score: Float
        if typed {
            score = 0.85
        } else if !context.isText {
            guard context.role == .hospitalNumber else { return }
            score = 0.9
        } else {
            // The label's last word comes right before the number (`MRN:`, `Hospital No.`, `Patient ID`): a cheap
            // test that spares the vocabulary search for the many numbers with no such word.
            guard let word = Self.lastWord(base, before: start, floor: floor, isOneOf: Self.hospitalLabelEnds) else {
                return
            }
            // `ID` alone is everywhere (`id=…` in logs); only `Patient ID`, `PAS ID`, `Hospital ID` are labels.
            if word.length == 2, Byte.lower(base[word.start]) == UInt8(ascii: "i"),
                Self.lastWord(base, before: word.start, floor: floor, isOneOf: Self.identifierOwners) == nil
            {
                return
            }
            let lineStart = lines.lineStart(before: start, floor: floor)
            guard
                let label = hospitalLabels.nearestCue(
                    base, floor: lineStart, start: max(lineStart, start - 32), end: start),
                label.distance <= 4
            else { return }
            score = 0.8
        }
        var key: UInt64 = 0xCBF2_9CE4_8422_2325
        var masked: [UInt8] = []
        for index in start..<end {
            let byte = Byte.lower(base[index])
            key = (key ^ UInt64(byte)) &* 0x100_0000_01B3
            masked.append(index < prefixEnd || index >= end - 2 ? base[index] : UInt8(ascii: "*"))
        }
        tally.add(
            .hospitalNumber, key: key, score: score, position: lines.position(at: start),
            sample: String(decoding: masked, as: UTF8.self))
    }

    // MARK: Helpers

    /// Last words of hospital-number labels (`MRN`, `Hospital No`, `Unit number`, `Patient ID`).
    static let hospitalLabelEnds: [[UInt8]] = ["mrn", "no", "number", "num", "id", "nos"].map { Array($0.utf8) }
    /// Last words of date-of-birth labels (`DOB`, `D.O.B`, `Date of birth`, `Birth date`, `born`).
    static let birthLabelEnds: [[UInt8]] = ["dob", "b", "birth", "born", "date", "on"].map { Array($0.utf8) }

    /// The word just before `start`, when it (past at most four separators: spaces, `:`, `#`, `=`, `.`, `-`, `(`,
    /// quotes, `>`) is one of `words`, compared without case; a camelCase hump ends a word (`hospitalNumber` → `number`).
    /// Words before `ID` that make it a hospital-number label.
    static let identifierOwners: [[UInt8]] = ["patient", "pas", "hospital"].map { Array($0.utf8) }

    @inline(__always)
    static func lastWord(_ base: UnsafePointer<UInt8>, before start: Int, floor: Int, isOneOf words: [[UInt8]]) -> (
        start: Int, length: Int
    )? {
        var end = start
        while end > floor, start - end < 4 {
            let byte = base[end - 1]
            guard
                byte == 0x20 || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "=")
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == 0x09
                    || byte == UInt8(ascii: "(")
                    || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ">")
            else { break }
            end -= 1
        }
        var begin = end
        while begin > floor, end - begin < 9, Byte.isLetter(base[begin - 1]) {
            begin -= 1
            if Byte.isUpper(base[begin]), begin > floor, Byte.isLower(base[begin - 1]) { break }
        }
        let length = end - begin
        guard length > 0, length <= 8 else { return nil }
        outer: for word in words where word.count == length {
            for offset in 0..<length where Byte.lower(base[begin + offset]) != word[offset] { continue outer }
            return (begin, length)
        }
        return nil
    }

    /// The value of `count` digits at `start`.
    @inline(__always)
    static func number(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in start..<(start + count) { value = value &* 10 &+ UInt64(base[index] &- 0x30) }
        return value
    }

    /// `ddd?ddd?dddd` with the same separator twice, at `start`.
    private static func grouped(_ base: UnsafePointer<UInt8>, _ start: Int, end: Int, separator: UInt8) -> UInt64? {
        guard start + 12 <= end, base[start + 7] == separator else { return nil }
        for offset in [4, 5, 6, 8, 9, 10, 11] where !Byte.isDigit(base[start + offset]) { return nil }
        if start + 12 < end, Byte.isDigit(base[start + 12]) { return nil }
        return number(base, start, 3) * 10_000_000 + number(base, start + 4, 3) * 10_000 + number(base, start + 8, 4)
    }

    /// The index after the letters, digits and non-ASCII bytes from `index`.
    @inline(__always)
    static func skipWord(_ base: UnsafePointer<UInt8>, from index: Int, end: Int) -> Int {
        var cursor = index
        while cursor < end, Byte.isWordByte(base[cursor]) { cursor += 1 }
        return cursor
    }
}

/// Line numbers counted lazily: only as far as the last position asked about. Lines end as ``LineEnds`` says: at a LF,
/// a CRLF or a lone CR.
struct LineCounter {
    private let base: UnsafePointer<UInt8>?
    /// The end of the text: a CR just before it is a line end of its own.
    private let limit: Int
    private var countedTo: Int
    private var line: Int
    private var lastLineStart: Int
    private let fixed: ContentPosition?

    init(base: UnsafePointer<UInt8>, start: Int, end: Int, firstLine: Int) {
        self.base = base
        limit = end
        countedTo = start
        line = firstLine
        lastLineStart = start
        fixed = nil
    }

    init(fixed: ContentPosition) {
        base = nil
        limit = 0
        countedTo = 0
        line = 0
        lastLineStart = 0
        self.fixed = fixed
    }

    /// The position of the byte at `index`.
    mutating func position(at index: Int) -> ContentPosition {
        if let fixed { return fixed }
        advance(to: index)
        return .line(line)
    }

    /// The first byte of the line holding `index` (not before `floor`).
    mutating func lineStart(before index: Int, floor: Int) -> Int {
        guard fixed == nil else { return floor }
        advance(to: index)
        return max(lastLineStart, floor)
    }

    /// The line number at `index` (one past the last line end before it).
    mutating func count(to index: Int) -> Int {
        guard fixed == nil else { return line }
        advance(to: index)
        return line
    }

    private mutating func advance(to index: Int) {
        guard let base, index > countedTo else { return }
        var cursor = countedTo
        while true {
            let hit = SWAR.firstOf(LineEnds.lineFeed, LineEnds.carriageReturn, base, from: cursor, end: index)
            guard hit < index else { break }
            cursor = hit + 1
            // The CR of a CRLF: its LF ends the line (counted when reached, perhaps by a later call).
            if base[hit] == LineEnds.carriageReturn, cursor < limit, base[cursor] == LineEnds.lineFeed { continue }
            line += 1
            lastLineStart = cursor
        }
        countedTo = index
    }
}
