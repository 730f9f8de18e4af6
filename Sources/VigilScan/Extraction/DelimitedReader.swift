import Glibc
import VigilIO

/// Reads delimited text (CSV, TSV) a block of whole lines at a time: the header (the first of the first ten lines that
/// names a known column) gives each column a role, and every field holding a digit is scanned with its column's role
/// as context. Quoted fields (RFC 4180, `""` for a quote) may hold delimiters and line ends; ``CSVTokenizer`` reads
/// them in place.
struct DelimitedReader {
    /// Lines searched for a header before the file is read without one.
    static let headerSearchLines = 10

    let delimiter: UInt8
    private var header: TableHeader?
    private var linesSeen = 0
    /// Quoting state across lines (a quoted cell may hold line ends), RFC 4180 quotes.
    private var tokenizer: CSVTokenizer
    /// The column of the cell being read.
    private var column = 0

    init(delimiter: UInt8) {
        self.delimiter = delimiter
        tokenizer = CSVTokenizer(dialect: CSVDialect(delimiter: delimiter, quoting: .fieldStart))
    }

    /// Reads the lines of `base[0..<end]` (the last may lack its line end), the first numbered `firstLine`; returns the
    /// number of line ends read.
    mutating func read(
        _ base: UnsafeMutablePointer<UInt8>, end: Int, firstLine: Int, detector: IdentifierDetector,
        tally: inout FileTally
    ) -> Int {
        var start = 0
        var line = firstLine
        var newlines = 0
        while start < end {
            var lineEnd = end
            var next = end
            if let hit = memchr(base + start, 0x0A, end - start) {
                lineEnd = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                next = lineEnd + 1
                newlines += 1
            }
            var contentEnd = lineEnd
            if contentEnd > start, base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
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
        if header == nil, !tokenizer.isInQuotedField {
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
        // Fast path: nothing to scan and no quote to track.
        if !tokenizer.isInQuotedField, !SWAR.containsDigit(base, from: start, end: end),
            memchr(base + start, Int32(UInt8(ascii: "\"")), end - start) == nil
        {
            return
        }
        withUnsafeMutablePointer(to: &tally) { tally in
            var cells = CellScanner(
                base: base, lineStart: start, column: column, header: header, position: .line(line),
                detector: detector, tally: tally)
            tokenizer.feed(UnsafeBufferPointer(start: base + start, count: end - start), into: &cells)
            tokenizer.endLine(into: &cells)
            column = cells.column
        }
    }

    /// Scans each run of a cell's content that holds a digit, in place, with its column's role as context. A quoted
    /// cell spanning lines, or holding doubled quotes, is scanned a run at a time (each run's position is its line).
    private struct CellScanner: CSVTokenVisitor {
        let base: UnsafeMutablePointer<UInt8>
        let lineStart: Int
        var column: Int
        let header: TableHeader?
        let position: ContentPosition
        let detector: IdentifierDetector
        let tally: UnsafeMutablePointer<FileTally>

        mutating func content(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
            let start = lineStart + from
            let end = lineStart + to
            guard end > start, SWAR.containsDigit(base, from: start, end: end) else { return }
            detector.scanCell(
                base, start: start, end: end, role: header?.role(column) ?? .unknown, header: header,
                stream: min(column, 16_383), position: position, tally: &tally.pointee)
        }

        mutating func lineBreakInQuotedField() {}

        mutating func endField() { column += 1 }

        mutating func endRecord() { column = 0 }

        // Bytes after a closing quote are not part of the cell: skipped, as a spreadsheet would show them.
        mutating func strayAfterClosingQuote() {}
    }

    /// The fields of one line (quotes removed, for headers): quotes are read leniently, and a line on its own.
    private func fields(_ base: UnsafeMutablePointer<UInt8>, start: Int, end: Int) -> [[UInt8]] {
        CSVRecordReader.fields(
            ofLine: UnsafeBufferPointer(start: base + start, count: end - start),
            dialect: CSVDialect(delimiter: delimiter, quoting: .anywhere), maxFieldLength: 256)
    }
}
