import Foundation
import Glibc
import Synchronization
import Testing
import VigilCore
import VigilIO
import VigilTestSupport
import ZIPFoundation

@testable import VigilScan
@testable import VigilSynth

/// Scans a folder and returns the result with every accepted detection.
enum Scan {
    static func run(
        _ root: URL, include: [String] = [], exclude: [String] = [], state: String? = nil,
        limits: ArchiveLimits = ArchiveLimits(), maxDepth: Int = 256
    ) async throws -> (ScanResult, [String: [Detection]]) {
        let found = Mutex<[String: [Detection]]>([:])
        let result = try await FileShareScanner(
            options: ScanOptions(
                roots: [ScanRoot(path: root.path, display: "share")], include: include.map(GlobPattern.init),
                exclude: exclude.map(GlobPattern.init), statePath: state, jobs: 2, limits: limits, maxDepth: maxDepth,
                currentYear: 2026)
        ).run(recorder: { file, detection in found.withLock { $0[file, default: []].append(detection) } })
        return (result, found.withLock { $0 })
    }

    /// A letter line with a valid NHS number.
    static let letter = "Re: Mrs Jane Smith  DOB: 12/03/1956  NHS No: 401 023 2137\n"

    /// `archive` with each file entry's text passed through `transform`, names and folders kept as they were.
    static func rewritten(_ archive: Data, _ transform: (String, String) -> String) throws -> Data {
        let source = try Archive(data: archive, accessMode: .read)
        let target = try Archive(data: Data(), accessMode: .create)
        for entry in source {
            guard entry.type == .file else {
                try target.addEntry(with: entry.path, type: entry.type, uncompressedSize: Int64(0)) { _, _ in Data() }
                continue
            }
            var content = Data()
            _ = try source.extract(entry) { content.append($0) }
            let changed = Data(transform(entry.path, String(decoding: content, as: UTF8.self)).utf8)
            try target.addEntry(
                with: entry.path, type: .file, uncompressedSize: Int64(changed.count), compressionMethod: .deflate
            ) { position, size in
                changed.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return try #require(target.data)
    }

    /// Re-packs a stored archive with deflate, as Office writes it.
    static func deflated(_ stored: Data) throws -> Data {
        let source = try Archive(data: stored, accessMode: .read)
        let target = try Archive(data: Data(), accessMode: .create)
        for entry in source {
            var content = Data()
            _ = try source.extract(entry) { content.append($0) }
            try target.addEntry(
                with: entry.path, type: .file, uncompressedSize: Int64(content.count), compressionMethod: .deflate
            ) { position, size in
                content.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return target.data!
    }
}

@Suite("File share scanning")
struct ScanTests {
    @Test(
        "xlsx (deflated, numbers as numbers, dates as serials) and docx (paragraphs, tables) are read by cell and line")
    func officeFiles() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let rows: [[OfficePackage.Cell]] = [
            [.text("Clinic list March"), .text("")],
            [.text("NHS No"), .text("Surname"), .text("DOB"), .text("Mobile")],
            [.number("4010232137"), .text("Smith"), .number("20546"), .number("7700900123")],
            [.text("450 557 7104"), .text("Jones"), .number("21000"), .number("7700900456")],
        ]
        try scratch.write(
            "share/list.xlsx", try Scan.deflated(OfficePackage.workbook([("Clinic", rows), ("Notes", [])])))
        try scratch.write(
            "share/letter.docx",
            try Scan.deflated(
                OfficePackage.document([
                    .paragraph("Dear Dr Patel"), .paragraph("Re: Mrs Jane Smith"),
                    .paragraph("DOB: 12/03/1956, NHS No: 401 023 2137"),
                    .table([["Name", "NHS Number"], ["Mr Amir Khan", "4505577104"]]),
                ])))
        let (result, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        #expect(result.totals.filesRead == 2 && result.totals.filesFailed == 0)
        let workbook = try #require(result.exposures.first { $0.path.hasSuffix("list.xlsx") })
        #expect(workbook.format == "xlsx")
        #expect(workbook.tally(.nhsNumber)?.distinct == 2)
        #expect(workbook.tally(.nhsNumber)?.location == ContentLocation(sheet: "Clinic", cell: "A3"))
        #expect(workbook.tally(.nhsNumber)?.sample == "401 *** **37")
        #expect(workbook.tally(.dateOfBirth)?.sample == "**/**/1956")
        #expect(found["list.xlsx"]?.count == 4)  // two numbers, two dates; mobiles are not NHS numbers
        let document = try #require(result.exposures.first { $0.path.hasSuffix("letter.docx") })
        #expect(document.tally(.nhsNumber)?.distinct == 2)
        #expect(document.tally(.dateOfBirth)?.count == 1)
        #expect(document.tally(.nhsNumber)?.location == ContentLocation(line: 3))
    }

    @Test("UTF-16 text, invalid UTF-8, an enormous single line and CRLF are all read")
    func awkwardText() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("share/utf16.txt", Data([0xFF, 0xFE]) + Scan.letter.data(using: .utf16LittleEndian)!)
        try scratch.write("share/invalid.txt", Data([0xC3, 0x28, 0xFF, 0x0A]) + Data(Scan.letter.utf8) + Data([0xFE]))
        let filler = String(repeating: "x ", count: 1_500_000)
        try scratch.write("share/long.txt", filler + "NHS No: 401 023 2137 " + filler + "NHS number 4505577104")
        try scratch.write("share/crlf.txt", "line one\r\n" + Scan.letter.replacingOccurrences(of: "\n", with: "\r\n"))
        let (result, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        #expect(result.totals.filesFailed == 0)
        #expect(found["utf16.txt"]?.filter { $0.kind == .nhsNumber }.count == 1)
        #expect(result.exposures.first { $0.path.hasSuffix("utf16.txt") }?.format == "text (UTF-16)")
        #expect(found["invalid.txt"]?.map(\.position.line) == [2, 2])
        #expect(found["long.txt"]?.map(\.value).sorted() == [401_023_2137, 450_557_7104])
        #expect(found["crlf.txt"]?.first { $0.kind == .nhsNumber }?.position == .line(2))
    }

    @Test("CSV: header roles, quoted fields with delimiters and line breaks, a phone column that is not NHS numbers")
    func delimited() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let csv = [
            "Clinic list,,,", "NHS Number,Name,Notes,Mobile", "4010232137,\"Smith, Jane\",\"Seen", "twice\",7700900123",
            "450 557 7104,Jones,\"said \"\"hello\"\"\",4010232137", "",
        ].joined(separator: "\n")
        try scratch.write("share/list.csv", csv)
        let (_, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        let numbers = found["list.csv"]?.filter { $0.kind == .nhsNumber }
        #expect(numbers?.map(\.position.line) == [3, 5])  // the valid number in the Mobile column is not counted
    }

    @Test("CSV: a message or correlation id column whose numbers all pass the NHS check is not NHS numbers")
    func machineIdentifierColumns() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // Ten valid numbers a column: enough for a column's share of valid numbers to count on its own.
        let patients = [
            "7877893280", "7921742181", "7938347019", "7468145385", "4019161461", "6193451455", "7283783261",
            "6166304943", "6791601108", "7145211785",
        ]
        let identifiers = [
            "4917031796", "7405429386", "6336395324", "7510490499", "4320171853", "7913788488", "4288497361",
            "4553971798", "6892838383", "6013955182",
        ]
        for header in ["MessageId", "correlation_id", "Batch No"] {
            let rows = zip(patients, identifiers).map { "\($0),Smith,\($1)" }
            try scratch.write("share/\(header).csv", (["NHS Number,Surname,\(header)"] + rows).joined(separator: "\n"))
        }
        let (_, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        for header in ["MessageId", "correlation_id", "Batch No"] {
            let numbers = found["\(header).csv"]?.filter { $0.kind == .nhsNumber }.map(\.value)
            #expect(numbers?.map(String.init) == patients, "\(header)")
        }
    }

    @Test(
        "binary files, images, PDFs, legacy Office and other archives are skipped and counted; broken archives fail alone"
    )
    func skipsAndFailures() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("share/a.png", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A]))
        try scratch.write("share/b.pdf", Data("%PDF-1.7\n".utf8))
        try scratch.write("share/c.xls", Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]))
        try scratch.write("share/d.zip", Data([0x50, 0x4B, 0x03, 0x04, 1, 2, 3]))
        try scratch.write("share/e.bin", Data([1, 2, 0, 3]))
        try scratch.write("share/f.txt", Data())
        try scratch.write("share/broken.xlsx", Data([0x50, 0x4B, 0x03, 0x04]) + Data(repeating: 7, count: 300))
        try scratch.write("share/ok.txt", Scan.letter)
        let (result, _) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        #expect(
            result.totals.filesSkipped == [
                "image": 1, "pdf": 1, "legacy-office": 1, "archive": 1, "binary": 1, "empty": 1,
            ])
        #expect(result.totals.filesFailed == 1)
        #expect(result.problems.map(\.code) == ["scan.broken-archive"])
        #expect(result.problems.first?.location.file == "share/broken.xlsx")
        #expect(result.exposures.map(\.path) == ["share/ok.txt"])
    }

    @Test(
        "text with NUL runs (zero fill after a crash, or before the text) is read; NUL with controls, between characters, or alone is binary"
    )
    func zeroFilledText() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let zeroFill = Data(repeating: 0, count: 600)
        try scratch.write("share/clinic.log", Data(Scan.letter.utf8) + zeroFill + Data("Seen 450 557 7104\n".utf8))
        try scratch.write("share/list.csv", Data("NHS Number,Name\n4010232137,Smith\n".utf8) + zeroFill)
        // An executable's opening: NUL runs and length fields, one byte in ten a control.
        let executable: [UInt8] = (0..<800).flatMap { _ in [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x03, 0x3E]
        }
        try scratch.write("share/tool", Data(executable) + Data(Scan.letter.utf8))
        // A disk image: a zero-filled start past the first window, then binary; and nothing but NUL.
        try scratch.write("share/disk.img", Data(repeating: 0, count: 9_000) + Data(executable))
        try scratch.write("share/empty.img", Data(repeating: 0, count: 20_000))
        // Logs zero-filled at their start (copytruncate while a writer held them open), past the first window: judged
        // by the text after the fill, and read.
        try scratch.write("share/rotated.log", Data(repeating: 0, count: 16_384) + Data(Scan.letter.utf8))
        try scratch.write(
            "share/rotated.csv", Data(repeating: 0, count: 100_000) + Data("NHS Number,Name\n4010232137,Smith\n".utf8))
        // UTF-16 (Excel's "Unicode text") after fill: decoded from its byte-order mark; after an odd fill its
        // characters are out of step, and it is binary as before.
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "NHS Number\tName\tSite\r\n4010232137\tSmith\tLeeds\r\n".utf16 {
            utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        try scratch.write("share/rotated16.txt", Data(repeating: 0, count: 16_384) + Data(utf16))
        try scratch.write("share/short16.txt", Data(repeating: 0, count: 1_024) + Data(utf16))
        try scratch.write("share/odd16.txt", Data(repeating: 0, count: 1_025) + Data(utf16))
        // UTF-16 big-endian and UTF-32 without a byte-order mark: NUL between the characters, not zero fill.
        let list = "NHS Number,Name\n4010232137,Smith\n"
        try scratch.write("share/be.csv", Data(list.utf8.flatMap { [0, $0] }))
        try scratch.write("share/utf32.csv", Data(list.utf8.flatMap { [$0, 0, 0, 0] }))
        let (result, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        #expect(result.totals.filesSkipped == ["binary": 6])
        for name in ["rotated16.txt", "short16.txt"] {
            #expect(found[name]?.filter { $0.kind == .nhsNumber }.map(\.position.line) == [2], "\(name)")
        }
        #expect(found["clinic.log"]?.filter { $0.kind == .nhsNumber }.map(\.position.line) == [1, 2])
        #expect(found["list.csv"]?.filter { $0.kind == .nhsNumber }.map(\.position.line) == [2])
        #expect(found["rotated.log"]?.contains { $0.kind == .nhsNumber } == true)
        #expect(found["rotated.csv"]?.filter { $0.kind == .nhsNumber }.map(\.position.line) == [2])
        #expect(
            result.exposures.map(\.path).sorted() == [
                "share/clinic.log", "share/list.csv", "share/rotated.csv", "share/rotated.log", "share/rotated16.txt",
                "share/short16.txt",
            ])
    }

    @Test(
        "zip limits: too many entries, a part inflating past its limit, a compression ratio of a bomb",
        arguments: ["entries", "part", "ratio"])
    func archiveLimits(limit: String) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var limits = ArchiveLimits()
        let archive = try Archive(data: Data(), accessMode: .create)
        func add(_ path: String, _ content: Data) throws {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(content.count), compressionMethod: .deflate
            ) { position, size in content.subdata(in: Int(position)..<Int(position) + size) }
        }
        try add(
            "word/document.xml",
            Data("<w:document><w:body><w:p><w:t>\(Scan.letter)</w:t></w:p>".utf8)
                + Data(repeating: 0x20, count: limit == "ratio" ? 8 << 20 : 10) + Data("</w:body></w:document>".utf8))
        switch limit {
        case "entries":
            for index in 0..<20 { try add("word/media/\(index).bin", Data([1])) }
            limits.maxEntries = 10
        case "part":
            try add(
                "word/header1.xml", Data((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }))
            limits.maxPartBytes = 1 << 20
        default:
            limits.maxRatio = 100
        }
        try scratch.write("share/bomb.docx", archive.data!)
        try scratch.write("share/ok.txt", Scan.letter)
        let (result, _) = try await Scan.run(scratch.url.appendingPathComponent("share"), limits: limits)
        #expect(result.problems.map(\.code) == ["scan.archive-limit"], "\(limit)")
        #expect(result.exposures.map(\.path) == ["share/ok.txt"])
    }

    @Test("symbolic links are never followed, include and exclude patterns apply, depth is bounded")
    func walking() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let share = scratch.url.appendingPathComponent("share")
        try scratch.write("outside/secret.txt", Scan.letter)
        try scratch.write("share/Clinical/list.txt", Scan.letter)
        try scratch.write("share/Clinical/~$list.txt", Scan.letter)
        try scratch.write("share/Archive/old.txt", Scan.letter)
        try scratch.write("share/notes.csv", Scan.letter)
        try FileManager.default.createSymbolicLink(
            atPath: share.appendingPathComponent("link").path,
            withDestinationPath: scratch.url.appendingPathComponent("outside").path)
        try FileManager.default.createSymbolicLink(
            atPath: share.appendingPathComponent("file-link.txt").path,
            withDestinationPath: scratch.url.appendingPathComponent("outside/secret.txt").path)
        var deep = "share/deep"
        for level in 0..<12 { deep += "/\(level)" }
        try scratch.write(deep + "/buried.txt", Scan.letter)
        let (all, _) = try await Scan.run(share, maxDepth: 8)
        #expect(all.totals.symbolicLinks == 2)
        #expect(!all.exposures.contains { $0.path.contains("secret") || $0.path.contains("buried") })
        #expect(all.problems.map(\.code) == ["scan.too-deep"])
        let (some, _) = try await Scan.run(share, include: ["*.txt"], exclude: ["~$*", "Archive"])
        #expect(
            some.exposures.map(\.path) == [
                "share/Clinical/list.txt", deep.replacingOccurrences(of: "share/", with: "share/") + "/buried.txt",
            ])
        #expect(some.totals.excluded == 3)
    }

    @Test("an unreadable file or folder is counted and reported, and the scan goes on", .enabled(if: geteuid() != 0))
    func permissionDenied() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let locked = try scratch.write("share/locked.txt", Scan.letter)
        try scratch.write("share/closed/x.txt", Scan.letter)
        try scratch.write("share/open.txt", Scan.letter)
        chmod(locked.path, 0)
        chmod(scratch.url.appendingPathComponent("share/closed").path, 0)
        defer { chmod(scratch.url.appendingPathComponent("share/closed").path, 0o755) }
        let (result, _) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        #expect(result.totals.filesFailed == 1 && result.totals.foldersUnreadable == 1)
        #expect(result.exposures.map(\.path) == ["share/open.txt"])
    }

    @Test("errors are reported by code without file content")
    func errorCodes() {
        #expect(ScanFailure(FileError(code: .readFailed, path: "f", errno: EACCES)).code == "scan.permission-denied")
        #expect(ScanFailure(FileError(code: .readFailed, path: "f", errno: ENOENT)).code == "scan.vanished")
        #expect(ScanFailure(FileError(code: .readFailed, path: "f", errno: ELOOP)).code == "scan.symlink")
        #expect(ScanFailure(FileError(code: .readFailed, path: "f", errno: EIO)).code == "scan.read-failed")
        #expect(ScanFailure(FileError(code: .readFailed, path: "f", errno: EPERM)).code == "scan.permission-denied")
        #expect(!ScanFailure(FileError(code: .readFailed, path: "secret-name", errno: EIO)).message.contains("secret"))
    }

    @Test("a border trust's list of NHS, CHI and H&C numbers counts the three schemes' patients together")
    func nationalSchemesAdded() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let numbers = [
            "6123456784", "6123456792", "6123456806", "6123456814",  // NHS
            "1503824500", "1503824519", "1503824527", "1503824535",  // CHI (15 March 1982)
            "3551234566", "3551234574", "3551234582", "3551234590",  // H&C
        ]
        try scratch.write("share/border.csv", "Name,Health Number\n" + numbers.map { "P,\($0)\n" }.joined())
        // The same twelve with each patient's hospital number beside: still twelve patients, not twenty-four.
        try scratch.write(
            "share/with-mrn.csv",
            "Name,Health Number,MRN\n" + numbers.enumerated().map { "P,\($1),K\(10_000 + $0)\n" }.joined())
        let (result, _) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        for exposure in result.exposures {
            #expect(exposure.classification == .patientList, "\(exposure.path)")
            #expect(exposure.patients == 12, "\(exposure.path)")
            #expect(
                exposure.identifiers.filter { $0.kind != .hospitalNumber }.map(\.distinct) == [4, 4, 4],
                "\(exposure.path)")
        }
        #expect(result.exposures.count == 2)
    }

    @Test("a rescan reuses unchanged files without reading them, rereads changed ones, forgets deleted ones")
    func incremental() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let share = scratch.url.appendingPathComponent("share")
        let state = scratch.url.appendingPathComponent("state.sqlite").path
        for index in 0..<5 { try scratch.write("share/\(index).txt", Scan.letter) }
        try scratch.write("share/image.png", Data([0x89, 0x50, 0x4E, 0x47]))
        let (first, _) = try await Scan.run(share, state: state)
        #expect(first.totals.filesRead == 5 && first.totals.filesReused == 0)
        var status = stat()
        stat(state, &status)
        #expect(status.st_mode & 0o777 == 0o600)
        let (second, _) = try await Scan.run(share, state: state)
        // Read and skipped add up to the files whether or not their results were reused.
        #expect(second.totals.filesReused == 6 && second.totals.filesRead == 5 && second.performance.bytesRead == 0)
        #expect(second.totals.filesSkipped == ["image": 1])
        #expect(second.exposures == first.exposures)
        try scratch.write("share/1.txt", "nothing here now\n")
        try FileManager.default.removeItem(at: share.appendingPathComponent("2.txt"))
        let (third, _) = try await Scan.run(share, state: state)
        #expect(third.totals.filesRead == 4 && third.totals.filesReused == 4)
        #expect(third.performance.bytesRead == "nothing here now\n".utf8.count)
        #expect(third.exposures.map(\.path) == ["share/0.txt", "share/3.txt", "share/4.txt"])
        // The state holds no identifier: neither the number nor its digits in any form.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: state))
        for needle in ["4010232137", "401 023 2137", "12/03/1956"] {
            #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(needle) in the state file")
        }
    }

    @Test(
        "glob patterns",
        arguments: [
            ("*.csv", "a/b/list.CSV", true), ("*.csv", "a/list.txt", false), ("Archive/**", "archive/x/y.txt", true),
            ("**/Backups/*.csv", "x/Backups/a.csv", true), ("**/Backups/*.csv", "Backups/a.csv", true),
            ("**/Backups/*.csv", "x/Backups/y/a.csv", false), ("~$*", "d/~$list.xlsx", true),
            ("[a-c]?.txt", "b1.txt", true),
            ("[!a-c]?.txt", "b1.txt", false), ("[z-a].txt", "q.txt", false),
        ])
    func globs(pattern: String, path: String, matches: Bool) {
        #expect(GlobPattern(pattern).matches(path) == matches, "\(pattern) \(path)")
    }

    @Test("XXH64 matches the reference vectors, in one call or in pieces")
    func hashing() {
        #expect(XXHash64.hash([]) == 0xEF46_DB37_51D8_E999)
        #expect(XXHash64.hash(Array("a".utf8)) == 0xD24E_C4F1_A98C_6E5B)
        #expect(XXHash64.hash(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
        let long = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var pieces = XXHash64()
        for chunk in stride(from: 0, to: long.count, by: 37) {
            long[chunk..<min(long.count, chunk + 37)].withUnsafeBytes { pieces.update($0) }
        }
        #expect(pieces.finalize() == XXHash64.hash(long))
        #expect(XXHash64.hash(long, seed: 1) != XXHash64.hash(long))
    }
}
