import Foundation
import VigilIO

/// Scans an Office Open XML workbook (`.xlsx`): its shared strings and every worksheet, cell by cell, with each column's
/// header (the first row of the first ten that names a known column) as context. Locations are sheet and cell.
struct WorkbookScanner {
    let detector: IdentifierDetector
    let limits: ArchiveLimits

    /// Scans the workbook at `url` into `tally`; returns the worksheet names (for locations) as reports, the terminal
    /// and the state file may show them: a sheet named after a patient's NHS number (one sheet per patient) has it
    /// masked as a file name would (``PathMasking``), and a hostile name is cut short.
    func scan(_ url: URL, tally: inout FileTally) throws(ArchiveFailure) -> [String] {
        var archive = try BoundedZipArchive(url: url, limits: limits)
        guard !archive.hasPartNamesDifferingOnlyInCase else { throw .partNamesDifferingOnlyInCase }
        let parts = try WorkbookParts(&archive)
        guard !parts.sheets.isEmpty else { throw .broken("a workbook without worksheets") }
        var strings = SharedStrings()
        if archive.contains(parts.sharedStrings) {
            var tokenizer = XMLTokenizer()
            var handler = SharedStringsHandler(limit: limits.maxPartBytes)
            try archive.read(parts.sharedStrings) { tokenizer.feed($0, to: &handler) }
            tokenizer.finish(to: &handler)
            strings = handler.strings
        }
        for (index, sheet) in parts.sheets.enumerated() {
            var tokenizer = XMLTokenizer()
            var handler = SheetHandler(
                detector: detector, strings: strings, sheet: index, tally: tally)
            try archive.read(sheet.part) { tokenizer.feed($0, to: &handler) }
            tokenizer.finish(to: &handler)
            tally = handler.tally
        }
        return parts.sheets.map { Self.shown($0.name) }
    }

    /// A worksheet's name as outputs show it: health-service numbers in it masked, then cut at 40 characters (Excel
    /// allows 31, but a hostile workbook's name could fill a report). Masked first, so a cut never leaves nine digits
    /// of a number that no longer looks like one.
    static func shown(_ name: String) -> String {
        let masked = PathMasking.masked(name)
        return masked.count > 40 ? String(masked.prefix(40)) + "…" : masked
    }
}

/// The shared strings of a workbook, held as one byte array with offsets.
struct SharedStrings: Sendable {
    var bytes: [UInt8] = []
    var starts: [Int] = [0]

    var count: Int { starts.count - 1 }

    func string(_ index: Int) -> Range<Int>? {
        guard index >= 0, index < count else { return nil }
        return starts[index]..<starts[index + 1]
    }
}

/// Collects `<si>` entries of `xl/sharedStrings.xml`: the text of `<t>` elements, without phonetic runs.
struct SharedStringsHandler: XMLEventHandler {
    var strings = SharedStrings()
    let limit: Int
    private var inText = false
    private var inPhonetic = false

    init(limit: Int) {
        self.limit = limit
    }

    mutating func start(name: UnsafeBufferPointer<UInt8>, tag: UnsafeBufferPointer<UInt8>, empty: Bool) {
        if name.equals("t") {
            inText = !empty
        } else if name.equals("rPh") {
            inPhonetic = !empty
        }
    }

    mutating func end(name: UnsafeBufferPointer<UInt8>) {
        if name.equals("t") {
            inText = false
        } else if name.equals("rPh") {
            inPhonetic = false
        } else if name.equals("si") {
            // A separator keeps two strings from running together.
            strings.bytes.append(0x0A)
            strings.starts.append(strings.bytes.count)
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard inText, !inPhonetic, strings.bytes.count + bytes.count <= limit else { return }
        strings.bytes.append(contentsOf: bytes)
    }
}

/// Collects the values of some attributes of every element named `element`.
struct AttributeCollector: XMLEventHandler {
    let element: String
    let attributes: [String]
    var found: [[String?]] = []

