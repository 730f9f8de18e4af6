import Foundation
import Glibc
import Testing
import VigilCore
import VigilTestSupport
import ZIPFoundation

@testable import VigilScan

/// File and folder names are evidence too: a name can hold a patient identifier, and names of files without findings
/// are kept out of every output.
@Suite("Names in scan output")
struct ScanNameTests {
    @Test(
        "health-service numbers in names are masked as in content; other digits are kept",
        arguments: [
            ("referral 9434765919.csv", "referral 943 *** **19.csv"),
            ("943 476 5919/letter.txt", "943 *** **19/letter.txt"),
            ("943-476-5919.docx", "943 *** **19.docx"),
            ("x/0101011237 chi.txt", "x/*** *** **37 chi.txt"),
            ("94347659190.csv", "94347659190.csv"),  // eleven digits: not a health-service number
            ("9434765918.csv", "9434765918.csv"),  // check digit wrong
            ("2024-01-09 clinic.csv", "2024-01-09 clinic.csv"),
            ("943 476-5919.csv", "943 476-5919.csv"),  // mixed separators are not a printed number
            // As people and systems also write them: a no-break space (Word, Excel), underscores, full stops, and a
            // CHI number as its date of birth and four digits.
            ("943\u{A0}476\u{A0}5919 letter.docx", "943 *** **19 letter.docx"),
            ("scan_943_476_5919.pdf", "scan_943 *** **19.pdf"),
            ("943.476.5919.txt", "943 *** **19.txt"),
            ("x/010101-1237 chi.txt", "x/*** *** **37 chi.txt"),
            ("x/010101 1237.txt", "x/*** *** **37.txt"),
            ("v1.2.3_2024.01.09.csv", "v1.2.3_2024.01.09.csv"),
            // A SID's sub-authority is an account's, even when it passes the check digit; a number after other words
            // and a hyphen is still masked.
            (
                "$Recycle.Bin/S-1-5-21-4010232137-1004336348-1177238915-1001/a.txt",
                "$Recycle.Bin/S-1-5-21-4010232137-1004336348-1177238915-1001/a.txt"
            ),
            ("case-4010232137.txt", "case-401 *** **37.txt"),
            ("AS-1-4010232137.txt", "AS-1-401 *** **37.txt"),
            // A name ending in `s-1` after ten digits: no SID, and nothing read past its end.
            ("x 4010232137 Scans-1", "x 401 *** **37 Scans-1"),
            ("\\\\192.168.10.20\\Clinical\\2024\\Scans-1", "\\\\192.168.10.20\\Clinical\\2024\\Scans-1"),
            ("4010232137-S-1", "401 *** **37-S-1"), ("s-1-4010232137.pdf", "s-1-401 *** **37.pdf"),
            // A SID is judged by its opening (S-1-, an authority of one or two digits): masked in one pass or none.
            ("S-1-4010232137-4010232137", "S-1-401 *** **37-401 *** **37"),
            ("S-1-12-1-4010232137-1", "S-1-12-1-4010232137-1"),
            // Only what a SID can be: no first sub-authority of ten digits, none above 32 bits (a number from 430),
            // digits run together, the SID not part of a longer word.
            ("S-1-5-4010232137", "S-1-5-401 *** **37"),
            ("$Recycle.Bin/S-1-5-9990995001/", "$Recycle.Bin/S-1-5-999 *** **01/"),
            ("s-1-5-4201090000.csv", "s-1-5-420 *** **00.csv"),
            (
                "S-1-5-21-1004336348-1177238915-682003330-7200930008/",
                "S-1-5-21-1004336348-1177238915-682003330-720 *** **08/"
            ),
            ("S-1-5-21-7200930008-4010232137-1001", "S-1-5-21-720 *** **08-401 *** **37-1001"),
            ("RIVERSIDE\\S-1-5-21-1-2-3-4800005825x", "RIVERSIDE\\S-1-5-21-1-2-3-480 *** **25x"),
            ("S-1-5-21-4010232137x", "S-1-5-21-401 *** **37x"), ("S-1-5-21-401 023 2137", "S-1-5-21-401 *** **37"),
            ("xS-1-5-21-4010232137", "xS-1-5-21-401 *** **37"),
            // A number grouped by hyphens among a SID's parts is masked, and the SID with it: one pass masks all.
            ("S-1-5-21-401-023-2137-4010232137", "S-1-5-21-401 *** **37-401 *** **37"),
        ])
    func masking(name: String, shown: String) {
        #expect(PathMasking.masked(name) == shown)
    }

