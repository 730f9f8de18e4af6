import Foundation
import GRDB
import Glibc
import Testing
import VigilCore
import VigilIO
import VigilTestSupport

@testable import VigilScan
@testable import VigilSynth

/// Inputs that once stopped the scanner (issue 12's audit): each is now read, or refused with a diagnostic, and the
/// scan goes on.
@Suite("Scanner crash regressions")
struct ScanCrashRegressionTests {
    /// `archive` with the central directory record of `part` given a ZIP64 extra field whose compressed size is
    /// `size` (its 32-bit field saturated), the end record's directory size adjusted.
    static func zip64Size(_ archive: Data, part: String, size: UInt64) throws -> Data {
        var bytes = [UInt8](archive)
        let end = bytes.count - 22
        let directory = ZipHardeningTests.u32(bytes, end + 16)
        var position = directory
        var records: [UInt8] = []
        while position < end {
            let nameLength = ZipHardeningTests.u16(bytes, position + 28)
            let extraLength = ZipHardeningTests.u16(bytes, position + 30)
            let commentLength = ZipHardeningTests.u16(bytes, position + 32)
            let next = position + 46 + nameLength + extraLength + commentLength
            var record = Array(bytes[position..<next])
            if String(decoding: record[46..<(46 + nameLength)], as: UTF8.self) == part {
                ZipHardeningTests.put32(&record, 20, 0xFFFF_FFFF)
                let extra: [UInt8] = [1, 0, 8, 0] + (0..<8).map { UInt8(truncatingIfNeeded: size >> (8 * $0)) }
                ZipHardeningTests.put16(&record, 30, extraLength + extra.count)
                record.insert(contentsOf: extra, at: 46 + nameLength + extraLength)
            }
            records += record
            position = next
        }
        var tail = Array(bytes[end...])
        ZipHardeningTests.put32(&tail, 12, records.count)
        bytes = Array(bytes[..<directory]) + records + tail
        return Data(bytes)
    }

    @Test(
        "docx: a ZIP64 compressed size of 2^63 or more is a broken archive, not a trap; the share's other files are read",
        arguments: [UInt64(1) << 63, .max])
    func zip64HugeSize(_ size: UInt64) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let letter = try Scan.deflated(OfficePackage.document([.paragraph("NHS No: 401 023 2137")]))
        try scratch.write("share/letter.docx", try Self.zip64Size(letter, part: "word/document.xml", size: size))
        try scratch.write("share/copy.docx", letter)
        let (result, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        let problem = try #require(result.problems.first { $0.location.file == "share/letter.docx" })
        #expect(problem.code == "scan.broken-archive")
        #expect(result.totals.filesRead == 1 && result.totals.filesFailed == 1)
        #expect(found["copy.docx"]?.filter { $0.kind == .nhsNumber }.count == 1)
    }

    @Test("xlsx: a row numbered Int.max followed by a row without r is read, not an overflow")
    func hugeRowNumber() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let rows: [[OfficePackage.Cell]] = [
            [.text("NHS No"), .text("Surname")], [.number("4010232137"), .text("Smith")],
            [.number("4505577104"), .text("Jones")],
        ]
        let workbook = try Scan.rewritten(OfficePackage.workbook([("Clinic", rows)])) { path, text in
            guard path.hasPrefix("xl/worksheets/") else { return text }
            // Cell references are removed too, so the row counter alone numbers the rows.
            return
                text
                .replacingOccurrences(of: "<row r=\"1\">", with: "<row r=\"9223372036854775807\">")
                .replacingOccurrences(of: "<row r=\"2\">", with: "<row>")
                .replacingOccurrences(of: "<row r=\"3\">", with: "<row r=\"99999999999999999999999\">")
                .replacingOccurrences(of: #" r="[A-Z]+[0-9]+""#, with: "", options: .regularExpression)
        }
        try scratch.write("share/list.xlsx", workbook)
        let (result, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        #expect(result.totals.filesRead == 1 && result.totals.filesFailed == 0)
        #expect(found["list.xlsx"]?.filter { $0.kind == .nhsNumber }.count == 2)
    }

    @Test("a file modified after 2262 (nanoseconds past Int64) is scanned and remembered, not an overflow")
    func farFutureModificationTime() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let file = try scratch.write("share/future.txt", Scan.letter)
        let state = scratch.url.appendingPathComponent("state.sqlite").path
        // 2286-11-20 and the largest time the file system keeps; both overflow nanoseconds in Int64.
        for seconds in [10_000_000_000, Int.max] {
            var times = [
                timespec(tv_sec: seconds, tv_nsec: 999_999_999), timespec(tv_sec: seconds, tv_nsec: 999_999_999),
            ]
            let set = utimensat(AT_FDCWD, file.path, &times, 0)
            guard set == 0 else { continue }  // a file system that cannot hold the time has nothing to test
            var status = stat()
            #expect(stat(file.path, &status) == 0 && status.st_mtim.tv_sec > 9_300_000_000)
            let (first, found) = try await Scan.run(scratch.url.appendingPathComponent("share"), state: state)
            #expect(first.totals.filesRead == 1 && first.totals.filesFailed == 0)
            #expect(first.exposures.count == 1)
            #expect(found["future.txt"] != nil || first.totals.filesReused == 1)
            let (second, _) = try await Scan.run(scratch.url.appendingPathComponent("share"), state: state)
            #expect(second.totals.filesReused == 1 && second.exposures == first.exposures)
        }
        #expect(FileStatus.nanoseconds(seconds: 10_000_000_000, nanoseconds: 5) == .max)
        #expect(FileStatus.nanoseconds(seconds: -10_000_000_000, nanoseconds: 5) == .min)
        #expect(FileStatus.nanoseconds(seconds: 2, nanoseconds: 5) == 2_000_000_005)
    }

