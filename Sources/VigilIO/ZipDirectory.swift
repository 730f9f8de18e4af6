/// One file entry of a zip's central directory, as ``ZipDirectory`` read it: every number checked against the file it
/// came from, so nothing later converts or adds an unchecked value.
struct ZipEntry: Sendable {
    /// The entry's path in the archive.
    var path: String
    /// The general-purpose flags (bit 0: encrypted).
    var flags: UInt16
    /// The compression method (0 stored, 8 deflate).
    var method: UInt16
    /// The compressed size, at most the archive's size.
    var compressedSize: Int
    /// The declared inflated size (a claim: the limits count what inflating produces).
    var uncompressedSize: Int
    /// Where the entry's local header starts, before the archive's end.
    var localHeaderOffset: Int
    /// Why the entry cannot be read (a size or offset out of range, a damaged ZIP64 field), said when it is asked
    /// for: one bad entry (a thumbnail, say) leaves the others readable. The numbers above are then 0.
    var problem: String?
}

/// The central directory of a zip: its end record found (ZIP64's when the classic one points to it), then each entry's
/// record read, with the ZIP64 extra field for sizes and offsets too large for 32 bits. It is Vigil's own reading, not a
/// library's, because every field is a number an attacker chose: a ZIP64 size of 2⁶³ once stopped the process in the
/// zip library's conversion (issue 12). A directory outside the file, or records that do not follow one another, are a
/// broken archive; an entry whose sizes or offset lie past the file's end or beyond `Int`, or whose ZIP64 field is
/// short, is listed with its ``ZipEntry/problem`` and refused when read; more entries than the limit, or a directory
/// over 64 MiB, are a limit.
enum ZipDirectory {
    /// The file entries of the zip `file` of `size` bytes (directories and symbolic links left out), in directory order.
    static func entries(of file: RawFile, size: Int, maxEntries: Int) throws(ArchiveFailure) -> [ZipEntry] {
        let end = try endRecord(of: file, size: size)
        guard end.entryCount <= maxEntries else { throw .limit("more than \(maxEntries) entries") }
        guard end.directorySize <= maxDirectoryBytes else { throw .limit("a central directory over 64 MiB") }
        let directory = try bytes(of: file, at: end.directoryOffset, count: end.directorySize)
        return try records(directory, count: end.entryCount, fileSize: size)
    }

    /// The largest central directory read (10,000 entries of real archives take about a megabyte).
    static let maxDirectoryBytes = 64 << 20

    private static let notAZip = ArchiveFailure.broken("not a readable zip archive (broken or truncated)")

    /// Where the central directory is and how many entries it holds.
    private struct EndRecord {
        var entryCount: Int
        var directorySize: Int
        var directoryOffset: Int
    }

    /// The end of central directory record, searched for backwards over the last 64 KiB (its comment may be that
    /// long), and ZIP64's end record where one of its fields is saturated and the ZIP64 locator is there.
    private static func endRecord(of file: RawFile, size: Int) throws(ArchiveFailure) -> EndRecord {
        let tailCount = min(size, 22 + 0xFFFF)
        let tailStart = size - tailCount
        let tail = try bytes(of: file, at: tailStart, count: tailCount)
        guard let position = endRecordPosition(in: tail) else { throw notAZip }
        guard let count16 = tail.uint16(at: position + 10), let size32 = tail.uint32(at: position + 12),
            let offset32 = tail.uint32(at: position + 16)
        else { throw notAZip }
        var record = EndRecord(entryCount: Int(count16), directorySize: Int(size32), directoryOffset: Int(offset32))
        let saturated = count16 == 0xFFFF || size32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF
        if saturated, position >= 20, tail.uint32(at: position - 20) == 0x0706_4B50,
            let locator = tail.uint64(at: position - 20 + 8)
        {
            record = try zip64EndRecord(of: file, at: locator, size: size)
        }
        let (directoryEnd, overflow) = record.directoryOffset.addingReportingOverflow(record.directorySize)
        guard !overflow, directoryEnd <= size else {
            throw .broken("the central directory lies outside the archive (broken or truncated)")
        }
        return record
    }

