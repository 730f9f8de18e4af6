import Foundation
import Testing
import VigilCore
import VigilIO
import VigilScan
import VigilTestSupport

/// The scanner on real Office files (`Tests/Fixtures/real-share/office/`, attributed in SOURCES.md): Word documents from
/// python-docx's test files, workbooks from xlrd's (Excel, Google Sheets, Apache POI and a .NET generator). None holds
/// a patient identifier; one holds 166 runs of ten digits that pass Modulus 11.
@Suite("Real Office files")
struct RealOfficeScanTests {
    static let files = [
        "apachepoi_52348.xlsx", "blk-paras-and-tables.docx", "having-images.docx", "hdr-header-footer.docx",
        "issue150.xlsx", "merged_cells.xlsx", "par-known-paragraphs.docx", "self_evaluation_report_2014-05-19.xlsx",
        "tbl-having-tables.docx", "test_comments_gdocs.xlsx", "text_bar.xlsx",
    ]

    static func share(_ scratch: ScratchDirectory) throws -> URL {
        let share = scratch.url.appendingPathComponent("share")
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        for name in files {
            try FileManager.default.copyItem(
                at: Fixtures.url("real-share/office/\(name)"), to: share.appendingPathComponent(name))
        }
        return share
    }

    @Test("eleven real Office files are read whole, and the decimals of a .NET workbook are not NHS numbers")
    func readWholeNothingFound() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (result, found) = try await Scan.run(try Self.share(scratch))
        #expect(result.totals.filesRead == 11 && result.totals.filesFailed == 0)
        #expect(result.problems.isEmpty)
        #expect(result.exposures.isEmpty)
        #expect(found.isEmpty)
        // The trap is really there: issue150.xlsx's numeric cells (11698.2415270953…) hold ten-digit fractions, 166 of
        // them valid under Modulus 11.
        #expect(try Self.modulus11Runs(in: Fixtures.url("real-share/office/issue150.xlsx")) == 166)
    }

    @Test("a .NET workbook's text is read: shared strings held in another case, sheets named through a d3p1: id")
    func dotNetWorkbookText() async throws {
        // issue150.xlsx as its generator wrote it, with one cell made an identifier: the first shared string (B1, the
        // header) says NHS No and B2 names a new shared string holding one. The generator's quirks stay: the part is
        // `xl/sharedstrings.xml` where the relationships say `sharedStrings.xml`, and the workbook's sheets give their
        // relationship as `d3p1:id`, not `r:id`.
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let original = try Data(contentsOf: Fixtures.url("real-share/office/issue150.xlsx"))
        var strings = 0
        let changed = try Scan.rewritten(original) { path, text in
            switch path {
            case "xl/sharedstrings.xml":
                strings = text.components(separatedBy: "<si>").count - 1
                return text.replacingOccurrences(of: "<t>Cycle</t>", with: "<t>NHS No</t>")
                    .replacingOccurrences(of: "</sst>", with: "<si><t>401 023 2137</t></si></sst>")
            default: return text
            }
        }
        var cellChanged = false
        let workbook = try Scan.rewritten(changed) { path, text in
            guard path == "xl/worksheets/Sheet1.xml" else { return text }
            let cell = text.replacingOccurrences(
                of: "<c r=\"B2\" s=\"5\">\r\n        <v>1</v>", with: "<c r=\"B2\" s=\"5\" t=\"s\"><v>\(strings)</v>")
            cellChanged = cell != text
            return cell
        }
        #expect(strings == 97 && cellChanged)
        try scratch.write("share/issue150.xlsx", workbook)
        let (result, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        #expect(result.totals.filesRead == 1 && result.totals.filesFailed == 0)
        let exposure = try #require(result.exposures.first)
        #expect(exposure.tally(.nhsNumber)?.distinct == 1)
        #expect(exposure.tally(.nhsNumber)?.location == ContentLocation(sheet: "FAM", cell: "B2"))
        #expect(found["issue150.xlsx"]?.map(\.kind) == [.nhsNumber])
    }

    /// Runs of exactly ten digits in the worksheets of `url` that pass Modulus 11 (the NHS number's check).
    static func modulus11Runs(in url: URL) throws -> Int {
        var archive = try BoundedZipArchive(url: url, limits: ArchiveLimits())
        var count = 0
        for path in archive.paths where path.hasPrefix("xl/worksheets/") {
            var bytes: [UInt8] = []
            try archive.read(path) { bytes.append(contentsOf: $0) }
            var run: [Int] = []
            for byte in bytes + [0] {
                if byte >= 0x30 && byte <= 0x39 {
                    run.append(Int(byte - 0x30))
                    continue
                }
                if run.count == 10 {
                    let sum = (0..<9).reduce(0) { $0 + run[$1] * (10 - $1) }
                    let check = (11 - sum % 11) % 11
                    if check != 10 && check == run[9] { count += 1 }
                }
                run = []
            }
        }
        return count
    }
}