    mutating func start(name: UnsafeBufferPointer<UInt8>, tag: UnsafeBufferPointer<UInt8>, empty: Bool) {
        guard String(decoding: name, as: UTF8.self) == element else { return }
        found.append(
            attributes.map { attribute in
                Self.attribute(tag, attribute).map { String(decoding: $0, as: UTF8.self) }
            })
    }

    mutating func end(name: UnsafeBufferPointer<UInt8>) {}
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {}

    private static func attribute(_ tag: UnsafeBufferPointer<UInt8>, _ name: String) -> [UInt8]? {
        switch name {
        case "name": XMLTokenizer.attribute(tag, "name")
        // The relationship id: `r:id` as usual, else under whatever prefix its namespace was given (`d3p1:`).
        case "r:id": XMLTokenizer.attribute(tag, "r:id") ?? XMLTokenizer.prefixedAttribute(tag, localName: "id")
        case "Id": XMLTokenizer.attribute(tag, "Id")
        case "Target": XMLTokenizer.attribute(tag, "Target")
        case "Type": XMLTokenizer.attribute(tag, "Type")
        default: nil
        }
    }
}

/// Reads one worksheet's cells and scans each with its column's header as context.
struct SheetHandler: XMLEventHandler {
    /// Rows searched for a header before the sheet is read without one.
    static let headerSearchRows = 10

    let detector: IdentifierDetector
    let strings: SharedStrings
    let sheet: Int
    var tally: FileTally

    private var header: TableHeader?
    private var rowsSeen = 0
    private var row = 0
    private var nextColumn = 0
    private var column = 0
    private var cellType: UInt8 = 0
    private var inCell = false
    private var inValue = false
    private var value: [UInt8] = []
    /// Cells of the current row, held while the header is still being looked for.
    private var held: [(column: Int, type: UInt8, value: [UInt8])] = []

    init(detector: IdentifierDetector, strings: SharedStrings, sheet: Int, tally: FileTally) {
        self.detector = detector
        self.strings = strings
        self.sheet = sheet
        self.tally = tally
        value.reserveCapacity(256)
    }

    mutating func start(name: UnsafeBufferPointer<UInt8>, tag: UnsafeBufferPointer<UInt8>, empty: Bool) {
        if name.equals("c") {
            column = nextColumn
            if let range = XMLTokenizer.attributeRange(tag, "r") {
                let (referenceColumn, referenceRow) = Self.cellReference(UnsafeBufferPointer(rebasing: tag[range]))
                if let referenceColumn { column = referenceColumn }
                if let referenceRow { row = referenceRow }
            }
            nextColumn = column + 1
            cellType =
                XMLTokenizer.attributeRange(tag, "t").map { Self.typeCode(UnsafeBufferPointer(rebasing: tag[$0])) }
                ?? UInt8(ascii: "n")
            inCell = !empty
            value.removeAll(keepingCapacity: true)
        } else if name.equals("row") {
            // A sheet has at most 1,048,576 rows: a larger or unreadable `r` is ignored, and counting on from the
            // previous row saturates, so `r="9223372036854775807"` followed by a row without `r` cannot overflow.
            row = XMLTokenizer.attribute(tag, "r").flatMap(Self.rowNumber) ?? (row < Self.maxRow ? row + 1 : row)
            nextColumn = 0
            if empty { endRow() }
        } else if inCell, name.equals("v") || name.equals("t") {
            inValue = !empty
        } else if inCell, name.equals("rPh") {
            inValue = false
        }
    }