    /// Where the end record starts in `tail`: the one whose comment runs exactly to the file's end, as a zip writer
    /// leaves it (a comment can hold a record's signature, and a reader taking the last one would read a directory Word
    /// does not); otherwise, for files with bytes after the comment, the last whose comment fits.
    private static func endRecordPosition(in tail: [UInt8]) -> Int? {
        guard tail.count >= 22 else { return nil }
        var fitting: Int?
        for position in stride(from: tail.count - 22, through: 0, by: -1) where tail.uint32(at: position) == 0x0605_4B50
        {
            guard let comment = tail.uint16(at: position + 20) else { continue }
            let end = position + 22 + Int(comment)
            if end == tail.count { return position }
            if end < tail.count && fitting == nil { fitting = position }
        }
        return fitting
    }

    /// ZIP64's end of central directory record at `offset`, as the locator gives it.
    private static func zip64EndRecord(of file: RawFile, at offset: UInt64, size: Int) throws(ArchiveFailure)
        -> EndRecord
    {
        guard let start = Int(exactly: offset), start <= size - 56 else {
            throw .broken("the ZIP64 end record lies outside the archive")
        }
        let record = try bytes(of: file, at: start, count: 56)
        guard record.uint32(at: 0) == 0x0606_4B50, let count = record.uint64(at: 32),
            let directorySize = record.uint64(at: 40), let directoryOffset = record.uint64(at: 48),
            let entryCount = Int(exactly: count), let sizeInt = Int(exactly: directorySize),
            let offsetInt = Int(exactly: directoryOffset)
        else { throw .broken("the ZIP64 end record is damaged or out of range") }
        return EndRecord(entryCount: entryCount, directorySize: sizeInt, directoryOffset: offsetInt)
    }

    /// The `count` records of `directory`, each checked against the archive's size.
    private static func records(_ directory: [UInt8], count: Int, fileSize: Int) throws(ArchiveFailure) -> [ZipEntry] {
        var entries: [ZipEntry] = []
        entries.reserveCapacity(count)
        var position = 0
        for _ in 0..<count {
            guard directory.uint32(at: position) == 0x0201_4B50, let madeBy = directory.uint16(at: position + 4),
                let flags = directory.uint16(at: position + 8), let method = directory.uint16(at: position + 10),
                let compressed32 = directory.uint32(at: position + 20),
                let uncompressed32 = directory.uint32(at: position + 24),
                let nameLength = directory.uint16(at: position + 28),
                let extraLength = directory.uint16(at: position + 30),
                let commentLength = directory.uint16(at: position + 32),
                let attributes = directory.uint32(at: position + 38), let offset32 = directory.uint32(at: position + 42)
            else { throw .broken("a central directory record is damaged or missing") }
            let nameStart = position + 46
            let extraStart = nameStart + Int(nameLength)
            let next = extraStart + Int(extraLength) + Int(commentLength)
            guard next <= directory.count else { throw .broken("a central directory record runs past its end") }
            let name = Array(directory[nameStart..<extraStart])
            defer { position = next }
            guard isFile(name: name, madeBy: madeBy, attributes: attributes) else { continue }
            var entry = ZipEntry(
                path: path(name, utf8Flag: flags & 0x0800 != 0), flags: flags, method: method, compressedSize: 0,
                uncompressedSize: 0, localHeaderOffset: 0)
            var sizes = Zip64Sizes(
                uncompressed: UInt64(uncompressed32), compressed: UInt64(compressed32), offset: UInt64(offset32))
            if let problem = sizes.widen(from: directory[extraStart..<(extraStart + Int(extraLength))]) {
                entry.problem = problem
            } else if let compressed = Int(exactly: sizes.compressed), compressed <= fileSize,
                let offset = Int(exactly: sizes.offset), offset < fileSize,
                let uncompressed = Int(exactly: sizes.uncompressed)
            {
                entry.compressedSize = compressed
                entry.uncompressedSize = uncompressed
                entry.localHeaderOffset = offset
            } else {
                entry.problem = "an entry's size or offset lies outside the archive"
            }
            entries.append(entry)
        }
        return entries
    }

