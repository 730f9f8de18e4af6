import VigilIO

/// What a file's first bytes (and, for archives, its name) say it is.
enum ContentKind: Sendable, Equatable {
    /// Text in an ASCII-compatible encoding (UTF-8, Latin-1, Windows-1252…), read byte for byte.
    case text
    /// Delimited text (CSV, TSV) with the delimiter.
    case delimited(UInt8)
    /// UTF-16 text, transcoded to UTF-8; delimited (CSV, TSV) when `delimiter` is set, judged as for UTF-8.
    case utf16(TextDecoder.Encoding, delimiter: UInt8?)
    /// An Office Open XML workbook (`.xlsx`, `.xlsm`).
    case workbook
    /// An Office Open XML document (`.docx`, `.docm`).
    case document
    /// Not read, and why.
    case skipped(SkipReason)
}

/// Why a file's content was not read.
public enum SkipReason: String, Codable, Sendable, CaseIterable, Comparable {
    case empty
    case binary
    case image
    case pdf
    /// Legacy binary Office formats (`.xls`, `.doc`: OLE2 compound files).
    case legacyOffice = "legacy-office"
    /// Zip and other archives that are not Office Open XML documents, and compressed files.
    case archive

    /// The reason for people.
    public var title: String {
        switch self {
        case .empty: "empty"
        case .binary: "binary"
        case .image: "image"
        case .pdf: "PDF (not read)"
        case .legacyOffice: "legacy Office binary (.xls/.doc, not read)"
        case .archive: "archive or compressed file (not opened)"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

enum ContentSniffer {
    /// Decides from the opening `sample` of a file named `name`.
    static func kind(of sample: UnsafeRawBufferPointer, name: String) -> ContentKind {
        guard sample.count > 0 else { return .skipped(.empty) }
        let bytes = sample.bindMemory(to: UInt8.self)
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && zip(bytes, prefix).allSatisfy(==) }
        let lowerName = name.lowercased()
        let fileExtension = lowerName.split(separator: ".").last.map(String.init) ?? ""
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) {
            switch fileExtension {
            case "xlsx", "xlsm", "xltx", "xltm": return .workbook
            case "docx", "docm", "dotx", "dotm": return .document
            default: return .skipped(.archive)
            }
        }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .skipped(.legacyOffice) }
        if starts(Array("%PDF".utf8)) { return .skipped(.pdf) }
        if starts([0x89, 0x50, 0x4E, 0x47]) || starts([0xFF, 0xD8, 0xFF]) || starts(Array("GIF8".utf8))
            || starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A])
            || starts(Array("BM".utf8))
                && fileExtension == "bmp"
        {
            return .skipped(.image)
        }
        if starts([0x1F, 0x8B]) || starts(Array("BZh".utf8)) || starts([0xFD, 0x37, 0x7A, 0x58, 0x5A])
            || starts([0x37, 0x7A, 0xBC, 0xAF]) || starts(Array("Rar!".utf8))
        {
            return .skipped(.archive)
        }
        let (encoding, _) = TextDecoder.detect(ArraySlice(bytes.prefix(512)))
        if encoding != .utf8 {
            // A UTF-16 patient list (Excel's "Unicode text" export) is a table like its UTF-8 twin: the sample is
            // transcoded and judged by the same rules, so its header gives the columns their roles.
            var decoder = TextDecoder()
            var sample: [UInt8] = []
            decoder.decode(ArraySlice(bytes), into: &sample)
            let delimiter = sample.withUnsafeBufferPointer { delimiterOf($0, fileExtension: fileExtension) }
            return .utf16(encoding, delimiter: delimiter)
        }
        if isBinary(UnsafeBufferPointer(rebasing: bytes.prefix(8_192))) { return .skipped(.binary) }
        // HL7 v2 messages are text, read segment by segment, even when one message per line makes every line hold
        // the same number of `|`.
        if isHL7(bytes) { return .text }
        return delimiterOf(bytes, fileExtension: fileExtension).map(ContentKind.delimited) ?? .text
    }

    /// Whether an opening that is not UTF-16 (recognised before) is binary: one that holds NUL and is either nothing but
    /// NUL (a disk image's zero-filled start), has NUL between its characters (UTF-16 or UTF-32 without a byte-order
    /// mark: a NUL run to every few bytes of text), or has more than one byte in a hundred of the rest a control
    /// character text does not hold. NUL runs alone do not make text binary: a log or list that a crash or a
    /// preallocating writer left with zero fill is still read, its runs separating words as spaces do. Executables,
    /// databases and compressed data hold far more controls.
    static func isBinary(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var nul = 0
        var runs = 0
        var controls = 0
        var previous: UInt8 = 1
        for byte in bytes {
            switch byte {
            case 0:
                nul += 1
                if previous != 0 { runs += 1 }
            // Tab, line feed, vertical tab (MLLP's start byte), form feed, carriage return, DOS end of file, escape.
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1A, 0x1B: break
            case 0x01...0x1F, 0x7F: controls += 1
            default: break
            }
            previous = byte
        }
        // Without NUL the file is text, as before: some exports separate fields with a control (Hive's ^A).
        guard nul > 0 else { return false }
        let text = bytes.count - nul
        return text == 0 || runs * 8 > text || controls * 100 > text
    }

    /// Whether the text opens as HL7 v2 does: a message header or a file or batch header (`MSH|`, `FHS|`, `BHS|`),
    /// perhaps after MLLP's start byte.
    static func isHL7(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = bytes.first == 0x0B ? 1 : 0
        guard bytes.count >= start + 4, bytes[start + 3] == UInt8(ascii: "|") else { return false }
        let name = (bytes[start], bytes[start + 1], bytes[start + 2])
        return name == (0x4D, 0x53, 0x48) || name == (0x46, 0x48, 0x53) || name == (0x42, 0x48, 0x53)
    }

    /// The delimiter of text (UTF-8, or transcoded) if it is a table: by extension (`.tsv`, `.csv`) or by content
    /// for names that do not say otherwise.
    static func delimiterOf(_ bytes: UnsafeBufferPointer<UInt8>, fileExtension: String) -> UInt8? {
        if fileExtension == "tsv" || fileExtension == "tab" { return 0x09 }
        if fileExtension == "csv" { return delimiter(bytes) ?? UInt8(ascii: ",") }
        if let delimiter = delimiter(bytes), fileExtension != "json", fileExtension != "xml",
            fileExtension != "html", fileExtension != "htm", fileExtension != "log"
        {
            return delimiter
        }
        return nil
    }

    /// The delimiter of delimited text: a comma, tab, semicolon or pipe that appears the same number of times (at least
    /// twice) on each of the first lines.
    static func delimiter(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8? {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        while lines.count < 6, let base = bytes.baseAddress,
            let found = LineEnds.first(base, from: start, end: bytes.count)
        {
            lines.append(ArraySlice(bytes[start..<found.contentEnd]))
            start = found.next
        }
        guard lines.count >= 2 else { return nil }
        for candidate in [UInt8(ascii: ","), 0x09, UInt8(ascii: ";"), UInt8(ascii: "|")] {
            let counts = lines.map { line in line.reduce(0) { $1 == candidate ? $0 + 1 : $0 } }
            if let first = counts.first, first >= 2, counts.allSatisfy({ $0 == first }) { return candidate }
        }
        return nil
    }
}
