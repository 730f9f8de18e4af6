import Foundation
import Testing
import VigilCore
import VigilScan
import VigilTestSupport

/// UTF-16 tables (Excel's "Unicode text" and many Windows exports) are read as tables, with their header's context,
/// exactly as their UTF-8 twins.
@Suite("UTF-16 tables")
struct UTF16TableTests {
    @Test(
        "a UTF-16 patient list with a header gives the same finding as its UTF-8 twin",
        arguments: [("csv", ","), ("tsv", "\t"), ("txt", "\t")])
    func twins(fileExtension: String, separator: String) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let numbers = ScanTestNumbers.valid(count: 32)
        // Bare ten-digit numbers count only with a header that says what they are.
        let text =
            (["NHS Number", "Surname", "Clinic"].joined(separator: separator) + "\r\n")
            + numbers.enumerated().map { [$1, "Smith\($0)", "Renal"].joined(separator: separator) }
            .joined(separator: "\r\n") + "\r\n"
        try scratch.write("share/utf8.\(fileExtension)", text)
        try scratch.write("share/utf16le.\(fileExtension)", Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!)
        try scratch.write("share/utf16be.\(fileExtension)", Data([0xFE, 0xFF]) + text.data(using: .utf16BigEndian)!)
        let (result, _) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        let utf8 = try #require(result.exposures.first { $0.path.hasSuffix("utf8.\(fileExtension)") })
        #expect(utf8.patients == 32 && utf8.classification == .patientList)
        for name in ["utf16le", "utf16be"] {
            let twin = try #require(result.exposures.first { $0.path.hasSuffix("\(name).\(fileExtension)") })
            #expect(twin.patients == utf8.patients && twin.classification == utf8.classification, "\(name)")
            #expect(twin.identifiers == utf8.identifiers, "\(name)")
            #expect(twin.format == (separator == "," ? "csv" : "tsv") + " (UTF-16)")
        }
    }
}

/// Valid NHS numbers for tests.
enum ScanTestNumbers {
    /// `count` numbers from 401 023 200x on with valid check digits.
    static func valid(count: Int) -> [String] {
        var result: [String] = []
        var stem: UInt64 = 401_023_200
        while result.count < count {
            if let check = HealthNumber.expectedCheckDigit(stem * 10) { result.append(String(stem * 10 + check)) }
            stem += 1
        }
        return result
    }
}
