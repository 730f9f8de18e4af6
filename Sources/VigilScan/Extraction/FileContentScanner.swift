import Foundation
import VigilIO

/// What scanning one file's content gave.
struct FileOutcome: Sendable {
    enum Status: Sendable, Equatable {
        /// Read as `format` (`text`, `csv`, `xlsx`…).
        case read(String)
        case skipped(SkipReason)
        case failed(code: String, message: String)
    }

    var status: Status
    var findings: FileFindings?
    /// Size and modification time when opened (nanoseconds since 1970).
    var size: Int
    var modified: Int64
    /// XXH64 of the content, keyed with the state's key; `nil` when not read.
    var hash: UInt64?
    /// Bytes read from disk.
    var bytesRead: Int
    /// The file's size or modification time changed while it was read: the result may be of a mix of versions.
    var changed = false
}

/// Scans the content of one file at a time, with buffers reused from file to file. One per worker: not thread-safe.
final class FileContentScanner {
    /// Bytes read per system call.
    static let chunk = 1 << 20
    /// The longest stretch without a line end scanned as one line; longer lines are cut into windows this long.
    static let maxLine = 1 << 20
    /// How much of a file decides its kind.
    static let sniffLength = 8_192

    let detector: IdentifierDetector
    let limits: ArchiveLimits
    let hashSeed: UInt64
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity = chunk + maxLine

