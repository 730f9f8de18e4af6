import Foundation
import Testing
import VigilCore
import VigilIO
import VigilTestSupport
import ZIPFoundation

@testable import VigilScan
@testable import VigilSynth

/// Zip defences beyond the per-part limits: overlapping entries (one deflate stream listed hundreds of times) stop at
/// the first repeat, and flattened members never overwrite each other.
@Suite("Zip hardening")
struct ZipHardeningTests {
    /// Little-endian reads and writes on zip structures.
    static func u16(_ bytes: [UInt8], _ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    static func u32(_ bytes: [UInt8], _ at: Int) -> Int { u16(bytes, at) | u16(bytes, at + 2) << 16 }
    static func put16(_ bytes: inout [UInt8], _ at: Int, _ value: Int) {
        bytes[at] = UInt8(value & 0xFF)
        bytes[at + 1] = UInt8(value >> 8 & 0xFF)
    }
    static func put32(_ bytes: inout [UInt8], _ at: Int, _ value: Int) {
        put16(&bytes, at, value & 0xFFFF)
        put16(&bytes, at + 2, value >> 16)
    }

    /// An `.xlsx`-shaped zip whose one deflated worksheet (`inflated` bytes of numbers) is listed `copies` times in the
    /// central directory, every copy pointing at the same local header (Fifield's overlapping-entries zip bomb).
    static func overlapping(copies: Int, inflated: Int) throws -> Data {
        var random: UInt64 = 0x9E37_79B9_7F4A_7C15
        var sheet = "<worksheet><sheetData>"
        while sheet.utf8.count < inflated {
            random = random &* 6_364_136_223_846_793_005 &+ 1
            sheet += "<row><c><v>\(random >> 20)</v></c></row>"
        }
        sheet += "</sheetData></worksheet>"
        let content = Data(sheet.utf8)
        let archive = try Archive(data: Data(), accessMode: .create)
        try archive.addEntry(
            with: "xl/worksheets/sheet0001.xml", type: .file, uncompressedSize: Int64(content.count),
            compressionMethod: .deflate
        ) { position, size in content.subdata(in: Int(position)..<Int(position) + size) }
        var bytes = [UInt8](try #require(archive.data))
        let end = bytes.count - 22
        #expect(u32(bytes, end) == 0x0605_4B50)
        let directory = u32(bytes, end + 16)
        let record = Array(bytes[directory..<end])
        #expect(u32(record, 0) == 0x0201_4B50)
        let nameLength = u16(record, 28)
        var records: [UInt8] = []
        for copy in 1...copies {
            var item = record
            let name = Array(String(format: "xl/worksheets/sheet%04d.xml", copy).utf8)
            #expect(name.count == nameLength)
            item.replaceSubrange(46..<46 + nameLength, with: name)
            records += item
        }
        var tail = Array(bytes[end...])
        put16(&tail, 8, copies)
        put16(&tail, 10, copies)
        put32(&tail, 12, records.count)
        bytes = Array(bytes[..<directory]) + records + tail
        return Data(bytes)
    }

    @Test("300 entries pointing at one deflate stream stop at the first repeat, long before the total limit")
    func overlappingEntries() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("share/bomb.xlsx", try Self.overlapping(copies: 300, inflated: 2 << 20))
        try scratch.write("share/ok.txt", Scan.letter)
        let (result, _) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        // The overlap is what stops it (at the second entry), not the total limit after hundreds of megabytes, whose
        // message differs; wall time is not asserted, as the machine may be busy.
        let problem = try #require(result.problems.first { $0.location.file == "share/bomb.xlsx" })
        #expect(problem.code == "scan.archive-limit" && problem.message.contains("overlapping"))
        #expect(result.exposures.map(\.path) == ["share/ok.txt"])
        // One copy alone is a readable workbook: the limit is about the sharing, not the content.
        try scratch.write("single/one.xlsx", try Self.overlapping(copies: 1, inflated: 1 << 20))
        let (single, _) = try await Scan.run(scratch.url.appendingPathComponent("single"))
        #expect(single.totals.filesFailed == 0 && single.totals.filesRead == 1)
    }

    @Test("an Office file with two parts whose names differ only in case is refused whole, not read by one name")
    func partNamesDifferingOnlyInCase() async throws {
        // The second shared-strings part would hide an identifier from a reader that asks for sharedStrings.xml.
        let source = try Archive(
            data: try Scan.deflated(OfficePackage.workbook([("Clinic", [[.text("x")]])])), accessMode: .read)
        let target = try Archive(data: Data(), accessMode: .create)
        for entry in source {
            var content = Data()
            _ = try source.extract(entry) { content.append($0) }
            try target.addEntry(with: entry.path, type: .file, uncompressedSize: Int64(content.count)) {
                position, size in
                content.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let hidden = Data("<sst><si><t>NHS No 401 023 2137</t></si></sst>".utf8)
        try target.addEntry(with: "xl/SharedStrings.xml", type: .file, uncompressedSize: Int64(hidden.count)) {
            position, size in hidden.subdata(in: Int(position)..<Int(position) + size)
        }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write("share/list.xlsx", try #require(target.data))
        #expect(try BoundedZipArchive(url: url, limits: ArchiveLimits()).hasPartNamesDifferingOnlyInCase)
        let (result, _) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        let problem = try #require(result.problems.first)
        #expect(problem.code == "scan.broken-archive" && problem.message.contains("differ only in case"))
        // The real .NET workbook, one name in another case than its relationships say, is not such a file.
        #expect(
            try !BoundedZipArchive(url: Fixtures.url("real-share/office/issue150.xlsx"), limits: ArchiveLimits())
                .hasPartNamesDifferingOnlyInCase)
    }

    @Test("the total inflated-bytes limit scales with the archive's size")
    func totalScalesWithSize() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        #expect(ArchiveLimits().totalAllowed(fileSize: 1000) == 64 << 20)
        #expect(ArchiveLimits().totalAllowed(fileSize: 4 << 20) == 1000 << 20)
        #expect(ArchiveLimits().totalAllowed(fileSize: nil) == 2 << 30)
        #expect(ArchiveLimits().totalAllowed(fileSize: .max) == 2 << 30)
    }

    @Test("flattened members that share a name, or take a renamed member's name, never overwrite each other")
    func noOverwrite() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let archive = try Archive(data: Data(), accessMode: .create)
        let members = ["a/x.csv": "first", "b/x.csv": "second", "c/2-x.csv": "third", "d/3-x.csv": "fourth"]
        for (path, text) in members {
            let content = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(content.count), compressionMethod: .deflate
            ) { position, size in content.subdata(in: Int(position)..<Int(position) + size) }
        }
        let zip = try scratch.write("feed.zip", try #require(archive.data))
        let folder = scratch.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let written = try ZipExtraction.extract(zip, into: folder) { _ in true }
        #expect(Set(written.map(\.lastPathComponent)).count == 4)
        let contents = try written.map { try String(contentsOf: $0, encoding: .utf8) }
        #expect(Set(contents) == Set(members.values))
    }
}

/// `.docx` tables are held a row at a time, within bounds.
@Suite("Document table bounds")
struct DocumentTableBoundsTests {
    @Test("a row wider than 256 cells or a cell over 256 KiB is read as text beyond the bound: nothing is missed")
    func wideRowAndLongCell() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var wide = (0..<400).map { "cell \($0)" }
        wide[300] = "NHS No: 401 023 2137"
        let long = String(repeating: "lorem ", count: 60_000) + "NHS No: 450 557 7104"
        try scratch.write(
            "share/tables.docx",
            OfficePackage.document([
                .paragraph("Referrals"), .table([["Name", "Notes"], wide, ["Mr Khan", long]]),
            ]))
        let (result, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        #expect(result.totals.filesRead == 1 && result.totals.filesFailed == 0)
        #expect(
            found["tables.docx"]?.filter { $0.kind == .nhsNumber }.map(\.value).sorted() == [
                401_023_2137, 450_557_7104,
            ])
    }
}
