import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilScan
@testable import VigilSynth

/// The scanner on real patient-list files (`Tests/Fixtures/real-share/records/`, attributed in SOURCES.md): the import files an
/// NHS service's own tests use (Manage vaccinations in schools), in the columns of the national immunisation batch file:
/// `NHS_NUMBER`, names, `PERSON_DOB` as CCYYMMDD, `PERSON_POSTCODE`, and dates of vaccination and batch expiry beside
/// them; a breast screening cohort file (BS Select's columns) from another NHS service's set-up data; two HL7 v2
/// ADT messages as a Spine integration library's README gives them; and a FHIR searchset as the NHS immunisation API
/// returns it, from the first service's tests. Expected results worked out by hand:
///
/// - national reporting: 9449308357 passes Modulus 11 but lies in no issued range (not an identifier); 9999075320 and
///   9990000018 are test-range numbers; dates of birth 2001-01-01, -02, -03; postcodes S1 1AA and S2 1AA (AA11 1AA's
///   area does not exist). Only test-range NHS numbers, and one date beyond them (fewer than a list): test data.
/// - point of care: NHS number 7420180008 (England's range), born 2012-09-12, LE3 2DA: one patient.
/// - cohort import: no NHS number; born 2010-01-01, SW1A 1AA: one patient.
/// - screening cohort: ten people, each with a name and a date of birth (dd/mm/yyyy); their NHS numbers all pass
///   Modulus 11 and all lie in the unissued 500 million range (none counted); postcodes DN17 2AH, LS16 5BR, LS1 2RP
///   twice, DN16 3WA, BD13 4AA, EX2 5SE twice, DN16 3DN (9, 7 distinct; BV3 9ZA's area does not exist). Ten patients:
///   a patient list.
/// - ADT samples (A28 and A31, indented by a tab, under Markdown headings): hospital number 8000002 (type MR, twice),
///   NHS number 9990500002 (type NH; test range) in the first only, date of birth 19581119 in both PID-7s beside the
///   names in PID-5, postcode WF1 1XX twice. Not identifiers: the timestamps in MSH-7 and EVN-2, the practice code
///   81123 and the GP code G9991234 (their types are not MR or PI). One patient, by the hospital number.
/// - FHIR searchset: the included Patient's identifier (system `https://fhir.nhs.uk/Id/nhs-number` on the line
///   before) holds 7101120547, which passes Modulus 11 in England's range: one NHS number, line 113. Not counted: the
///   same number as the Patient's `id` on line 109 (no system names it, and of the file's bare ten-digit numbers
///   only half are valid); 9449308357 (in no issued range) as the Immunization's patient identifier and, after
///   `%7C`, in the search URL; SNOMED codes; the ODS code 100001.
///
/// The dates of vaccination (20251109, 20250514) and batch expiry (20251030, 20220730) are CCYYMMDD too, and none is a
/// date of birth: their columns do not say birth.
@Suite("Real patient-list files")
struct RealShareScanTests {
    /// What the hand-worked reading says about one kind in one file.
    struct Expected: Equatable, CustomStringConvertible {
        var count: Int
        var distinct: Int
        var testData: Int = 0
        var sample: String
        var description: String { "\(count) (\(distinct) distinct, \(testData) test) \(sample)" }

        init(_ count: Int, distinct: Int, testData: Int = 0, _ sample: String) {
            self.count = count
            self.distinct = distinct
            self.testData = testData
            self.sample = sample
        }

        init(_ tally: IdentifierTally) {
            self.init(tally.count, distinct: tally.distinct, testData: tally.testData, tally.sample)
        }
    }

    /// One file's reading, worked out by hand (above): its classification, patients, and every kind found (any other
    /// kind must be absent).
    struct Reading: Sendable, CustomTestStringConvertible {
        var file: String
        var classification: PatientDataClassification
        var patients: Int
        var kinds: [PatientIdentifierKind: Expected]
        var testDescription: String { file }
    }

    static let readings: [Reading] = [
        Reading(
            // Two test numbers, and a third row whose number is in no issued range, with a date of birth beside a
            // name: fewer dates beyond the test numbers than a list, so the file stays test data.
            file: "mavis-national-reporting-valid-mixed-flu-hpv.csv", classification: .testData, patients: 0,
            kinds: [
                .nhsNumber: Expected(0, distinct: 0, testData: 2, "999 *** ****"),
                .dateOfBirth: Expected(3, distinct: 3, "**/**/2001"), .postcode: Expected(2, distinct: 2, "S1 ***"),
            ]),
        Reading(
            file: "mavis-point-of-care-valid-with-bom.csv", classification: .singleIdentifier, patients: 1,
            kinds: [
                .nhsNumber: Expected(1, distinct: 1, "742 *** **08"),
                .dateOfBirth: Expected(1, distinct: 1, "**/**/2012"),
                .postcode: Expected(1, distinct: 1, "LE3 ***"),
            ]),
        Reading(
            file: "mavis-cohort-import-valid-with-bom.csv", classification: .singleIdentifier, patients: 1,
            kinds: [
                .dateOfBirth: Expected(1, distinct: 1, "**/**/2010"), .postcode: Expected(1, distinct: 1, "SW1A ***"),
            ]),
        Reading(
            file: "dtos-bss-20240601121212-n10.csv", classification: .patientList, patients: 10,
            kinds: [
                .dateOfBirth: Expected(10, distinct: 10, "**/**/1971"), .postcode: Expected(9, distinct: 7, "DN17 ***"),
            ]),
        Reading(
            file: "open-inhealthcare-readme-adt-samples.txt", classification: .singleIdentifier, patients: 1,
            kinds: [
                .nhsNumber: Expected(0, distinct: 0, testData: 1, "999 *** ****"),
                .hospitalNumber: Expected(2, distinct: 1, "*****02"),
                .dateOfBirth: Expected(2, distinct: 1, "**/**/1958"),
                .postcode: Expected(2, distinct: 1, "WF1 ***"),
            ]),
        Reading(
            file: "mavis-fhir-1-result-primary-source-false.json", classification: .singleIdentifier, patients: 1,
            kinds: [.nhsNumber: Expected(1, distinct: 1, "710 *** **47")]),
    ]

