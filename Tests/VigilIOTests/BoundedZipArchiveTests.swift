import CVigilZlib
import Foundation
import Testing
import VigilIO

/// The zip reader's own reading of the central directory and its parts, on archives written byte by byte here: ZIP64
/// fields an attacker chose (a size of 2⁶³ once stopped the process inside the zip library), and the structures real
/// archives use (stored and deflated parts, folders, links, local headers longer than the directory's record).
@Suite("Bounded zip archive")
struct BoundedZipArchiveTests {
    /// One member of a hand-made zip.
    struct Member {
        var name: String
        var content: [UInt8]
        /// 0 stored; 8 deflated (as one stored deflate block, which zlib inflates like any other).
        var method: UInt16 = 8
        var flags: UInt16 = 0
        /// The central directory's "made by" (high byte: 3 Unix) and external attributes (Unix mode in the high half).
        var madeBy: UInt16 = 20
        var attributes: UInt32 = 0
        /// Values for the ZIP64 extra field, each replacing its 32-bit field with 0xFFFFFFFF: uncompressed size,
        /// compressed size, local header offset (those given, in that order).
        var zip64Uncompressed: UInt64?
        var zip64Compressed: UInt64?
        var zip64Offset: UInt64?
        /// A local header extra field the central directory does not have.
        var localExtra: [UInt8] = []
        /// The part's data as written (real deflate output), instead of one stored deflate block.
        var deflated: [UInt8]? = nil
        /// The inflated size the central directory claims, instead of the content's.
        var declaredSize: Int? = nil
    }