    init(detector: IdentifierDetector, limits: ArchiveLimits, hashSeed: UInt64) {
        self.detector = detector
        self.limits = limits
        self.hashSeed = hashSeed
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// Scans the file at `path` (a regular file when it was listed) whose name is `name`.
    func scan(path: String, name: String, recorder: (@Sendable (Detection) -> Void)? = nil) -> FileOutcome {
        let file: RawFile
        let status: FileStatus
        do {
            file = try RawFile(untrusted: RawName.bytes(path), shownAs: name)
        } catch {
            return Self.failure(error, size: 0, modified: 0)
        }
        defer { file.close() }
        do {
            status = try file.status()
        } catch {
            return Self.failure(error, size: 0, modified: 0)
        }
        let size = status.size
        let modified = status.modified
        guard status.kind == .regular else {
            return FileOutcome(
                status: .failed(code: "scan.not-a-file", message: "no longer a regular file; not read"), size: size,
                modified: modified, bytesRead: 0)
        }
        file.adviseSequential()
        let opening: Int
        let sniffed: Int
        do {
            (opening, sniffed) = try sniff(file, size: size)
        } catch {
            return Self.failure(error, size: size, modified: modified)
        }
        let kind = ContentSniffer.kind(of: UnsafeRawBufferPointer(start: buffer, count: sniffed), name: name)
        var tally = FileTally(recorder: recorder)
        var outcome = FileOutcome(status: .read("text"), size: size, modified: modified, bytesRead: 0)
        var sheets: [String] = []
        do throws(ScanFailure) {
            switch kind {
            case .skipped(let reason):
                return FileOutcome(
                    status: .skipped(reason), size: size, modified: modified, bytesRead: opening + sniffed)
            case .text:
                outcome.status = .read(Self.textFormat(name))
                try readText(file, kind: kind, fill: opening, outcome: &outcome, tally: &tally)
            case .delimited(let delimiter):
                outcome.status = .read(delimiter == 0x09 ? "tsv" : "csv")
                try readText(file, kind: kind, fill: opening, outcome: &outcome, tally: &tally)
            case .utf16(_, let delimiter):
                // After an odd fill the characters' bytes are out of step: as before the fill was skipped, binary.
                if opening % 2 == 1 {
                    return FileOutcome(
                        status: .skipped(.binary), size: size, modified: modified, bytesRead: opening + sniffed)
                }
                let format = delimiter.map { $0 == 0x09 ? "tsv" : "csv" } ?? Self.textFormat(name)
                outcome.status = .read(format + " (UTF-16)")
                try readText(file, kind: kind, fill: opening, outcome: &outcome, tally: &tally)
            case .workbook, .document:
                outcome.status = .read(kind == .workbook ? "xlsx" : "docx")
                try hashWhole(file, outcome: &outcome)
                // The very file already open, so that one swapped for a link meanwhile is not followed.
                let url = URL(fileURLWithPath: file.reopenablePath ?? path)
                do throws(ArchiveFailure) {
                    if kind == .workbook {
                        sheets = try WorkbookScanner(detector: detector, limits: limits).scan(url, tally: &tally)
                    } else {
                        try DocumentScanner(detector: detector, limits: limits).scan(url, tally: &tally)
                    }
                } catch {
                    throw ScanFailure(code: error.code.description, message: error.message)
                }
            }
        } catch {
            outcome.status = .failed(code: error.code, message: error.message)
            outcome.hash = nil
            return outcome
        }
        tally.finish()
        outcome.findings = tally.summary(sheets: sheets)
        if let after = try? file.status() {
            outcome.changed = after.size != size || after.modified != modified
        }
        return outcome
    }

    /// The most zero fill before a file's text that is passed over to judge its kind by the text (as for exports).
    static let maxLeadingFill = 8 << 20
    /// The least: a file system's zero fill is blocks long.
    static let minimumFill = 64

    /// Reads the window that decides the file's kind into the buffer: its opening, or, when that opens with NUL (a log
    /// zero-filled at its start, as `copytruncate` leaves one its writer held open), the first ``sniffLength`` bytes
    /// after the fill, up to ``maxLeadingFill`` in. Returns where the window starts (the length of the fill) and its
    /// length.
    private func sniff(_ file: RawFile, size: Int) throws(FileError) -> (opening: Int, count: Int) {
        let window = UnsafeMutableRawBufferPointer(start: buffer, count: Self.sniffLength)
        let first = try file.read(into: window, at: 0)
        var fill = window.prefix(first).prefix { $0 == 0 }.count
        if fill == first, first == Self.sniffLength, first < size {
            fill = try leadingFill(file, size: size)
        }
        // A few NULs open UTF-16 and UTF-32 big-endian text without a byte-order mark, not fill; a file of nothing but
        // NUL (up to the limit) is judged by its opening.
        guard fill >= Self.minimumFill, fill < min(size, Self.maxLeadingFill) else {
            return (0, fill > Self.sniffLength ? try file.read(into: window, at: 0) : first)
        }
        return (fill, try file.read(into: window, at: fill))
    }

    /// The length of the NUL run at the start of a file whose first ``sniffLength`` bytes are NUL, read a chunk at a
    /// time, at most ``maxLeadingFill``.
    private func leadingFill(_ file: RawFile, size: Int) throws(FileError) -> Int {
        var offset = 0
        while offset < min(size, Self.maxLeadingFill) {
            let chunk = UnsafeMutableRawBufferPointer(start: buffer, count: Self.chunk)
            let count = try file.read(into: chunk, at: offset)
            if let text = chunk.prefix(count).firstIndex(where: { $0 != 0 }) { return offset + text }
            offset += count
            if count < Self.chunk { break }
        }
        return offset
    }

    // MARK: Text

    /// Streams a text file in chunks of whole lines through the detector (or the delimited-text reader), hashing the
    /// raw bytes on the way. Lines longer than ``maxLine`` are cut into windows at a non-word byte. The first `fill`
    /// bytes, zero fill before the text, are hashed but not scanned, so that a table's header is its first line.
    private func readText(
        _ file: RawFile, kind: ContentKind, fill: Int, outcome: inout FileOutcome, tally: inout FileTally
    ) throws(ScanFailure) {
        var fill = fill
        var hasher = XXHash64(seed: hashSeed)
        var line = 1
        var table: DelimitedReader?
        if case .delimited(let delimiter) = kind { table = DelimitedReader(delimiter: delimiter) }
        var decoder: TextDecoder?
        var raw: [UInt8] = []
        var transcoded: [UInt8] = []
        if case .utf16(_, let delimiter) = kind {
            decoder = TextDecoder()
            raw = [UInt8](repeating: 0, count: Self.chunk / 2)
            if let delimiter { table = DelimitedReader(delimiter: delimiter) }
        }
        var carried = 0
        var offset = 0
        while true {
            var count: Int
            if decoder != nil {
                // Decode a raw chunk into UTF-8, then append it after what was carried.
                count = try Self.read(file, into: &raw, at: offset)
                raw.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                transcoded.removeAll(keepingCapacity: true)
                // The fill before the text is hashed, not decoded: the decoder meets the byte-order mark first.
                let skipped = min(fill, count)
                fill -= skipped
                if count > 0 {
                    decoder!.decode(raw[skipped..<count], into: &transcoded)
                } else {
                    decoder!.finish(into: &transcoded)
                }
                let room = capacity - carried
                let take = min(room, transcoded.count)
                transcoded.withUnsafeBufferPointer { (buffer + carried).update(from: $0.baseAddress!, count: take) }
                if take < transcoded.count {
                    throw ScanFailure(code: "scan.read-failed", message: "UTF-16 text could not be buffered")
                }
                offset += count
                outcome.bytesRead += count
                let total = carried + take
                if count == 0 {
                    process(total, final: true, line: &line, table: &table, tally: &tally)
                    break
                }
                carried = consume(total, line: &line, table: &table, tally: &tally)
                continue
            }
            count = try Self.read(
                file, into: UnsafeMutableRawBufferPointer(start: buffer + carried, count: Self.chunk), at: offset)
            hasher.update(UnsafeRawBufferPointer(start: buffer + carried, count: count))
            offset += count
            outcome.bytesRead += count
            if count == 0 {
                process(carried, final: true, line: &line, table: &table, tally: &tally)
                break
            }
            if fill > 0 {
                // Nothing is carried yet: the fill is at the front of what was read.
                let dropped = min(fill, count)
                fill -= dropped
                count -= dropped
                if count > 0 { buffer.update(from: buffer + dropped, count: count) }
            }
            carried = consume(carried + count, line: &line, table: &table, tally: &tally)
        }
        outcome.hash = hasher.finalize()
    }

    /// Scans the whole lines in `buffer[0..<total]` and moves the rest to the front; returns its length.
    private func consume(_ total: Int, line: inout Int, table: inout DelimitedReader?, tally: inout FileTally) -> Int {
        var end = 0
        if let afterLine = LineEnds.afterLastWholeLine(buffer, count: total) {
            end = afterLine
        } else if total >= Self.maxLine {
            // An enormous line: cut it at a byte that cannot be inside an identifier (never after a last-byte CR, which
            // may begin a CRLF).
            let stop = buffer[total - 1] == LineEnds.carriageReturn ? total - 1 : total
            end = stop
            var cursor = stop - 1
            while cursor > stop - 256 {
                let byte = buffer[cursor]
                if !Byte.isAlphanumeric(byte), byte != 0x20, byte != UInt8(ascii: "-"), byte != UInt8(ascii: "/"),
                    byte != UInt8(ascii: ".")
                {
                    end = cursor + 1
                    break
                }
                cursor -= 1
            }
        }
        guard end > 0 else { return total }
        process(end, final: false, line: &line, table: &table, tally: &tally)
        let rest = total - end
        if rest > 0 { buffer.update(from: buffer + end, count: rest) }
        return rest
    }

    private func process(
        _ end: Int, final: Bool, line: inout Int, table: inout DelimitedReader?, tally: inout FileTally
    ) {
        guard end > 0 else { return }
        if table != nil {
            line += table!.read(buffer, end: end, firstLine: line, detector: detector, tally: &tally)
        } else {
            line += detector.scanText(buffer, start: 0, end: end, firstLine: line, tally: &tally)
        }
    }

    /// Hashes the whole file (archives are read by the zip reader, not here).
    private func hashWhole(_ file: RawFile, outcome: inout FileOutcome) throws(ScanFailure) {
        var hasher = XXHash64(seed: hashSeed)
        var offset = 0
        while true {
            let count = try Self.read(
                file, into: UnsafeMutableRawBufferPointer(start: buffer, count: capacity), at: offset)
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(start: buffer, count: count))
            offset += count
            outcome.bytesRead += count
        }
        outcome.hash = hasher.finalize()
    }