    /// Whether a record is a file: not a folder (a name ending in `/`, or a folder's mode or attribute) nor a symbolic
    /// link (its Unix mode, from archives made on Unix or macOS).
    private static func isFile(name: [UInt8], madeBy: UInt16, attributes: UInt32) -> Bool {
        if name.last == UInt8(ascii: "/") { return false }
        switch madeBy >> 8 {
        case 3, 19:
            let type = (attributes >> 16) & 0o170000
            return type != 0o040000 && type != 0o120000
        case 0:
            return attributes & 0x10 == 0
        default:
            return true
        }
    }

    /// An entry's name: UTF-8 when flagged or valid, otherwise each byte as its Latin-1 character.
    private static func path(_ name: [UInt8], utf8Flag: Bool) -> String {
        if let text = String(validating: name, as: UTF8.self) { return text }
        if utf8Flag { return String(decoding: name, as: UTF8.self) }
        return String(String.UnicodeScalarView(name.map { Unicode.Scalar($0) }))
    }

    /// `count` bytes of `file` from `offset`, all of them or the archive is truncated.
    static func bytes(of file: RawFile, at offset: Int, count: Int) throws(ArchiveFailure) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let read: Int
        do {
            read = try buffer.withUnsafeMutableBytes { (raw) throws(FileError) -> Int in
                try file.read(into: raw, at: offset)
            }
        } catch {
            throw .broken("the archive could not be read")
        }
        guard read == count else { throw notAZip }
        return buffer
    }
}

/// An entry's sizes and offset, widened by its ZIP64 extra field (id 1), which holds, in this order, each of the three
/// whose 32-bit field is saturated.
private struct Zip64Sizes {
    var uncompressed: UInt64
    var compressed: UInt64
    var offset: UInt64

    /// Widens the saturated fields from `extra`; what is wrong with it, or `nil`.
    mutating func widen(from extra: ArraySlice<UInt8>) -> String? {
        let fields = Array(extra)
        var position = 0
        while position + 4 <= fields.count {
            guard let id = fields.uint16(at: position), let length = fields.uint16(at: position + 2) else { return nil }
            let dataStart = position + 4
            let dataEnd = dataStart + Int(length)
            guard dataEnd <= fields.count else { return "an entry's extra field runs past its end" }
            if id == 1 {
                var cursor = dataStart
                for keyPath in [\Zip64Sizes.uncompressed, \.compressed, \.offset]
                where self[keyPath: keyPath] == 0xFFFF_FFFF {
                    guard cursor + 8 <= dataEnd, let value = fields.uint64(at: cursor) else {
                        return "an entry's ZIP64 field is shorter than its sizes"
                    }
                    self[keyPath: keyPath] = value
                    cursor += 8
                }
                return nil
            }
            position = dataEnd
        }
        return nil
    }
}

extension [UInt8] {
    /// The little-endian integer of `width` bytes at `offset`, or `nil` past the end.
    fileprivate func littleEndian(at offset: Int, width: Int) -> UInt64? {
        guard offset >= 0, offset <= count - width else { return nil }
        var value: UInt64 = 0
        for index in (0..<width).reversed() { value = value << 8 | UInt64(self[offset + index]) }
        return value
    }

    func uint16(at offset: Int) -> UInt16? { littleEndian(at: offset, width: 2).map { UInt16(truncatingIfNeeded: $0) } }
    func uint32(at offset: Int) -> UInt32? { littleEndian(at: offset, width: 4).map { UInt32(truncatingIfNeeded: $0) } }
    func uint64(at offset: Int) -> UInt64? { littleEndian(at: offset, width: 8) }
}