    mutating func end(name: UnsafeBufferPointer<UInt8>) {
        if name.equals("v") || name.equals("t") {
            inValue = false
        } else if name.equals("c") {
            if inCell { endCell() }
            inCell = false
        } else if name.equals("row") {
            endRow()
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard inValue, value.count + bytes.count <= 1 << 16 else { return }
        value.append(contentsOf: bytes)
    }

    private mutating func endCell() {
        guard !value.isEmpty else { return }
        if header == nil {
            held.append((column, cellType, value))
        } else {
            scan(column: column, type: cellType, value: value)
        }
    }

    private mutating func endRow() {
        guard header == nil else { return }
        rowsSeen += 1
        var texts = [[UInt8]](repeating: [], count: min(16_384, (held.map(\.column).max() ?? -1) + 1))
        for cell in held where cell.column < texts.count { texts[cell.column] = text(of: cell) }
        if let candidate = TableHeader.from(cells: texts) {
            header = candidate
        } else {
            // Not a header: read its cells now, without column context.
            let cells = held
            if rowsSeen >= Self.headerSearchRows { header = TableHeader(roles: []) }
            let keep = header
            header = TableHeader(roles: [])
            for cell in cells { scan(column: cell.column, type: cell.type, value: cell.value) }
            header = keep
        }
        held.removeAll()
    }

    private func text(of cell: (column: Int, type: UInt8, value: [UInt8])) -> [UInt8] {
        guard cell.type == UInt8(ascii: "s") else { return cell.value }
        guard let index = Self.index(cell.value), let range = strings.string(index) else {
            return []
        }
        return Array(strings.bytes[range].dropLast())
    }

    private mutating func scan(column: Int, type: UInt8, value: [UInt8]) {
        let role = header?.role(column) ?? .unknown
        let position = ContentPosition.cell(sheet: sheet, row: row, column: column)
        let stream = sheet * 16_384 + min(column, 16_383)
        if type == UInt8(ascii: "n"), role == .dateOfBirth {
            if let number = Double(String(decoding: value, as: UTF8.self)) {
                detector.numericDateOfBirth(number, header: header, position: position, tally: &tally)
            }
            return
        }
        let header = self.header
        if type == UInt8(ascii: "s") {
            guard let index = Self.index(value), let range = strings.string(index) else {
                return
            }
            strings.bytes.withUnsafeBufferPointer { buffer in
                detector.scanCell(
                    buffer.baseAddress!, start: range.lowerBound, end: range.upperBound - 1, role: role,
                    header: header, stream: stream, position: position, tally: &tally)
            }
            return
        }
        value.withUnsafeBufferPointer { buffer in
            detector.scanCell(
                buffer.baseAddress!, start: 0, end: buffer.count, role: role, header: header, stream: stream,
                position: position, tally: &tally)
        }
    }

    /// `B7` → (1, 7).
    static func cellReference(_ reference: some Collection<UInt8>) -> (Int?, Int?) {
        var column = 0
        var letters = 0
        var row = 0
        var digits = 0
        for byte in reference {
            if Byte.isUpper(byte), digits == 0, letters < 3 {
                column = column * 26 + Int(byte - 0x40)
                letters += 1
            } else if Byte.isDigit(byte), digits < 8 {
                row = row * 10 + Int(byte - 0x30)
                digits += 1
            } else {
                return (nil, nil)
            }
        }
        return (letters > 0 ? column - 1 : nil, digits > 0 ? row : nil)
    }

    /// The most rows a sheet can have (Excel's limit); row numbers beyond it are not believed.
    static let maxRow = 1 << 20

    /// A row's `r` attribute, if it is a number of at most ``maxRow``.
    static func rowNumber(_ value: [UInt8]) -> Int? {
        guard !value.isEmpty, value.count <= 7, value.allSatisfy(Byte.isDigit) else { return nil }
        let number = value.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return (1...maxRow).contains(number) ? number : nil
    }

    /// The cell type attribute as one byte: `s` shared, `i` inline, `n` number, `b` boolean, `e` error, `t` string.
    static func typeCode(_ value: UnsafeBufferPointer<UInt8>) -> UInt8 {
        if value.equals("s") { return UInt8(ascii: "s") }
        if value.equals("inlineStr") { return UInt8(ascii: "i") }
        if value.equals("str") { return UInt8(ascii: "t") }
        if value.equals("b") { return UInt8(ascii: "b") }
        if value.equals("e") { return UInt8(ascii: "e") }
        if value.equals("d") { return UInt8(ascii: "d") }
        return UInt8(ascii: "n")
    }

    /// A shared-string index written as digits.
    static func index(_ value: [UInt8]) -> Int? {
        guard !value.isEmpty, value.count < 10 else { return nil }
        var result = 0
        for byte in value {
            guard Byte.isDigit(byte) else { return nil }
            result = result * 10 + Int(byte - 0x30)
        }
        return result
    }
}
