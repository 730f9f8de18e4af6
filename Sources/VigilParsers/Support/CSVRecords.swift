/// Assembles RFC 4180 records from lines: a quoted field may hold commas, doubled quotes and line breaks, so a record
/// can span lines. Records are bounded: one longer than ``maxRecordLength`` is dropped and reported.
struct CSVRecords {
    /// The longest record kept.
    static let maxRecordLength = 1 << 20

    let delimiter: UInt8
    private var fields: [String] = []
    private var field: [UInt8] = []
    private var inQuotes = false
    private var length = 0
    private var overlong = false
    /// The line the record being assembled started on.
    private(set) var startLine = 0

    init(delimiter: UInt8 = UInt8(ascii: ",")) {
        self.delimiter = delimiter
    }

    /// What a line gave.
    enum Outcome {
        /// A complete record, with the line it started on.
        case record([String], line: Int)
        /// The line continues a quoted field.
        case pending
        /// A record over the length limit ended here, dropped.
        case overlong(line: Int)
    }

    /// Adds one line (without its line end).
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> Outcome {
        if !inQuotes {
            startLine = line
            fields = []
            field = []
            length = 0
            overlong = false
        } else {
            append(0x0A)
        }
        length += bytes.count + 1
        if length > Self.maxRecordLength { overlong = true }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == delimiter {
                fields.append(String(decoding: field, as: UTF8.self))
                field = []
            } else if byte != 0x0D || index + 1 < bytes.count {
                append(byte)
            }
            index += 1
        }
        if inQuotes { return .pending }
        fields.append(String(decoding: field, as: UTF8.self))
        field = []
        return overlong ? .overlong(line: startLine) : .record(fields, line: startLine)
    }

    /// Whether a quoted field was still open at the end of the input.
    var isOpen: Bool { inQuotes }

    private mutating func append(_ byte: UInt8) {
        if !overlong { field.append(byte) }
    }
}