    @Test(
        "a state file with a NULL or a wrong type where a value belongs is emptied with a warning, never decoded by force",
        arguments: ["NULL size", "text modified", "NULL key", "bad findings"])
    func damagedStateFile(damage: String) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let share = scratch.url.appendingPathComponent("share")
        let state = scratch.url.appendingPathComponent("state.sqlite").path
        for index in 0..<3 { try scratch.write("share/\(index).txt", Scan.letter) }
        let (first, _) = try await Scan.run(share, state: state)
        #expect(first.totals.filesRead == 3)
        // Recreate the table without its constraints (as an attacker or a broken copy could) and plant the damage.
        let queue = try DatabaseQueue(path: state)
        try await queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE loose AS SELECT * FROM file; DROP TABLE file;
                    CREATE TABLE file (key, root, size, modified, hash, status, findings);
                    INSERT INTO file SELECT * FROM loose; DROP TABLE loose;
                    """)
            let one = "key = (SELECT key FROM file ORDER BY key LIMIT 1)"
            switch damage {
            case "NULL size": try db.execute(sql: "UPDATE file SET size = NULL WHERE \(one)")
            case "text modified": try db.execute(sql: "UPDATE file SET modified = 'soon' WHERE \(one)")
            case "NULL key": try db.execute(sql: "UPDATE file SET key = NULL WHERE \(one)")
            default: try db.execute(sql: "UPDATE file SET findings = x'00ff' WHERE \(one)")
            }
        }
        try queue.close()
        let (second, _) = try await Scan.run(share, state: state)
        #expect(second.totals.filesRead == 3 && second.totals.filesReused == 0)
        #expect(second.exposures == first.exposures)
        let warning = try #require(second.problems.first { $0.code == "scan.state-damaged" })
        #expect(!warning.message.contains("401") && !warning.message.contains("txt"))
        // The cache is rebuilt: the next scan reuses everything.
        let (third, _) = try await Scan.run(share, state: state)
        #expect(third.totals.filesReused == 3 && !third.problems.contains { $0.code == "scan.state-damaged" })
    }

    @Test(
        "results remembered by an older detector are never reused: a sheet named by an NHS number stored in full is read again"
    )
    func olderDetectorResultsDropped() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let share = scratch.url.appendingPathComponent("share")
        let state = scratch.url.appendingPathComponent("state.sqlite").path
        for index in 0..<2 { try scratch.write("share/\(index).txt", Scan.letter) }
        _ = try await Scan.run(share, state: state)
        // As version 1 left it: its own stamp, and a result naming a sheet by a full number.
        let queue = try DatabaseQueue(path: state)
        try await queue.write { db in
            try db.execute(sql: "UPDATE meta SET value = '1' WHERE key = 'detector'")
            let findings = try #require(
                try Data.fetchOne(db, sql: "SELECT findings FROM file WHERE findings IS NOT NULL"))
            let text = String(decoding: findings, as: UTF8.self).replacingOccurrences(
                of: #""line":1"#, with: #""sheet":"4505577104","cell":"A1""#)
            #expect(text.contains("4505577104"))
            try db.execute(sql: "UPDATE file SET findings = ?", arguments: [Data(text.utf8)])
        }
        try queue.close()
        let (again, _) = try await Scan.run(share, state: state)
        #expect(again.totals.filesReused == 0 && again.totals.filesRead == 2)
        #expect(again.exposures.allSatisfy { $0.identifiers.allSatisfy { $0.location.sheet == nil } })
        #expect(try Data(contentsOf: URL(fileURLWithPath: state)).range(of: Data("4505577104".utf8)) == nil)
    }
}
