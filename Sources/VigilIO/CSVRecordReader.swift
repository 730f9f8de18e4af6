/// One CSV record: its fields' unescaped bytes, back to back, and where each field ends. A view into a
/// ``CSVRecordReader``'s buffers, valid inside ``CSVRecordReader/withRecord(_:)``.
public struct CSVRecord {
    /// The fields' content, back to back.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// Where each field of ``bytes`` ends.
    public let ends: UnsafeBufferPointer<Int>

    /// A view of `bytes` cut at `ends`.
    @inlinable public init(bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>) {
        self.bytes = bytes
        self.ends = ends
    }

    /// The number of fields.
    @inlinable public var count: Int { ends.count }

    /// The bytes of field `index`.
    @inlinable public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
    }

    /// The text of field `index`, invalid UTF-8 replaced.
    @inlinable public func string(_ index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }

    /// The text of every field, invalid UTF-8 replaced.
    @inlinable public func strings() -> [String] {
        (0..<count).map(string)
    }
}

/// The convenience layer over ``CSVTokenizer`` for readers that keep records: fed one line at a time (by a line reader
/// that removed the line ends), it assembles each record's unescaped fields into one reused buffer and says when a
/// record is complete, with the line it started on.
///
/// Records are bounded: one whose lines (with one byte for each line end) exceed ``maxRecordLength`` is reported as
/// overlong when it ends and its content is not kept. Under ``CSVDialect/Quoting/fieldStart`` a record with bytes after
/// a closing quote is malformed; it ends with the line where that was seen, even inside a quoted field, so one bad
/// quote costs one line, not the rest of the file.
public struct CSVRecordReader {
    /// What a line gave.
    public enum Outcome: Equatable, Sendable {
        /// A complete record (see ``withRecord(_:)``), with the line it started on.
        case record(line: Int)
        /// The line continues a quoted field.
        case pending
        /// A record over the length limit ended here, dropped.
        case overlong(line: Int)
        /// A record with bytes after the closing quote of field `field` (zero-based), dropped.
        case malformed(line: Int, field: Int)
    }

    /// The longest record kept, by default.
    public static let defaultMaxRecordLength = 1 << 20

    /// The syntax read.
    public var dialect: CSVDialect { tokenizer.dialect }
    /// The longest record kept: bytes of its lines plus one for each line end.
    public let maxRecordLength: Int
    /// The line the record being assembled started on.
    public private(set) var startLine = 0
    /// Bytes of the record being assembled: its lines plus one for each line end.
    public private(set) var recordLength = 0

    @usableFromInline var tokenizer: CSVTokenizer
    @usableFromInline var sink = Sink()

    /// A reader of records in `dialect`, keeping records up to `maxRecordLength` bytes.
    public init(dialect: CSVDialect = CSVDialect(), maxRecordLength: Int = CSVRecordReader.defaultMaxRecordLength) {
        tokenizer = CSVTokenizer(dialect: dialect)
        self.maxRecordLength = maxRecordLength
    }

    /// Whether a quoted field is open: at the end of the input, a record that never ended.
    @inlinable public var isOpen: Bool { tokenizer.isInQuotedField }

    /// Forgets the record being assembled.
    public mutating func reset() {
        tokenizer.reset()
        sink.clear()
        recordLength = 0
    }

    /// Adds one line (without its line end), numbered `line`.
    public mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> Outcome {
        if !tokenizer.isInQuotedField {
            startLine = line
            sink.clear()
            recordLength = 0
        }
        let (length, overflow) = recordLength.addingReportingOverflow(bytes.count + 1)
        recordLength = overflow ? .max : length
        if recordLength > maxRecordLength { sink.overlong = true }
        tokenizer.feed(bytes, into: &sink)
        tokenizer.endLine(into: &sink)
        if let field = sink.strayField {
            tokenizer.reset()
            return .malformed(line: startLine, field: field)
        }
        guard sink.complete else { return .pending }
        return sink.overlong ? .overlong(line: startLine) : .record(line: startLine)
    }

    /// Calls `body` with the record the last ``add(_:line:)`` completed.
    @inlinable
    public func withRecord<Result>(_ body: (CSVRecord) throws -> Result) rethrows -> Result {
        try sink.buffer.withUnsafeBufferPointer { bytes in
            try sink.ends.withUnsafeBufferPointer { ends in try body(CSVRecord(bytes: bytes, ends: ends)) }
        }
    }

    /// The text of every field of the record the last ``add(_:line:)`` completed, invalid UTF-8 replaced.
    @inlinable public func fields() -> [String] {
        withRecord { $0.strings() }
    }

    /// The fields of `line` read on its own (a header line): a quote left open runs to the end of the line, and each
    /// field keeps at most `maxFieldLength` bytes.
    public static func fields(
        ofLine line: UnsafeBufferPointer<UInt8>, dialect: CSVDialect, maxFieldLength: Int = 1 << 16
    ) -> [[UInt8]] {
        var tokenizer = CSVTokenizer(dialect: dialect)
        var sink = Sink()
        tokenizer.feed(line, into: &sink)
        tokenizer.closeRecord(into: &sink)
        var fields: [[UInt8]] = []
        fields.reserveCapacity(sink.ends.count)
        var start = 0
        for end in sink.ends {
            fields.append(Array(sink.buffer[start..<min(end, start + maxFieldLength)]))
            start = end
        }
        return fields
    }

    /// The text of the fields of `line` read on its own (see ``fields(ofLine:dialect:maxFieldLength:)``), invalid
    /// UTF-8 replaced.
    public static func strings(ofLine line: some Sequence<UInt8>, dialect: CSVDialect) -> [String] {
        Array(line).withUnsafeBufferPointer { fields(ofLine: $0, dialect: dialect) }.map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// Collects the tokenizer's runs into one buffer.
    @usableFromInline struct Sink: CSVTokenVisitor {
        @usableFromInline var buffer: [UInt8] = []
        @usableFromInline var ends: [Int] = []
        @usableFromInline var overlong = false
        @usableFromInline var complete = false
        @usableFromInline var strayField: Int?

        @inlinable init() {}

        @inlinable mutating func clear() {
            buffer.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            overlong = false
            complete = false
            strayField = nil
        }

        @inlinable mutating func content(_ source: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
            if !overlong { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: source[from..<to])) }
        }

        @inlinable mutating func lineBreakInQuotedField() {
            if !overlong { buffer.append(0x0A) }
        }

        @inlinable mutating func endField() {
            ends.append(buffer.count)
        }

        @inlinable mutating func endRecord() {
            complete = true
        }

        @inlinable mutating func strayAfterClosingQuote() {
            if strayField == nil { strayField = ends.count }
        }
    }
}
