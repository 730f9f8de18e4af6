/// The syntax of one delimited-text file: its delimiter and where a quote may open a quoted field.
public struct CSVDialect: Sendable, Equatable {
    /// Where a double quote starts quoting.
    public enum Quoting: Sendable, Equatable {
        /// RFC 4180: only as the first byte of a field; elsewhere a quote is an ordinary byte. Bytes between a closing
        /// quote and the next delimiter are stray: they are not content, and the visitor is told (one reader calls the
        /// record malformed, the scanner skips them).
        case fieldStart
        /// Spreadsheet-lenient: a quote opens or closes quoting wherever it appears, so `ab"c,d"e` is one field
        /// `abc,de`. The systeminfo, Get-Acl, Get-HotFix, KEV and host-inventory exports are read this way.
        case anywhere
    }

    /// The field delimiter (`,` for CSV, a tab for TSV, `;` for spreadsheets in European locales).
    public var delimiter: UInt8
    /// Where a quote may open a quoted field.
    public var quoting: Quoting

    /// A dialect; comma-separated, RFC 4180 quoting unless told otherwise.
    public init(delimiter: UInt8 = UInt8(ascii: ","), quoting: Quoting = .fieldStart) {
        self.delimiter = delimiter
        self.quoting = quoting
    }
}

/// What a ``CSVTokenizer`` tells as it reads: runs of field content, ends of fields and records.
///
/// Content arrives as index ranges into the buffer being fed, so a visitor that only looks (the patient-data scanner)
/// copies nothing; one that keeps records (``CSVRecordReader``) copies the runs. A field may arrive in several runs: one
/// per line of a quoted field, and a doubled quote `""` arrives as a one-byte run holding the second quote, so the
/// runs of a field joined are exactly its unescaped content.
public protocol CSVTokenVisitor {
    /// `buffer[from..<to]` is the next run of the current field's content (never empty).
    mutating func content(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int)
    /// A line ended inside a quoted field: the field holds a line feed here and continues on the next line.
    mutating func lineBreakInQuotedField()
    /// The current field ended (at a delimiter or at the end of its record).
    mutating func endField()
    /// The record ended (after its last ``endField()``).
    mutating func endRecord()
    /// Bytes stood between a closing quote and the next delimiter (``CSVDialect/Quoting/fieldStart`` only); they were
    /// not delivered as content.
    mutating func strayAfterClosingQuote()
}

/// One resumable, zero-copy tokenizer for CSV and TSV (RFC 4180 and the quirks of real exports), shared by every
/// reader and by the patient-data scanner, so quoting is decided in one place.
///
/// Input may be fed in pieces split anywhere, even inside a CRLF or a doubled quote: the tokenizer keeps the few bytes
/// of state that need (an open quoted field, a quote or CR whose meaning the next byte decides) and the records are the
/// same for every split. Lines end at LF; a CR directly before a line end belongs to it. Readers fed by a line reader
/// (which removes line ends) call ``endLine(into:)`` after each line instead. The tokenizer keeps no content, so it
/// bounds nothing; ``CSVRecordReader`` bounds the records it keeps.
///
/// Every method is `@inlinable`: the tokenizer runs in the innermost loops of readers in other targets.
public struct CSVTokenizer {
    /// The syntax read.
    public let dialect: CSVDialect