    /// A zip of `members`, with a ZIP64 end record and locator when `zip64End` (the classic record saturated), else
    /// with `comment`.
    static func zip(
        _ members: [Member], zip64End: Bool = false, zip64EndOffset: UInt64? = nil, comment: [UInt8] = []
    ) -> [UInt8] {
        var file: [UInt8] = []
        var directory: [UInt8] = []
        for member in members {
            let data = member.deflated ?? (member.method == 8 ? storedDeflateBlock(member.content) : member.content)
            let name = Array(member.name.utf8)
            let offset = file.count
            file += le(0x0403_4B50, 4) + le(45, 2) + le(Int(member.flags), 2) + le(Int(member.method), 2) + le(0, 4)
            file += le(0, 4) + le(data.count, 4) + le(member.content.count, 4) + le(name.count, 2)
            file += le(member.localExtra.count, 2) + name + member.localExtra + data
            var extra: [UInt8] = []
            for value in [member.zip64Uncompressed, member.zip64Compressed, member.zip64Offset] {
                if let value { extra += le64(value) }
            }
            if !extra.isEmpty { extra = le(1, 2) + le(extra.count, 2) + extra }
            directory += le(0x0201_4B50, 4) + le(Int(member.madeBy), 2) + le(45, 2) + le(Int(member.flags), 2)
            directory += le(Int(member.method), 2) + le(0, 4) + le(0, 4)
            directory += le(member.zip64Compressed == nil ? data.count : 0xFFFF_FFFF, 4)
            directory += le(
                member.zip64Uncompressed == nil ? member.declaredSize ?? member.content.count : 0xFFFF_FFFF, 4)
            directory += le(name.count, 2) + le(extra.count, 2) + le(0, 2) + le(0, 2) + le(0, 2)
            directory += le(Int(member.attributes), 4) + le(member.zip64Offset == nil ? offset : 0xFFFF_FFFF, 4)
            directory += name + extra
        }
        let directoryOffset = file.count
        file += directory
        if zip64End {
            let recordOffset = file.count
            file += le(0x0606_4B50, 4) + le64(44) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4)
            file += le64(UInt64(members.count)) + le64(UInt64(members.count))
            file += le64(UInt64(directory.count)) + le64(UInt64(directoryOffset))
            file += le(0x0706_4B50, 4) + le(0, 4) + le64(zip64EndOffset ?? UInt64(recordOffset)) + le(1, 4)
            file += le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(0xFFFF, 2) + le(0xFFFF, 2)
            file += le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(0, 2)
        } else {
            file += le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(members.count, 2) + le(members.count, 2)
            file += le(directory.count, 4) + le(directoryOffset, 4) + le(comment.count, 2) + comment
        }
        return file
    }

    /// `content` as a raw deflate stream of one final stored block.
    static func storedDeflateBlock(_ content: [UInt8]) -> [UInt8] {
        [1] + le(content.count, 2) + le(~content.count & 0xFFFF, 2) + content
    }

    static func le(_ value: Int, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// The archive `bytes` opened from a scratch file; `body` runs on it, the file removed after.
    static func withArchive<Result>(
        _ bytes: [UInt8], _ body: (inout BoundedZipArchive) throws -> Result
    ) throws -> Result {
        let url = FileManager.default.temporaryDirectory.appending(path: "vigil-zip-\(UUID().uuidString).zip")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var archive = try BoundedZipArchive(url: url, limits: ArchiveLimits())
        return try body(&archive)
    }

    /// The failure opening `bytes` (or reading `part` of it) throws, `nil` if none.
    static func failure(_ bytes: [UInt8], reading part: String? = nil) -> ArchiveFailure? {
        do {
            try withArchive(bytes) { archive in
                if let part { try archive.read(part) { _ in } }
            }
            return nil
        } catch let failure as ArchiveFailure {
            return failure
        } catch {
            return ArchiveFailure(code: .output, message: "unexpected \(error)")
        }
    }

    static func read(_ archive: inout BoundedZipArchive, _ part: String) throws -> String {
        var bytes: [UInt8] = []
        try archive.read(part) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    static let document = Array("<w:document><w:body>hello</w:body></w:document>".utf8)

    @Test("stored and deflated parts read back; folders and symbolic links are not parts")
    func readsParts() throws {
        let members = [
            Member(name: "[Content_Types].xml", content: Array("<Types/>".utf8), method: 0),
            Member(name: "word/", content: [], method: 0),
            Member(name: "word/document.xml", content: Self.document),
            Member(
                name: "link", content: Array("/etc/passwd".utf8), method: 0, madeBy: 3 << 8, attributes: 0o120777 << 16),
            Member(name: "folder", content: [], method: 0, madeBy: 3 << 8, attributes: 0o040755 << 16),
            // A local header with an extra field the directory's record lacks: the data starts after it.
            Member(name: "docProps/app.xml", content: Array("<Properties/>".utf8), localExtra: [0x55, 0x54, 1, 0, 7]),
        ]
        try Self.withArchive(Self.zip(members)) { (archive: inout BoundedZipArchive) throws in
            #expect(archive.paths == ["[Content_Types].xml", "docProps/app.xml", "word/document.xml"])
            #expect(try Self.read(&archive, "word/document.xml") == String(decoding: Self.document, as: UTF8.self))
            #expect(try Self.read(&archive, "[Content_Types].xml") == "<Types/>")
            #expect(try Self.read(&archive, "docProps/app.xml") == "<Properties/>")
        }
    }

    @Test("ZIP64: sizes and offsets from the extra field, and the ZIP64 end record, are read")
    func zip64Read() throws {
        let data = Self.storedDeflateBlock(Self.document)
        let member = Member(
            name: "word/document.xml", content: Self.document, zip64Uncompressed: UInt64(Self.document.count),
            zip64Compressed: UInt64(data.count), zip64Offset: 0)
        try Self.withArchive(Self.zip([member], zip64End: true)) { (archive: inout BoundedZipArchive) throws in
            #expect(archive.paths == ["word/document.xml"])
            #expect(try Self.read(&archive, "word/document.xml") == String(decoding: Self.document, as: UTF8.self))
        }
    }

    /// Each once stopped the process (a conversion of a ZIP64 value to `Int` or `Int64` trapping, in Vigil or in the
    /// zip library), or could have; each is now a broken archive.
    @Test(
        "ZIP64 sizes and offsets no Int holds, or past the file's end, are a broken archive, not a crash",
        arguments: [
            (
                "compressed size 2^63",
                Member(name: "a.xml", content: BoundedZipArchiveTests.document, zip64Compressed: 1 << 63)
            ),
            (
                "compressed size 2^64-1",
                Member(name: "a.xml", content: BoundedZipArchiveTests.document, zip64Compressed: .max)
            ),
            (
                "compressed size past the end",
                Member(name: "a.xml", content: BoundedZipArchiveTests.document, zip64Compressed: 1 << 40)
            ),
            (
                "stored, uncompressed size 2^63",
                Member(name: "a.xml", content: BoundedZipArchiveTests.document, method: 0, zip64Uncompressed: 1 << 63)
            ),
            (
                "header offset 2^63",
                Member(name: "a.xml", content: BoundedZipArchiveTests.document, zip64Offset: 1 << 63)
            ),
            (
                "header offset 2^64-16",
                Member(name: "a.xml", content: BoundedZipArchiveTests.document, zip64Offset: .max - 15)
            ),
            (
                "header offset past the end",
                Member(name: "a.xml", content: BoundedZipArchiveTests.document, zip64Offset: 1 << 62)
            ),
        ])
    func zip64OutOfRange(_ label: String, _ member: Member) throws {
        let failure = try #require(Self.failure(Self.zip([member]), reading: "a.xml"), "\(label)")
        #expect(failure.code == .broken, "\(label)")
        #expect(failure.message.contains("outside the archive"), "\(label): \(failure.message)")
    }

    @Test("a ZIP64 end record beyond the file, or a ZIP64 field shorter than its sizes, is a broken archive")
    func zip64Structures() throws {
        let member = Member(name: "a.xml", content: Self.document)
        for offset: UInt64 in [1 << 63, .max, 1 << 40] {
            let failure = try #require(Self.failure(Self.zip([member], zip64End: true, zip64EndOffset: offset)))
            #expect(failure.code == .broken && failure.message.contains("ZIP64 end record"))
        }
        // The directory's sizes saturated, the extra field holding only one of the two.
        var bytes = Self.zip([Member(name: "a.xml", content: Self.document, zip64Uncompressed: 100)])
        let record = try #require(Self.find([0x50, 0x4B, 1, 2], in: bytes))
        bytes.replaceSubrange((record + 20)..<(record + 24), with: [0xFF, 0xFF, 0xFF, 0xFF])
        // Listed (one bad entry leaves the others readable), refused when read.
        try Self.withArchive(bytes) { archive in #expect(archive.paths == ["a.xml"]) }
        let failure = try #require(Self.failure(bytes, reading: "a.xml"))
        #expect(failure.code == .broken && failure.message.contains("ZIP64 field"))
    }

    @Test("an entry out of range is refused when read; the archive's other parts still read")
    func oneBadEntry() throws {
        let members = [
            Member(name: "docProps/thumbnail.jpeg", content: [1, 2, 3], method: 0, zip64Offset: 1 << 63),
            Member(name: "word/document.xml", content: Self.document),
        ]
        try Self.withArchive(Self.zip(members)) { (archive: inout BoundedZipArchive) throws in
            #expect(archive.paths == ["docProps/thumbnail.jpeg", "word/document.xml"])
            let bad = #expect(throws: ArchiveFailure.self) { try Self.read(&archive, "docProps/thumbnail.jpeg") }
            #expect(bad?.message.contains("outside the archive") == true)
            #expect(try Self.read(&archive, "word/document.xml") == String(decoding: Self.document, as: UTF8.self))
        }
        // A header offset within 30 bytes of the end: inside the file, its header not.
        let size = Self.zip([Member(name: "a.xml", content: Self.document, zip64Offset: 0)]).count
        let late = Self.zip([Member(name: "a.xml", content: Self.document, zip64Offset: UInt64(size - 10))])
        #expect(Self.failure(late, reading: "a.xml")?.message.contains("header lies outside") == true)
    }

    @Test("the end record whose comment runs to the file's end is the one read, not a signature inside the comment")
    func endRecordInComment() throws {
        // The comment holds an end record of its own (listing one entry at offset 0 of a directory of 46 bytes, with no
        // comment) and then more text; the real record's comment ends at the file's end, the fake's does not.
        let fake: [UInt8] =
            Self.le(0x0605_4B50, 4) + Self.le(0, 4) + Self.le(1, 2) + Self.le(1, 2) + Self.le(46, 4)
            + Self.le(0, 4) + Self.le(0, 2) + Array(" made by a scanner".utf8)
        let bytes = Self.zip([Member(name: "word/document.xml", content: Self.document)], comment: fake)
        try Self.withArchive(bytes) { (archive: inout BoundedZipArchive) throws in
            #expect(archive.paths == ["word/document.xml"])
            #expect(try Self.read(&archive, "word/document.xml") == String(decoding: Self.document, as: UTF8.self))
        }
        // Bytes after the end record (a file appended to): the last record whose comment fits is read.
        let appended = Self.zip([Member(name: "word/document.xml", content: Self.document)]) + Array("trailing".utf8)
        try Self.withArchive(appended) { archive in
            #expect(archive.paths == ["word/document.xml"])
        }
    }

    @Test("more entries declared than recorded, more than the limit, or a saturated end record with no locator")
    func entryCounts() throws {
        var bytes = Self.zip([Member(name: "a.xml", content: Self.document)])
        let end = bytes.count - 22
        bytes.replaceSubrange((end + 10)..<(end + 12), with: Self.le(2, 2))
        #expect(Self.failure(bytes)?.message.contains("damaged or missing") == true)
        bytes.replaceSubrange((end + 10)..<(end + 12), with: Self.le(10_001, 2))
        let limit = try #require(Self.failure(bytes))
        #expect(limit.code == .limit && limit.message.contains("more than 10000 entries"))
        bytes.replaceSubrange((end + 10)..<(end + 12), with: Self.le(1, 2))
        bytes.replaceSubrange((end + 16)..<(end + 20), with: Self.le(0xFFFF_FFFF, 4))
        #expect(Self.failure(bytes)?.message.contains("central directory lies outside") == true)
    }

    @Test("an encrypted part, an unknown method and a truncated stream are broken parts; the others still read")
    func brokenParts() throws {
        let text = Array(String(repeating: "patient list ", count: 40).utf8)
        let members = [
            Member(name: "locked.xml", content: text, flags: 1),
            Member(name: "bzip2.xml", content: text, method: 12),
            Member(name: "ok.xml", content: text),
        ]
        try Self.withArchive(Self.zip(members)) { (archive: inout BoundedZipArchive) throws in
            let locked = #expect(throws: ArchiveFailure.self) { try Self.read(&archive, "locked.xml") }
            #expect(locked?.message.contains("encrypted") == true)
            let bzip2 = #expect(throws: ArchiveFailure.self) { try Self.read(&archive, "bzip2.xml") }
            #expect(bzip2?.message.contains("method 12") == true)
            #expect(try Self.read(&archive, "ok.xml") == String(decoding: text, as: UTF8.self))
        }
        // A deflate stream cut at the archive's end: it ends before its stream does.
        var last = Self.zip([Member(name: "cut.xml", content: text)])
        let record = try #require(Self.find([0x50, 0x4B, 1, 2], in: last))
        let size = Int(last[record + 20]) | Int(last[record + 21]) << 8
        last.replaceSubrange((record + 20)..<(record + 22), with: Self.le(size - 50, 2))
        let failure = try #require(Self.failure(last, reading: "cut.xml"))
        #expect(failure.code == .broken && failure.message.contains("ends before its stream"))
    }

    @Test("not a zip, an empty file and a directory that runs past its end are broken archives")
    func notZips() throws {
        #expect(Self.failure([])?.code == .broken)
        #expect(Self.failure(Array("PK\u{3}\u{4} not really".utf8))?.code == .broken)
        var bytes = Self.zip([Member(name: "a.xml", content: Self.document)])
        let end = bytes.count - 22
        bytes.replaceSubrange((end + 12)..<(end + 16), with: Self.le(1 << 20, 4))
        #expect(Self.failure(bytes)?.message.contains("central directory") == true)
    }

    /// `content` as zlib's raw deflate makes it, at level 6 with `strategy` (`Z_FIXED`: fixed Huffman codes only).
    static func deflate(_ content: [UInt8], strategy: Int32) throws -> [UInt8] {
        var stream = z_stream()
        let size = Int32(MemoryLayout<z_stream>.size)
        try #require(deflateInit2_(&stream, 6, Z_DEFLATED, -MAX_WBITS, 8, strategy, ZLIB_VERSION, size) == Z_OK)
        defer { deflateEnd(&stream) }
        var input = content
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(content.count))) + 64)
        let result = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return CVigilZlib.deflate(&stream, Z_FINISH)
            }
        }
        try #require(result == Z_STREAM_END)
        return Array(output[..<Int(stream.total_out)])
    }

    /// A ward list of `count` bytes, varied by `seed` (a linear congruential generator, so every run makes the same).
    static func wardList(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
        var text: [UInt8] = Array("<w:document><w:body>".utf8)
        while text.count < count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            text += Array("<w:p><w:t>Clinic note \(state >> 40) ward \(state >> 58)</w:t></w:p>".utf8)
        }
        return Array(text[..<count])
    }

    /// zlib may take the last compressed byte while filling the output buffer and finish the stream only on a call with
    /// no input left; a reader that stops when the input is spent rejects a valid part (a fresh-eyes review found one
    /// at 65,537 bytes with fixed codes). Declaring a small inflated size makes the buffers 4 KiB, so such an edge
    /// falls in the last match of many of these parts.
    @Test("real deflate, fixed and dynamic codes, in buffers of every size: every part reads back whole")
    func realDeflate() throws {
        for seed: UInt64 in 0..<48 {
            let content = Self.wardList(20_000 + Int(seed) * 1_531, seed: seed)
            for strategy in [Z_FIXED, Z_DEFAULT_STRATEGY] {
                let deflated = try Self.deflate(content, strategy: strategy)
                for declared in [1, content.count] {
                    let member = Member(
                        name: "word/document.xml", content: content, deflated: deflated, declaredSize: declared)
                    try Self.withArchive(Self.zip([member])) { (archive: inout BoundedZipArchive) throws in
                        var bytes: [UInt8] = []
                        try archive.read("word/document.xml") { bytes += $0 }
                        #expect(bytes == content, "seed \(seed), strategy \(strategy), declared \(declared)")
                    }
                }
            }
        }
        // Larger than the largest buffer (64 KiB), in both codes.
        let large = Self.wardList(300_000, seed: 99)
        for strategy in [Z_FIXED, Z_DEFAULT_STRATEGY] {
            let member = Member(
                name: "big.xml", content: large, deflated: try Self.deflate(large, strategy: strategy))
            try Self.withArchive(Self.zip([member])) { (archive: inout BoundedZipArchive) throws in
                var bytes: [UInt8] = []
                try archive.read("big.xml") { bytes += $0 }
                #expect(bytes == large)
            }
        }
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle }
    }
}
