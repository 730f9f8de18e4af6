import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilScan

/// Lines end at a LF, a CRLF or a lone CR. Excel for Mac saves "Comma Separated Values" with a CR after each row, and
/// HL7 v2 ends each segment with one; read as one line, the real breast screening cohort file with CR line ends was a
/// header and nothing else: ten patients, no finding.
@Suite("Line ends")
struct LineEndTests {
    enum Style: String, CaseIterable, Sendable {
        case cr, crlf, lf

        var bytes: String {
            switch self {
            case .cr: "\r"
            case .crlf: "\r\n"
            case .lf: "\n"
            }
        }

        /// `text` with every line end (whatever it was) written this way.
        func rewrite(_ text: String) -> String {
            text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                .replacingOccurrences(of: "\n", with: bytes)
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var style: Style
        var testDescription: String { "\(file), \(style.rawValue)" }
    }

    static let cases: [Case] = RealShareScanTests.readings.flatMap { reading in
        Style.allCases.map { Case(file: reading.file, style: $0) }
    }

    @Test("a real file with its line ends rewritten gives the same detections, on the same lines", arguments: cases)
    func sameReading(_ test: Case) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let original = try String(
            contentsOf: Fixtures.url("real-share/records/\(test.file)"), encoding: .utf8)
        try scratch.write("share/\(test.file)", original)
        let rewritten = "\(test.style.rawValue)-\(test.file)"
        try scratch.write("share/\(rewritten)", test.style.rewrite(original))
        let (result, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        #expect(result.totals.filesRead == 2 && result.totals.filesFailed == 0)
        let detections = try #require(found[test.file])
        #expect(!detections.isEmpty)
        #expect(Self.counted(found[rewritten] ?? []) == Self.counted(detections))
        let exposures = Dictionary(uniqueKeysWithValues: result.exposures.map { ($0.path, $0) })
        let before = try #require(exposures["share/\(test.file)"])
        let after = try #require(exposures["share/\(rewritten)"])
        #expect(after.classification == before.classification && after.patients == before.patients)
        #expect(after.identifiers == before.identifiers)
    }

    /// Where the read chunk ends (the scanner reads text a mebibyte at a time).
    static let chunk = FileContentScanner.chunk
    static let labelled = "NHS number: 401 023 2137"

    /// A text whose CR falls on the read chunk's last byte, and the line the NHS number after it is on.
    struct Boundary: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var line: Int
        var testDescription: String { name }
    }

    static let boundaries = [
        // A title, then a line whose CR is the chunk's last byte: the NHS number is on line 3.
        Boundary(
            name: "CRLF", text: "title\r\n" + String(repeating: "a", count: chunk - 8) + "\r\n" + labelled + "\r\n",
            line: 3),
        Boundary(
            name: "lone CR", text: "title\r" + String(repeating: "a", count: chunk - 7) + "\r" + labelled + "\r",
            line: 3),
        Boundary(
            name: "lone CR after LF lines",
            text: "title\n" + String(repeating: "a", count: chunk - 7) + "\r" + labelled + "\n", line: 3),
        // No line end before the chunk's last byte: the line is cut into windows, never after that CR.
        Boundary(
            name: "CRLF ending a mebibyte line",
            text: String(repeating: "a", count: chunk - 1) + "\r\n" + labelled + "\r\n", line: 2),
        Boundary(
            name: "lone CR ending a mebibyte line",
            text: String(repeating: "a", count: chunk - 1) + "\r" + labelled + "\r", line: 2),
    ]

    @Test("a line end split across the read chunk is counted once", arguments: boundaries)
    func chunkBoundary(_ boundary: Boundary) async throws {
        let bytes = Array(boundary.text.utf8)
        let line = boundary.line
        // The case is what it says: a CR in the chunk's last byte.
        #expect(bytes[Self.chunk - 1] == 0x0D)
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("share/long.txt", Data(bytes))
        let (_, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        let detections = found["long.txt"] ?? []
        #expect(detections.map(\.kind) == [.nhsNumber])
        #expect(detections.first?.position == .line(line))
    }

    @Test(
        "a table is recognised whatever its line ends, even without a .csv name",
        arguments: Style.allCases)
    func sniffedTable(_ style: Style) async throws {
        let rows = [
            "Surname,Forename,DOB,Postcode", "FROST,IVY,28/02/1991,B1 2JQ", "HALE,JUNE,03/07/1984,LS16 5BR",
            "MORRIS,ALAN,19/11/1958,WF1 1XX", "PATEL,ASHA,01/01/2001,DN17 2AH", "REID,OWEN,12/09/2012,LE3 2DA",
        ]
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let text = rows.joined(separator: style.bytes) + style.bytes
        try scratch.write("share/clinic list.txt", text)
        // As PowerShell's `>` and Excel's "Unicode Text" write it: UTF-16 LE with a byte order mark.
        try scratch.write(
            "share/clinic list utf16.txt",
            Data([0xFF, 0xFE]) + Data(text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        let (result, _) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        #expect(result.exposures.count == 2)
        for exposure in result.exposures {
            #expect(exposure.classification == .patientList && exposure.patients == 5, "\(exposure.path)")
            #expect(exposure.tally(.dateOfBirth)?.location == ContentLocation(line: 2), "\(exposure.path)")
        }
        #expect(result.exposures.first { $0.path.hasSuffix("list.txt") }?.format == "csv")
    }

    private static func counted(_ detections: [Detection]) -> [Detection: Int] {
        detections.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}