    @Test("each real file gives the identifiers worked out by hand, and no other kind", arguments: readings)
    func handWorkedReading(_ reading: Reading) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let share = scratch.url.appendingPathComponent("share")
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Fixtures.url("real-share/records/\(reading.file)"), to: share.appendingPathComponent(reading.file))
        let (result, _) = try await Scan.run(share)
        #expect(result.totals.filesRead == 1 && result.totals.filesFailed == 0)
        let exposure = try #require(result.exposures.first)
        #expect(exposure.classification == reading.classification && exposure.patients == reading.patients)
        for kind in PatientIdentifierKind.allCases {
            #expect(exposure.tally(kind).map(Expected.init) == reading.kinds[kind], "\(kind)")
        }
    }

    @Test("one test row left in an export of 1,500 patients known by date of birth does not make it test data")
    func testRowInAnExport() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let share = scratch.url.appendingPathComponent("share")
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        // 9990000018: a test-range number whose Modulus 11 check digit (8) is right.
        var rows = ["NHS Number,Surname,Forename,Date of Birth,Postcode", "9990000018,Test,Patient,01/01/1980,LS1 4AP"]
        for index in 0..<1_500 {
            let day = index % 28 + 1
            let month = index / 28 % 12 + 1
            let year = 1930 + index / 336
            rows.append(",Surname\(index),Forename,\(String(format: "%02d/%02d/%d", day, month, year)),LS1 4AP")
        }
        try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: share.appendingPathComponent("export.csv"))
        let (result, _) = try await Scan.run(share)
        let exposure = try #require(result.exposures.first)
        let births = try #require(exposure.tally(.dateOfBirth))
        #expect(exposure.tally(.nhsNumber)?.testData == 1)
        #expect(exposure.classification == .bulkExport, "\(exposure.classification) \(exposure.patients)")
        #expect(exposure.patients == births.distinct - 1)
    }

    @Test("the FHIR searchset's NHS number is located at its identifier's value, line 113")
    func searchsetLocation() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let name = "mavis-fhir-1-result-primary-source-false.json"
        try FileManager.default.createDirectory(
            at: scratch.url.appendingPathComponent("share"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Fixtures.url("real-share/records/\(name)"), to: scratch.url.appendingPathComponent("share/\(name)"))
        let (result, _) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        #expect(result.exposures.first?.tally(.nhsNumber)?.location == ContentLocation(line: 113))
    }

    @Test(
        "CCYYMMDD is a date of birth only under a date-of-birth header beside names, and only when it is a real date",
        arguments: [
            ("Name,DOB\nJane Smith,19560312\n", 1), ("Name,DOB\nJane Smith,19561312\n", 0),
            ("Name,DOB\nJane Smith,19560230\n", 0), ("Name,DOB\nJane Smith,18990312\n", 0),
            ("Name,DOB\nJane Smith,20270312\n", 0), ("Name,Admitted\nJane Smith,19560312\n", 0),
            ("Ward,DOB\nAsh,19560312\n", 0), ("Name,DOB\nJane Smith,195603120\n", 0),
            ("Name,DOB\nJane Smith,19560312X\n", 0), ("Born 19560312, Jane Smith\n", 0),
            ("Name,DOB\nJane Smith,195603121030\n", 1), ("Name,DOB\nJane Smith,19560312103000\n", 1),
            ("Name,DOB\nJane Smith,1956031210\n", 0),
        ])
    func compactDatesOfBirth(_ text: String, _ expected: Int) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("share/list.csv", text)
        let (_, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        #expect(found["list.csv", default: []].filter { $0.kind == .dateOfBirth }.count == expected)
    }

    @Test("a workbook's CCYYMMDD number under a date-of-birth header is a date of birth; a serial number still is")
    func compactDateOfBirthInWorkbook() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let rows: [[OfficePackage.Cell]] = [
            [.text("Surname"), .text("DOB"), .text("Seen")],
            [.text("Smith"), .number("19560312"), .number("20250514")],
            [.text("Jones"), .number("20546"), .number("20251109")],
            [.text("Khan"), .number("19561312"), .number("19561312")],
        ]
        try scratch.write("share/list.xlsx", try Scan.deflated(OfficePackage.workbook([("Clinic", rows)])))
        let (_, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        let dates = found["list.xlsx", default: []].filter { $0.kind == .dateOfBirth }
        #expect(dates.map(\.value).sorted() == [19_560_312, 19_560_401])
    }
}