    /// Reads up to `buffer.count` bytes at `offset`; the count read, 0 at the end.
    private static func read(_ file: RawFile, into buffer: UnsafeMutableRawBufferPointer, at offset: Int)
        throws(ScanFailure) -> Int
    {
        do {
            return try file.read(into: buffer, at: offset)
        } catch {
            throw ScanFailure(error)
        }
    }

    private static func read(_ file: RawFile, into bytes: inout [UInt8], at offset: Int) throws(ScanFailure) -> Int {
        let result = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(ScanFailure) in try read(file, into: buffer, at: offset) }
        }
        return try result.get()
    }

    private static func textFormat(_ name: String) -> String {
        let lower = name.lowercased()
        for (suffix, format) in [
            (".json", "json"), (".xml", "xml"), (".html", "html"), (".htm", "html"), (".log", "log"),
            (".txt", "text"), (".csv", "csv"), (".tsv", "tsv"),
        ] where lower.hasSuffix(suffix) {
            return format
        }
        return "text"
    }

    private static func failure(_ error: FileError, size: Int, modified: Int64) -> FileOutcome {
        let failure = ScanFailure(error)
        return FileOutcome(
            status: .failed(code: failure.code, message: failure.message), size: size, modified: modified, bytesRead: 0)
    }
}

/// Why a file could not be read, without its content.
struct ScanFailure: Error, Sendable {
    var code: String
    var message: String

    init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// Why the file layer could not open or read it.
    init(_ error: FileError) {
        if error.isPermissionDenied {
            self.init(code: "scan.permission-denied", message: "permission denied")
        } else if error.isMissing {
            self.init(code: "scan.vanished", message: "the file disappeared during the scan")
        } else if error.isRefusedLink {
            self.init(code: "scan.symlink", message: "replaced by a symbolic link during the scan; not followed")
        } else {
            self.init(code: "scan.read-failed", message: "reading failed: \(error.reason ?? "unknown error")")
        }
    }
}
