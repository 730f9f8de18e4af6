import Foundation
import VigilIO

/// Scans an Office Open XML document (`.docx`): the body, headers and footers. Paragraphs are scanned as lines of text
/// (numbered in order, the location reported as a line), with the end of the paragraphs before them as context for a
/// name beside a date of birth; tables are scanned cell by cell with the first row as their header.
struct DocumentScanner {
    let detector: IdentifierDetector
    let limits: ArchiveLimits

    func scan(_ url: URL, tally: inout FileTally) throws(ArchiveFailure) {
        var archive = try BoundedZipArchive(url: url, limits: limits)
        guard !archive.hasPartNamesDifferingOnlyInCase else { throw .partNamesDifferingOnlyInCase }
        let body = "word/document.xml"
        guard archive.contains(body) else { throw .broken("a document without word/document.xml") }
        // Part names compare without regard to ASCII case (the archive finds `word/document.xml` so too).
        let extras = archive.paths.filter { path in
            let folded = path.lowercased()
            return folded.hasSuffix(".xml") && !folded.contains("/_rels/")
                && (folded.hasPrefix("word/header") || folded.hasPrefix("word/footer")
                    || folded == "word/footnotes.xml" || folded == "word/endnotes.xml")
        }.sorted()
        var handler = ParagraphHandler(detector: detector, tally: tally)
        for part in [body] + extras {
            var tokenizer = XMLTokenizer()
            try archive.read(part) { tokenizer.feed($0, to: &handler) }
            tokenizer.finish(to: &handler)
            handler.endPart()
        }
        tally = handler.tally
    }
}

/// Turns WordprocessingML into paragraphs and table cells and scans them.
struct ParagraphHandler: XMLEventHandler {
    /// Text of earlier paragraphs kept as context.
    static let contextLength = 320
    /// The longest paragraph held; longer ones are scanned in pieces.
    static let maxParagraph = 1 << 20
    /// The most text one table cell holds, and the most cells a row holds (Word allows 63 columns). Beyond them text is
    /// scanned as paragraphs, without the table's header context: a row is held whole until it ends, and one 2.9 MB
    /// file once made a row of 142 MB.
    static let maxCell = 256 << 10
    static let maxCells = 256

    let detector: IdentifierDetector
    var tally: FileTally

    private var paragraph: [UInt8] = []
    private var context: [UInt8] = []
    private var line = 1
    private var inText = false
    private var tableDepth = 0
    private var tableIndex = 0
    private var rowIndex = 0
    private var rowLine = 0
    private var cell: [UInt8] = []
    private var cells: [[UInt8]] = []
    private var header: TableHeader?

    init(detector: IdentifierDetector, tally: FileTally) {
        self.detector = detector
        self.tally = tally
    }

    mutating func start(name: UnsafeBufferPointer<UInt8>, tag: UnsafeBufferPointer<UInt8>, empty: Bool) {
        if name.equals("t") {
            inText = !empty
        } else if name.equals("tab") {
            paragraph.append(0x09)
        } else if name.equals("br") || name.equals("cr") {
            paragraph.append(0x20)
        } else if name.equals("tbl") {
            tableDepth += 1
            if tableDepth == 1 {
                tableIndex += 1
                rowIndex = 0
                header = nil
            }
        } else if name.equals("tr") {
            cells.removeAll()
            rowLine = line
        } else if name.equals("tc") {
            cell.removeAll(keepingCapacity: true)
        }
    }

    mutating func end(name: UnsafeBufferPointer<UInt8>) {
        if name.equals("t") {
            inText = false
        } else if name.equals("p") {
            endParagraph()
        } else if name.equals("tc") {
            if cells.count < Self.maxCells { cells.append(cell) }
        } else if name.equals("tr") {
            endRow()
        } else if name.equals("tbl") {
            tableDepth = max(0, tableDepth - 1)
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard inText else { return }
        paragraph.append(contentsOf: bytes)
        if paragraph.count > Self.maxParagraph { endParagraph() }
    }

    /// A part (body, header, footer) ended: context does not carry into the next.
    mutating func endPart() {
        if !paragraph.isEmpty { endParagraph() }
        context.removeAll()
        tableDepth = 0
    }

    private mutating func endParagraph() {
        defer {
            paragraph.removeAll(keepingCapacity: true)
            line += 1
        }
        if tableDepth > 0, cells.count < Self.maxCells, cell.count + paragraph.count < Self.maxCell {
            if !cell.isEmpty { cell.append(0x20) }
            cell.append(contentsOf: paragraph)
            return
        }
        guard !paragraph.isEmpty else { return }
        // Scan "context \n paragraph", digits only in the paragraph.
        var block = context
        block.append(0x0A)
        let start = block.count
        block.append(contentsOf: paragraph)
        let firstLine = line
        block.withUnsafeBufferPointer { buffer in
            _ = detector.scanText(
                buffer.baseAddress!, start: start, end: buffer.count, firstLine: firstLine, context: 0, tally: &tally)
        }
        context.append(0x0A)
        context.append(contentsOf: paragraph.suffix(Self.contextLength))
        if context.count > Self.contextLength { context.removeFirst(context.count - Self.contextLength) }
    }

    private mutating func endRow() {
        defer { rowIndex += 1 }
        if rowIndex == 0 {
            if let candidate = TableHeader.from(cells: cells) {
                header = candidate
                return
            }
            header = TableHeader(roles: [])
        }
        let stream = 1 << 24 + min(tableIndex, 4_095) * 4_096
        for (column, text) in cells.enumerated() where !text.isEmpty {
            let role = header?.role(column) ?? .unknown
            let header = self.header
            let line = rowLine
            text.withUnsafeBufferPointer { buffer in
                detector.scanCell(
                    buffer.baseAddress!, start: 0, end: buffer.count, role: role, header: header,
                    stream: stream + min(column, 4_095), position: .line(line), tally: &tally)
            }
        }
    }
}
