import Foundation
import Testing
import VigilCore
import VigilTestSupport

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
        ])
    func masking(name: String, shown: String) {
        #expect(PathMasking.masked(name) == shown)
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

    @Test("terminal text: escape sequences and bidirectional overrides in names are made harmless")
    func terminalText() {
        #expect(TerminalText.sanitised("a\u{1B}[2Jb\u{7}c\u{9B}d\u{202E}e\n\tf") == "a?[2Jb?c?d?e\n\tf")
        #expect(TerminalText.sanitised("café.csv") == "café.csv")
    }
}
