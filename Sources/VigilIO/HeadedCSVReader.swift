/// The header convenience layer over ``CSVRecordReader``, for the CSV exports people make by hand or with PowerShell:
/// the header is the first line that is not blank and not the `#TYPE` line Windows PowerShell's `Export-Csv` writes
/// first unless told not to; the caller recognises it (and its delimiter) or refuses it; then every record is handed
/// over with the line it started on. What goes wrong is reported as an ``Event`` with its line, never content:
/// overlong lines and records, a file whose header is not recognised (reported once: no row can be read without it),
/// and a quoted field never closed. Rows whose every field is blank (spaces, tabs or other Unicode space separators only) are skipped.
public enum HeadedCSVReader {
    /// What reading found, in file order.
    public enum Event<Header> {
        /// A record, its fields unescaped, starting on `line`.
        case record(Header, fields: [String], line: Int)
        /// A line longer than the line limit, skipped.
        case lineTooLong(line: Int)
        /// The first non-blank line is not a header the caller recognises; nothing more is read.
        case noHeader(line: Int)
        /// A record longer than the record limit, skipped.
        case recordTooLong(line: Int)
        /// A quoted field opened on `line` is never closed before the end of the file.
        case unterminated(line: Int)
    }

    /// Reads the CSV file at `path`: `recognise` is given the header line's bytes and returns the header with its
    /// delimiter, or `nil`; `handle` receives each ``Event``. Throws the ``FileError`` of a file that cannot be read. Quotes are read leniently (``CSVDialect/Quoting/anywhere``).
    public static func read<Header>(
        path: String, maxLineLength: Int = 1 << 20, progress: (@Sendable (Int) -> Void)? = nil,
        recognise: ([UInt8]) -> (header: Header, delimiter: UInt8)?,
        handle: (Event<Header>) -> Void
    ) throws {
        var state = State<Header>.seekingHeader
        try LineReader(path: path, maxLineLength: maxLineLength).forEachLine(progress: progress) { line in
            if line.isOverlong {
                handle(.lineTooLong(line: line.number))
                return
            }
            switch state {
            case .refused:
                return
            case .seekingHeader:
                guard line.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
                if line.bytes.starts(with: "#TYPE".utf8) { return }
                if let found = recognise(Array(line.bytes)) {
                    let dialect = CSVDialect(delimiter: found.delimiter, quoting: .anywhere)
                    state = .reading(found.header, CSVRecordReader(dialect: dialect))
                } else {
                    state = .refused
                    handle(.noHeader(line: line.number))
                }
            case .reading(let header, var records):
                state = .refused  // drops the reader's reference while it is mutated, so it is not copied
                switch records.add(line.bytes, line: line.number) {
                case .pending, .malformed:  // never malformed: quotes are read leniently
                    break
                case .overlong(let start):
                    handle(.recordTooLong(line: start))
                case .record(let start):
                    let fields = records.fields()
                    if !fields.allSatisfy(Self.isBlank) { handle(.record(header, fields: fields, line: start)) }
                }
                state = .reading(header, records)
            }
        }
        if case .reading(_, let records) = state, records.isOpen {
            handle(.unterminated(line: records.startLine))
        }
    }

    private enum State<Header> {
        case seekingHeader
        case reading(Header, CSVRecordReader)
        case refused
    }

    private static func isBlank(_ field: String) -> Bool {
        field.unicodeScalars.allSatisfy {
            $0 == " " || $0 == "\t" || $0.value > 0x7F && $0.properties.generalCategory == .spaceSeparator
        }
    }
}