    @Test("masking a long run of digits and hyphens takes time in proportion to its length, not its square")
    func maskingLongRuns() {
        // Each digit after a hyphen used to look back over the whole run: a 240 KB name took 25 seconds. A run of
        // valid numbers after a SID-like opening is the costliest case left; each looks back at most a SID's length.
        let ones = String(repeating: "1-", count: 500_000)
        #expect(PathMasking.masked(ones) == ones)
        let numbers = "S-1-5-21-" + String(repeating: "4010232137-", count: 100_000)
        let masked = PathMasking.masked(numbers)
        #expect(masked.hasPrefix("S-1-5-21-4010232137-4010232137-"))
        #expect(PathMasking.numbers(in: masked).isEmpty)
    }

    @Test("masking any short text of digits, separators and SID-like parts never traps, and masks once for all")
    func maskingAnyText() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789012345678901234567890123456789Ss1-- ._\u{A0}x")
        // The family a second review found masking in two passes: SID-like openings before two numbers.
        for text in [
            "S-1-4010232137-4010232137", "S-1--4010232137-4010232137", "S-1-401-023-2137-010101-1237",
            "S-1-5-21-401-023-2137-4010232137",
        ] {
            let masked = PathMasking.masked(text)
            #expect(PathMasking.masked(masked) == masked, "\(text)")
        }
        for _ in 0..<50_000 {
            let text = String(
                (0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            let masked = PathMasking.masked(text)
            #expect(PathMasking.masked(masked) == masked, "\(text)")
            #expect(PathMasking.numbers(in: masked).isEmpty)
        }
    }

    @Test("a scan masks numbers in file and folder names in exposures and problems; the state file holds no name")
    func scanMasksNames() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("share/referral 9434765919.csv", "NHS Number,Name\n4010232137,Jane Smith\n")
        try scratch.write("share/4505577104 notes/letter.txt", Scan.letter)
        try scratch.write("share/holiday rota.txt", "nothing to see\n")
        try scratch.write("share/7041386473.xlsx", Data([0x50, 0x4B, 0x03, 0x04, 9, 9]))
        let state = scratch.url.appendingPathComponent("state.sqlite").path
        let (result, _) = try await Scan.run(scratch.url.appendingPathComponent("share"), state: state)
        let shown = result.exposures.map(\.path) + result.problems.map(\.location.file)
        #expect(shown.contains("share/referral 943 *** **19.csv"))
        #expect(shown.contains("share/450 *** **04 notes/letter.txt"))
        #expect(shown.contains("share/704 *** **73.xlsx"))
        for text in shown {
            for number in ["9434765919", "4505577104", "7041386473"] { #expect(!text.contains(number)) }
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: state))
        for needle in ["9434765919", "4505577104", "7041386473", "holiday", "referral", "letter", "share/"] {
            #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(needle) in the state file")
        }
        // The keyed state still does its job.
        let (again, _) = try await Scan.run(scratch.url.appendingPathComponent("share"), state: state)
        #expect(again.totals.filesReused == 3 && again.exposures == result.exposures)
    }

