import CVigilZlib
import Foundation
import Testing
import VigilIO

/// The zip reader on real Office files made by Word (Windows and Mac), Excel, Google Sheets, Apache POI and a .NET
/// generator (`Tests/Fixtures/real-share/office/`, attributed in SOURCES.md). What each holds was listed by another reader,
/// Python's `zipfile`, into `entries.tsv`: every file entry's path, size and CRC-32. Vigil's reader must list the same
/// entries and inflate each to the same bytes.
@Suite("Real Office archives")
struct RealOfficeArchiveTests {
    /// One line of `entries.tsv`.
    struct Listed: Hashable {
        var path: String
        var size: Int
        var crc: UInt32
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/real-share/office")

    /// `entries.tsv` by file name.
    static func listing() throws -> [String: [Listed]] {
        let text = try String(contentsOf: folder.appendingPathComponent("entries.tsv"), encoding: .utf8)
        var files: [String: [Listed]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            try #require(fields.count == 4, "entries.tsv: 4 tab-separated fields")
            let size = try #require(Int(fields[2]))
            let crc = try #require(UInt32(fields[3], radix: 16))
            files[String(fields[0]), default: []].append(Listed(path: String(fields[1]), size: size, crc: crc))
        }
        return files
    }

    /// The CRC-32 zip uses, as zlib computes it.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(CVigilZlib.crc32(0, buffer.baseAddress, uInt(buffer.count)))
        }
    }

    @Test("every real Office file lists the entries Python's zipfile lists, each inflated to the same size and CRC-32")
    func sameEntriesAndBytes() throws {
        let files = try Self.listing()
        #expect(files.count == 11)
        for (name, listed) in files.sorted(by: { $0.key < $1.key }) {
            var archive = try BoundedZipArchive(url: Self.folder.appendingPathComponent(name), limits: ArchiveLimits())
            #expect(archive.paths == listed.map(\.path).sorted(), "\(name)")
            for entry in listed {
                var bytes: [UInt8] = []
                try archive.read(entry.path) { bytes.append(contentsOf: $0) }
                #expect(bytes.count == entry.size, "\(name): \(entry.path)")
                #expect(Self.crc32(bytes) == entry.crc, "\(name): \(entry.path)")
            }
        }
    }

    @Test("a part is found by the name its relationships give it when the archive holds it in another case")
    func partNamesIgnoreCase() throws {
        // issue150.xlsx, from a .NET generator, holds `xl/sharedstrings.xml`; its relationships and content types name
        // `/xl/sharedStrings.xml`. Part names compare without regard to ASCII case (ECMA-376 Part 2, 9.1.1.1).
        var archive = try BoundedZipArchive(
            url: Self.folder.appendingPathComponent("issue150.xlsx"), limits: ArchiveLimits())
        #expect(archive.paths.contains("xl/sharedstrings.xml") && !archive.paths.contains("xl/sharedStrings.xml"))
        #expect(archive.contains("xl/sharedStrings.xml") && archive.contains("XL/SHAREDSTRINGS.XML"))
        var asNamed: [UInt8] = []
        try archive.read("xl/sharedStrings.xml") { asNamed.append(contentsOf: $0) }
        var asHeld: [UInt8] = []
        try archive.read("xl/sharedstrings.xml") { asHeld.append(contentsOf: $0) }
        #expect(!asNamed.isEmpty && asNamed == asHeld)
        #expect(!archive.contains("xl/sharedStrings.xm") && !archive.contains("xl/sharedStrings.xml "))
    }
}
