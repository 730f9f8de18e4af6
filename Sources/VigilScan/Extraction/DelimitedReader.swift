import VigilIO

/// Reads delimited text (CSV, TSV) a block of whole lines at a time: the header (the first of the first ten lines that
/// names a known column) gives each column a role, and every field holding a digit is scanned with its column's role
/// as context. Quoted fields (RFC 4180, `""` for a quote) may hold delimiters and line ends.
///
/// The header is split by VigilIO's ``CSVRecordReader``; the data lines keep their own loop for now. Reading them
/// through ``CSVTokenizer`` gave the same results but cost about half again on CSV-heavy shares (a 143 MiB export:
/// 0.77 s → 1.14 s on one core), so that move waits until the tokenizer's per-field overhead matches `memchr`.
struct DelimitedReader {
    /// Lines searched for a header before the file is read without one.
    static let headerSearchLines = 10

    let delimiter: UInt8
    private var header: TableHeader?
    private var linesSeen = 0
    /// Inside a quoted field that continues on the next line, and its column.
    private var inQuotes = false
    private var column = 0

    init(delimiter: UInt8) {
        self.delimiter = delimiter
    }

    /// Reads the lines of `base[0..<end]` (the last may lack its line end; lines end as ``LineEnds`` says), the first
    /// numbered `firstLine`; returns the number of line ends read.
    mutating func read(
        _ base: UnsafeMutablePointer<UInt8>, end: Int, firstLine: Int, detector: IdentifierDetector,
        tally: inout FileTally
    ) -> Int {
        var start = 0
        var line = firstLine
        var newlines = 0
        while start < end {
            var contentEnd = end
            var next = end
            if let found = LineEnds.first(base, from: start, end: end) {
                contentEnd = found.contentEnd
                next = found.next
                newlines += 1
            }
            readLine(base, start: start, end: contentEnd, line: line, detector: detector, tally: &tally)
            line += 1
            start = next
        }
        return newlines
    }

    private mutating func readLine(
        _ base: UnsafeMutablePointer<UInt8>, start: Int, end: Int, line: Int, detector: IdentifierDetector,
        tally: inout FileTally
    ) {
        if header == nil, !inQuotes {
            linesSeen += 1
            if let candidate = TableHeader.from(cells: fields(base, start: start, end: end)) {
                header = candidate
                return
            }
            if linesSeen >= Self.headerSearchLines { header = TableHeader(roles: []) }
            // A line before any header (a title, or data without one): free text.
            detector.scanText(base, start: start, end: end, firstLine: line, tally: &tally)
            return
        }
        let quote = UInt8(ascii: "\"")
        // Fast path: nothing to scan and no quote to track.
        if !inQuotes, !SWAR.containsDigit(base, from: start, end: end),
            ByteSearch.firstIndex(of: quote, in: base + start, count: end - start) == nil
        {
            return
        }
        var index = start
        var column = inQuotes ? self.column : 0
        let position = ContentPosition.line(line)
        while index <= end {
            if inQuotes {
                // The rest of a quoted field: up to a closing quote (a doubled quote is a literal one).
                var segmentStart = index
                var closed = false
                while index < end {
                    guard let hit = ByteSearch.firstIndex(of: quote, in: base + index, count: end - index) else {
                        index = end
                        break
                    }
                    let at = index + hit
                    if at + 1 < end, base[at + 1] == quote {
                        scan(base, segmentStart, at, column: column, position: position, detector, &tally)
                        index = at + 2
                        segmentStart = index
                        continue
                    }
                    scan(base, segmentStart, at, column: column, position: position, detector, &tally)
                    segmentStart = at
                    index = at + 1
                    closed = true
                    break
                }
                if !closed {
                    scan(base, segmentStart, end, column: column, position: position, detector, &tally)
                    self.column = column
                    return
                }
                inQuotes = false
                // Skip anything between the closing quote and the delimiter.
                guard let hit = ByteSearch.firstIndex(of: delimiter, in: base + index, count: end - index) else {
                    return
                }
                index += hit + 1
                column += 1
                continue
            }
            if index < end, base[index] == quote {
                inQuotes = true
                index += 1
                continue
            }
            var fieldEnd = end
            if index < end, let hit = ByteSearch.firstIndex(of: delimiter, in: base + index, count: end - index) {
                fieldEnd = index + hit
            }
            scan(base, index, fieldEnd, column: column, position: position, detector, &tally)
            if fieldEnd >= end { return }
            column += 1
            index = fieldEnd + 1
        }
    }

    private func scan(
        _ base: UnsafeMutablePointer<UInt8>, _ start: Int, _ end: Int, column: Int, position: ContentPosition,
        _ detector: IdentifierDetector, _ tally: inout FileTally
    ) {
        guard end > start, SWAR.containsDigit(base, from: start, end: end) else { return }
        detector.scanCell(
            base, start: start, end: end, role: header?.role(column) ?? .unknown, header: header,
            stream: min(column, 16_383), position: position, tally: &tally)
    }

    /// The fields of one line (quotes removed, for headers): split by the shared tokenizer, quotes read leniently,
    /// the line on its own.
    private func fields(_ base: UnsafeMutablePointer<UInt8>, start: Int, end: Int) -> [[UInt8]] {
        CSVRecordReader.fields(
            ofLine: UnsafeBufferPointer(start: base + start, count: end - start),
            dialect: CSVDialect(delimiter: delimiter, quoting: .anywhere), maxFieldLength: 256)
    }
}