    @Test("a worksheet named after a patient's number is masked in locations and the state file; long names are cut")
    func sheetNamesMasked() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let archive = try Archive(data: Data(), accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let content = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(content.count), compressionMethod: .deflate
            ) { position, size in content.subdata(in: Int(position)..<Int(position) + size) }
        }
        let long = String(repeating: "x", count: 5_000)
        try add(
            "xl/workbook.xml",
            #"<workbook xmlns:r="r"><sheets><sheet name="4505577104" sheetId="1" r:id="rId1"/>"#
                + #"<sheet name="\#(long)" sheetId="2" r:id="rId2"/></sheets></workbook>"#)
        try add(
            "xl/_rels/workbook.xml.rels",
            #"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>"#
                + #"<Relationship Id="rId2" Target="worksheets/sheet2.xml"/></Relationships>"#)
        for part in ["sheet1", "sheet2"] {
            try add(
                "xl/worksheets/\(part).xml",
                #"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>NHS No: 401 023 2137</t></is></c>"#
                    + "</row></sheetData></worksheet>")
        }
        try scratch.write("share/clinic.xlsx", try #require(archive.data))
        let state = scratch.url.appendingPathComponent("state.sqlite").path
        let (result, _) = try await Scan.run(scratch.url.appendingPathComponent("share"), state: state)
        let sheet = try #require(result.exposures.first?.identifiers.first?.location.sheet)
        #expect(sheet == "450 *** **04")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: state))
        #expect(bytes.range(of: Data("4505577104".utf8)) == nil)
        #expect(WorkbookScanner.shown(long) == String(repeating: "x", count: 40) + "…")
        // Masked before it is cut: a number across the cut is never left as nine bare digits.
        #expect(
            WorkbookScanner.shown(String(repeating: "y", count: 35) + " 4505577104") == String(
                repeating: "y", count: 35) + " 450 " + "…")
    }

    @Test("terminal text: escape sequences and bidirectional overrides in names are made harmless")
    func terminalText() {
        #expect(TerminalText.sanitised("a\u{1B}[2Jb\u{7}c\u{9B}d\u{202E}e\n\tf") == "a?[2Jb?c?d?e\n\tf")
        #expect(TerminalText.sanitised("café.csv") == "café.csv")
        // A name printed on one line: its own line feed cannot forge another.
        #expect(
            TerminalText.name("x\u{1B}[31mRED\nFAKE: 9999 advisories.json") == "x?[31mRED?FAKE: 9999 advisories.json")
    }

    @Test(
        "names that are not UTF-8 (Latin-1) are scanned by their bytes and shown escaped; the scan is the same as UTF-8"
    )
    func latin1Names() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let share = scratch.url.appendingPathComponent("share")
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        // `dép/café.csv` in Latin-1: bytes no UTF-8 decoder accepts. Made with raw system calls.
        let folder = Array(share.path.utf8) + Array("/d".utf8) + [0xE9] + Array("p".utf8)
        #expect(mkdir(folder.map { CChar(bitPattern: $0) } + [0], 0o755) == 0)
        let file = folder + Array("/caf".utf8) + [0xE9] + Array(".csv".utf8)
        let descriptor = open(file.map { CChar(bitPattern: $0) } + [0], O_WRONLY | O_CREAT, 0o644)
        #expect(descriptor >= 0)
        let list =
            "NHS Number,Name\n"
            + ["4010232137", "4505577104", "4975836327"].map { "\($0),Jane Smith" }
            .joined(separator: "\n") + "\n"
        _ = list.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
        close(descriptor)
        try scratch.write("share/caf\u{E9}-utf8.csv", list)
        let state = scratch.url.appendingPathComponent("state.sqlite").path
        let (result, _) = try await Scan.run(share, state: state)
        #expect(result.totals.filesRead == 2 && result.totals.filesFailed == 0 && result.totals.otherEntries == 0)
        let latin1 = try #require(result.exposures.first { $0.path == "share/d\\xE9p/caf\\xE9.csv" })
        let utf8 = try #require(result.exposures.first { $0.path == "share/caf\u{E9}-utf8.csv" })
        #expect(latin1.identifiers == utf8.identifiers && latin1.patients == utf8.patients)
        let (again, _) = try await Scan.run(share, state: state)
        #expect(again.totals.filesReused == 2)
        // The mapping is reversible, also for a UTF-8 name holding the private-use characters it uses.
        for raw in [[0x63, 0x61, 0x66, 0xE9], Array("\u{F7E9}x".utf8), Array("plain".utf8)] as [[UInt8]] {
            let name = raw.withUnsafeBytes { RawName.decode($0) }
            #expect(RawName.bytes(name).dropLast().map { UInt8(bitPattern: $0) } == raw)
        }
    }

    @Test("a symbolic link given as the root is not followed, and says so")
    func rootLink() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("real/list.txt", Scan.letter)
        try FileManager.default.createSymbolicLink(
            atPath: scratch.url.appendingPathComponent("link").path,
            withDestinationPath: scratch.url.appendingPathComponent("real").path)
        let (result, _) = try await Scan.run(scratch.url.appendingPathComponent("link"))
        #expect(result.totals.files == 0 && result.totals.symbolicLinks == 1 && result.exposures.isEmpty)
        let problem = try #require(result.problems.first)
        #expect(problem.code == "scan.root-link" && problem.message.contains("symbolic link"))
    }
}