    @usableFromInline enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted, afterClosingQuote
    }

    @usableFromInline var state = State.fieldStart
    /// The previous piece ended in a CR whose meaning (line end or content) the next byte decides.
    @usableFromInline var crPending = false
    /// Bytes of the record fed since it started (so a final line without a line end still makes a record).
    @usableFromInline var recordStarted = false
    /// Stray bytes seen after the current field's closing quote.
    @usableFromInline var strayCount = 0

    /// A tokenizer at the start of its input.
    public init(dialect: CSVDialect = CSVDialect()) {
        self.dialect = dialect
    }

    /// Whether a quoted field is open: the record continues on the next line.
    @inlinable public var isInQuotedField: Bool { state == .quoted || state == .quoteInQuoted }

    /// Forgets the record being read, ready for the next.
    @inlinable public mutating func reset() {
        state = .fieldStart
        crPending = false
        recordStarted = false
        strayCount = 0
    }

    /// Reads `buffer`, the next piece of the input; LF bytes in it end lines.
    @inlinable
    public mutating func feed<Visitor: CSVTokenVisitor>(
        _ buffer: UnsafeBufferPointer<UInt8>, into visitor: inout Visitor
    ) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let count = buffer.count
        let quote = UInt8(ascii: "\"")
        let lineFeed: UInt8 = 0x0A
        let carriageReturn: UInt8 = 0x0D
        let delimiter = dialect.delimiter
        var index = 0
        if crPending {
            crPending = false
            if base[0] != lineFeed { replayCarriageReturn(into: &visitor) }
        }
        recordStarted = true
        while index < count {
            switch state {
            case .fieldStart:
                if base[index] == quote {
                    state = .quoted
                    index += 1
                } else {
                    state = .unquoted
                }
            case .unquoted:
                let stop =
                    dialect.quoting == .anywhere
                    ? Self.firstOf(delimiter, lineFeed, quote, base, from: index, end: count)
                    : SWAR.firstOf(delimiter, lineFeed, base, from: index, end: count)
                if stop == count {
                    let end = withholdingCarriageReturn(base, from: index, end: count)
                    if end > index { visitor.content(buffer, from: index, to: end) }
                    index = count
                } else if base[stop] == lineFeed {
                    let end = stop > index && base[stop - 1] == carriageReturn ? stop - 1 : stop
                    if end > index { visitor.content(buffer, from: index, to: end) }
                    endRecord(into: &visitor)
                    index = stop + 1
                    if index < count { recordStarted = true }
                } else if base[stop] == delimiter {
                    if stop > index { visitor.content(buffer, from: index, to: stop) }
                    visitor.endField()
                    state = .fieldStart
                    index = stop + 1
                } else {
                    if stop > index { visitor.content(buffer, from: index, to: stop) }
                    state = .quoted
                    index = stop + 1
                }
            case .quoted:
                let stop = SWAR.firstOf(quote, lineFeed, base, from: index, end: count)
                if stop == count {
                    let end = withholdingCarriageReturn(base, from: index, end: count)
                    if end > index { visitor.content(buffer, from: index, to: end) }
                    index = count
                } else if base[stop] == lineFeed {
                    let end = stop > index && base[stop - 1] == carriageReturn ? stop - 1 : stop
                    if end > index { visitor.content(buffer, from: index, to: end) }
                    visitor.lineBreakInQuotedField()
                    index = stop + 1
                } else {
                    if stop > index { visitor.content(buffer, from: index, to: stop) }
                    state = .quoteInQuoted
                    index = stop + 1
                }
            case .quoteInQuoted:
                let byte = base[index]
                if byte == quote {
                    // A doubled quote: the second is the literal quote.
                    visitor.content(buffer, from: index, to: index + 1)
                    state = .quoted
                    index += 1
                } else if byte == delimiter {
                    // The common case, a delimiter right after the closing quote: no stray bytes to count.
                    visitor.endField()
                    state = .fieldStart
                    index += 1
                } else {
                    state = dialect.quoting == .anywhere ? .unquoted : .afterClosingQuote
                }
            case .afterClosingQuote:
                let stop = SWAR.firstOf(delimiter, lineFeed, base, from: index, end: count)
                if stop == count {
                    let end = withholdingCarriageReturn(base, from: index, end: count)
                    strayCount += end - index
                    index = count
                } else if base[stop] == lineFeed {
                    let end = stop > index && base[stop - 1] == carriageReturn ? stop - 1 : stop
                    strayCount += end - index
                    endRecord(into: &visitor)
                    index = stop + 1
                    if index < count { recordStarted = true }
                } else {
                    strayCount += stop - index
                    endField(into: &visitor)
                    index = stop + 1
                }
            }
        }
    }

    /// Ends a line whose line end the caller already removed (input from a line reader).
    @inlinable
    public mutating func endLine<Visitor: CSVTokenVisitor>(into visitor: inout Visitor) {
        crPending = false
        switch state {
        case .quoted:
            visitor.lineBreakInQuotedField()
            recordStarted = true
        default:
            endRecord(into: &visitor)
        }
    }

    /// Ends the input: a last record without a line end is delivered. Returns `false` when a quoted field was still
    /// open (that record is not delivered).
    @inlinable
    public mutating func finish<Visitor: CSVTokenVisitor>(into visitor: inout Visitor) -> Bool {
        crPending = false
        if state == .quoted { return false }
        if recordStarted { endRecord(into: &visitor) }
        return true
    }

    /// Ends the record being read wherever it stands, an open quoted field included: for a line read on its own (a
    /// header), where a quote left open must not swallow what follows.
    @inlinable
    public mutating func closeRecord<Visitor: CSVTokenVisitor>(into visitor: inout Visitor) {
        crPending = false
        endRecord(into: &visitor)
    }

    @inlinable
    mutating func endField<Visitor: CSVTokenVisitor>(into visitor: inout Visitor) {
        if strayCount > 0 {
            visitor.strayAfterClosingQuote()
            strayCount = 0
        }
        visitor.endField()
        state = .fieldStart
    }

    @inlinable
    mutating func endRecord<Visitor: CSVTokenVisitor>(into visitor: inout Visitor) {
        endField(into: &visitor)
        visitor.endRecord()
        recordStarted = false
    }

    /// Delivers a CR withheld at the end of the previous piece that turned out not to end a line.
    @inlinable
    mutating func replayCarriageReturn<Visitor: CSVTokenVisitor>(into visitor: inout Visitor) {
        switch state {
        case .afterClosingQuote:
            strayCount += 1
        case .quoteInQuoted:
            // The quote closed the field; the CR follows it.
            if dialect.quoting == .fieldStart {
                state = .afterClosingQuote
                strayCount += 1
            } else {
                state = .unquoted
                Self.carriageReturn.withUnsafeBufferPointer { visitor.content($0, from: 0, to: 1) }
            }
        case .fieldStart:
            state = .unquoted
            Self.carriageReturn.withUnsafeBufferPointer { visitor.content($0, from: 0, to: 1) }
        case .unquoted, .quoted:
            Self.carriageReturn.withUnsafeBufferPointer { visitor.content($0, from: 0, to: 1) }
        }
    }

    /// The end of a run that reaches the end of the piece: one byte short, remembered, when that byte is a CR (it may
    /// begin a CRLF split across pieces).
    @inlinable
    mutating func withholdingCarriageReturn(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        guard end > from, base[end - 1] == 0x0D else { return end }
        crPending = true
        return end - 1
    }

    @usableFromInline static let carriageReturn: [UInt8] = [0x0D]

    /// The index of the first `a`, `b` or `c` in `base[from..<end]`, or `end`.
    @inlinable @inline(__always)
    static func firstOf(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var index = from
        let raw = UnsafeRawPointer(base)
        while index + 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let mask = SWAR.equalMask(word, a) | SWAR.equalMask(word, b) | SWAR.equalMask(word, c)
            if mask != 0 { return index + mask.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < end {
            let byte = base[index]
            if byte == a || byte == b || byte == c { return index }
            index += 1
        }
        return end
    }
}
