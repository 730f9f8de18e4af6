import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilParsers

@Suite("Access logs: the CSV and FHIR AuditEvent readers")
struct AccessLogReaderTests {
    /// An event as `time | user | resource | action | outcome | line`, the time in seconds since 1970.
    func describe(_ fragment: EvidenceFragment) -> [String] {
        fragment.accessEvents.map {
            "\(Int($0.time.timeIntervalSince1970)) | \($0.principal) | \($0.resourceID) | \($0.action) | \($0.succeeded ? "success" : "failure") | \($0.source.line ?? 0)"
        }
    }

    /// Seconds since 1970 of a UTC time written `2026-11-20T09:15:00`.
    func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) -> Int {
        CivilDate.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    @Test(
        "timestamps in several shapes and zones",
        arguments: [
            ("2026-11-20T09:15:00Z", "2026-11-20 09:15:00", true),
            ("2026-11-20T09:15:00.1234567Z", "2026-11-20 09:15:00", true),
            ("2026-11-20 10:15:00+01:00", "2026-11-20 09:15:00", true),
            ("2026-11-20T04:15:00-0500", "2026-11-20 09:15:00", true),
            ("2026-11-20T10:15+01", "2026-11-20 09:15:00", true),
            ("2026-11-20 09:15:00 UTC", "2026-11-20 09:15:00", true),
            ("20/11/2026 09:15:00", "2026-11-20 09:15:00", false),
            ("20/11/2026 9:15:00 AM", "2026-11-20 09:15:00", false),
            ("20/11/2026 9:15 PM", "2026-11-20 21:15:00", false),
            ("20/11/2026 12:05 AM", "2026-11-20 00:05:00", false),
            ("20.11.2026 09:15", "2026-11-20 09:15:00", false),
            ("20-11-2026 09:15:00 GMT", "2026-11-20 09:15:00", true),
            ("2026-11-20", "2026-11-20 00:00:00", false),
            ("1795000000", "2026-11-18 11:06:40", true),
            ("1795000000500", "2026-11-18 11:06:40", true),
        ])
    func times(text: String, expected: String, zoneStated: Bool) throws {
        let parsed = try #require(AccessLogTime.parse(text), "\(text)")
        let parts = expected.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).compactMap { Int($0) }
        let seconds = utc(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
        #expect(Int(parsed.date.timeIntervalSince1970.rounded(.down)) == seconds, "\(text)")
        #expect(parsed.zoneStated == zoneStated, "\(text)")
    }

    @Test(
        "what is not a timestamp is refused, never wrapped",
        arguments: [
            "yesterday", "", "2026-02-30T08:00:00Z", "2026-13-01", "31/04/2026 10:00", "2026-11-20T24:00:00Z",
            "2026-11-20T09:60:00Z", "2026-11-20T09:15:00+15:00", "20/11/2026 13:00 PM", "123456789",
            "2026-11-20T09:15:00Zjunk", "99999999999999999999", "2026/1/20", "0000-01-01", "0000000001",
            "0999999999999",
        ])
    func badTimes(text: String) {
        #expect(AccessLogTime.parse(text) == nil, "\(text)")
    }

    @Test("CSV: rows folded per user, resource, action, outcome and day; bad rows rejected with their line")
    func fileAudit() throws {
        let reader = AccessLogReader()
        let path = Fixtures.url("access-log/file-audit.csv").path
        #expect(reader.recognises(try FormatSniffer.sample(path: path)))
        let fragment = try reader.read(path: path, file: "log.csv", progress: nil)
        let sid = "S-1-5-21-1004336348-1177238915-682003330-1105"
        let clinic = "D:\\Shares\\Trust\\Clinical\\Outpatients\\Clinic list.xlsx"
        let budget = "D:\\Shares\\Trust\\Finance\\Budget, 2026.xlsx"
        // Lines 2, 10 and 11 are one combination on three days (the 20th, the 25th, and 07:00-05:00 = 12:00Z on the
        // 19th), each kept; lines 4 and 5 are one combination at one instant (14:05:09 and 2:05:09 PM), kept once.
        #expect(
            describe(fragment) == [
                "\(utc(2026, 11, 20, 9, 15, 0)) | \(sid) | \(clinic) | read | success | 2",
                "\(utc(2026, 11, 20, 9, 15, 0)) | amy.hall@trust.example.nhs.uk | \(clinic) | read | success | 3",
                "\(utc(2026, 11, 21, 14, 5, 9)) | NHSTRUST\\ben.jones | \(budget) | write | success | 4",
                "1795000000 | carl.young | D:\\Shares\\Trust\\Referrals | read | failure | 6",
                "\(utc(2026, 11, 25, 16, 30, 0)) | \(sid) | \(clinic) | read | success | 10",
                "\(utc(2026, 11, 19, 12, 0, 0)) | \(sid) | \(clinic) | read | success | 11",
            ])
        #expect(fragment.log.recordsRead == 7)
        #expect(fragment.log.recordsRejected == 4)
        let codes = fragment.log.diagnostics.map { "\($0.code)@\($0.location.line ?? 0)" }
        #expect(
            codes == [
                "accesslog.bad-time@7", "accesslog.no-user@8", "accesslog.bad-outcome@9", "accesslog.bad-time@13",
                "accesslog.time-without-zone@4",
            ])
        #expect(fragment.log.diagnostics.allSatisfy { !$0.message.contains("carl") && !$0.message.contains("maybe") })
    }

    @Test("CSV: a semicolon-separated clinical audit report without a resource column; actions kept as one word")
    func ehrAudit() throws {
        let reader = AccessLogReader()
        let path = Fixtures.url("access-log/ehr-audit-semicolon.csv").path
        #expect(reader.recognises(try FormatSniffer.sample(path: path)))
        let fragment = try reader.read(path: path, file: "ehr.csv", progress: nil)
        #expect(
            describe(fragment) == [
                "\(utc(2026, 11, 24, 8, 1, 12)) | NHSTRUST\\amy.hall |  | login | success | 2",
                "\(utc(2026, 11, 24, 8, 3, 40)) | NHSTRUST\\amy.hall |  | read | success | 3",
                "\(utc(2026, 11, 24, 9, 0, 0)) | NHSTRUST\\amy.hall |  | read | success | 6",
                "\(utc(2026, 11, 24, 8, 5, 0)) | dr.locum |  | read | failure | 5",
            ])
        #expect(fragment.log.recordsRead == 5)
        #expect(fragment.log.recordsRejected == 0)
        #expect(fragment.log.diagnostics.map(\.code) == ["accesslog.time-without-zone"])
        #expect(fragment.log.diagnostics.first?.location.line == 2)
        #expect(fragment.accessEvents.allSatisfy { !$0.action.contains("patient") })
    }

    @Test(
        "CSV headers: recognised by a time, a user and a resource or action column, not by other CSVs",
        arguments: [
            ("\"Time\",\"User\",\"Resource\",\"Action\",\"Outcome\"", true),
            ("TimeCreated\tSubjectUserSid\tObjectName", true),
            ("timestamp;upn;activity", true),
            ("Date,Account,Path", true),
            ("Time,User,Outcome", false),
            ("User,Resource,Action", false),
            ("\"Path\",\"Owner\",\"Group\",\"AccessToString\",\"Sddl\"", false),
            ("Host Name,OS Name,OS Version", false),
        ])
    func headers(line: String, recognised: Bool) {
        #expect(AccessLogReader().recognises(TextSample(bytes: Array((line + "\n").utf8))) == recognised, "\(line)")
    }

    /// The five specification examples, read one at a time.
    static let examples: [(String, String)] = [
        (
            "fhir/audit-event-example-vread.json",
            "1371771744 | 601847123 | hl7connect.healthintersections.com.au | read | success | 1"
        ),
        (
            "fhir/audit-event-example-login.json",
            "1371771683 | 601847123 | hl7connect.healthintersections.com.au | login | success | 1"
        ),
        (
            "fhir/audit-event-example-logout.json",
            "1371772001 | 601847123 | hl7connect.healthintersections.com.au | logout | success | 1"
        ),
        (
            "fhir/auditevent-example-error.json",
            "1504827744 | 601847123 | hl7connect.healthintersections.com.au | write | failure | 1"
        ),
        ("fhir/auditevent-example.json", "1351163067 | Grahame | Grahame's Laptop | other | success | 1"),
    ]

    @Test("FHIR: one AuditEvent resource, as the specification's examples are", arguments: examples)
    func fhirSingle(fixture: String, expected: String) throws {
        let reader = FHIRAuditEventReader()
        let path = Fixtures.url(fixture).path
        #expect(reader.recognises(try FormatSniffer.sample(path: path)))
        let fragment = try reader.read(path: path, file: "audit.json", progress: nil)
        #expect(describe(fragment) == [expected])
        #expect(fragment.log.recordsRead == 1)
        #expect(fragment.log.diagnostics.isEmpty, "\(fragment.log.diagnostics)")
    }

    @Test("FHIR: a Bundle streams entry by entry; an entry of another type is counted, not read")
    func fhirBundle() throws {
        let reader = FHIRAuditEventReader()
        let path = Fixtures.url("fhir/auditevent-bundle.json").path
        #expect(reader.recognises(try FormatSniffer.sample(path: path)))
        let fragment = try reader.read(path: path, file: "bundle.json", progress: nil)
        let found = describe(fragment).map { $0.split(separator: "|").dropLast().joined(separator: "|") }
        let order = [1, 0, 2, 3, 4].map { Self.examples[$0].1.split(separator: "|").dropLast().joined(separator: "|") }
        #expect(found == order)
        #expect(fragment.log.recordsRead == 5)
        #expect(fragment.log.recordsRejected == 0)
        #expect(fragment.log.diagnostics.map(\.code) == ["fhir.other-resources"])
        #expect(fragment.accessEvents.allSatisfy { !$0.resourceID.contains("Patient") && !$0.action.contains("/") })
    }

    @Test("FHIR: NDJSON line by line; a damaged line is rejected at its line and the rest read")
    func fhirNDJSON() throws {
        let reader = FHIRAuditEventReader()
        let path = Fixtures.url("fhir/auditevents.ndjson").path
        #expect(reader.recognises(try FormatSniffer.sample(path: path)))
        let fragment = try reader.read(path: path, file: "audit.ndjson", progress: nil)
        #expect(fragment.accessEvents.map(\.action) == ["login", "read", "logout", "other"])
        #expect(fragment.accessEvents.map(\.source.line) == [1, 2, 3, 6])
        #expect(fragment.log.recordsRead == 4)
        #expect(fragment.log.recordsRejected == 1)
        #expect(fragment.log.diagnostics.map { "\($0.code)@\($0.location.line ?? 0)" } == ["fhir.malformed@4"])
        // Lines follow the damaged one: the message must not say the file ended there.
        #expect(fragment.log.diagnostics.first?.message.contains("end of the file") == false)
        #expect(fragment.log.diagnostics.first?.message.contains("a record or file cut short") == true)
    }

    @Test("FHIR: NDJSON whose first line is damaged rejects that line only; the lines after it are read")
    func fhirNDJSONFirstLineDamaged() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let lines = try String(contentsOf: Fixtures.url("fhir/auditevents.ndjson"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        // The fixture's first line cut half-way, then the rest of the file as it is.
        let first = lines[0].prefix(lines[0].utf8.count / 2)
        let url = try scratch.write(
            "audit.ndjson", ([String(first)] + lines.dropFirst().map(String.init)).joined(separator: "\n"))
        let fragment = try FHIRAuditEventReader().read(path: url.path, file: "audit.ndjson", progress: nil)
        #expect(fragment.accessEvents.map(\.action) == ["read", "logout", "other"])
        #expect(fragment.accessEvents.map(\.source.line) == [2, 3, 6])
        #expect(fragment.log.recordsRejected == 2)
        #expect(
            fragment.log.diagnostics.map { "\($0.code)@\($0.location.line ?? 0)" } == [
                "fhir.malformed@1", "fhir.malformed@4",
            ])
    }

    @Test("FHIR: a Bundle on one line (as a FHIR server returns it to curl) is read as the Bundle, entry by entry")
    func fhirMinifiedBundle() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let pretty = try Data(contentsOf: Fixtures.url("fhir/auditevent-bundle.json"))
        let compact = try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: pretty))
        #expect(!compact.contains(0x0A))
        let url = try scratch.write("bundle.json", compact)
        let reader = FHIRAuditEventReader()
        #expect(reader.recognises(try FormatSniffer.sample(path: url.path)))
        let fragment = try reader.read(path: url.path, file: "bundle.json", progress: nil)
        #expect(fragment.log.recordsRead == 5)
        #expect(fragment.log.recordsRejected == 0)
        #expect(fragment.log.diagnostics.map(\.code) == ["fhir.other-resources"])
    }

    @Test("FHIR: a Bundle entry that is not an object (a number) is rejected alone; the entries after it are read")
    func fhirBundleStrayEntry() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let text = try String(contentsOf: Fixtures.url("fhir/auditevent-bundle.json"), encoding: .utf8)
        // The number 42 as the bundle's first entry.
        let range = try #require(text.range(of: "\"entry\": ["))
        let url = try scratch.write("bundle.json", text.replacingCharacters(in: range, with: "\"entry\": [42, "))
        let fragment = try FHIRAuditEventReader().read(path: url.path, file: "bundle.json", progress: nil)
        #expect(fragment.log.recordsRead == 5)
        #expect(fragment.log.recordsRejected == 1)
        #expect(fragment.log.diagnostics.map(\.code) == ["fhir.malformed-entry", "fhir.other-resources"])
    }

    @Test(
        "FHIR: a first line held while the next decides the form is a copy (the fuzzer's use-after-free, 7 December)",
        arguments: [
            Data([0x7B, 0x22, 0x72, 0x00, 0x00, 0x00]),  // the crashing input: `{"r` and three NULs, one line
            Data("{\"r\n{\"resourceType\":\"AuditEvent\"}\n".utf8),  // decided by a whole object next
            Data("{\n\"r\": 1\n".utf8),  // decided as a document, cut short
        ])
    func fhirPendingLineCopied(bytes: Data) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write("audit.json", bytes)
        let fragment = try FHIRAuditEventReader().read(path: url.path, file: "audit.json", progress: nil)
        #expect(fragment.log.recordsRead == 0)
        #expect(fragment.log.recordsRejected >= 1)
        #expect(fragment.log.diagnostics.allSatisfy { $0.location.line.map { $0 >= 1 && $0 <= 2 } ?? true })
    }

    @Test("FHIR: a file of one line that is not whole JSON is one rejected document, at line 1")
    func fhirOneCutLine() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write("cut.json", #"{"resourceType":"AuditEvent","recorded":"2026-11-01T10:00"#)
        let fragment = try FHIRAuditEventReader().read(path: url.path, file: "cut.json", progress: nil)
        #expect(fragment.log.recordsRead == 0)
        #expect(fragment.log.diagnostics.map { "\($0.code)@\($0.location.line ?? 0)" } == ["fhir.malformed@1"])
    }

    @Test("FHIR NDJSON is sniffed as FHIR, never as an access-log CSV, even with comma-separated words in its text")
    func fhirNDJSONSniffed() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let narrative =
            #"{"resourceType":"AuditEvent","id":"a1","text":{"div":"<div>Columns: when, who, action, outcome</div>"},"#
            + #""action":"E","recorded":"2026-11-01T10:00:00Z","outcome":"0","#
            + #""agent":[{"who":{"identifier":{"value":"jsmith"}},"requestor":true}]}"#
        try scratch.write("AuditEvent.ndjson", narrative + "\n")
        for path in [
            Fixtures.url("fhir/auditevents.ndjson").path, scratch.url.appending(path: "AuditEvent.ndjson").path,
        ] {
            guard case .recognised(let reader) = try FormatSniffer().examine(path: path) else {
                Issue.record("\(path) not recognised")
                continue
            }
            #expect(reader.format.id == "fhir-auditevent", "\(path)")
        }
    }

    @Test("FHIR: recognised beside the other JSON formats, and sniffed by the catalogue")
    func fhirSniffed() throws {
        let verdict = try FormatSniffer().examine(path: Fixtures.url("fhir/auditevent-bundle.json").path)
        guard case .recognised(let reader) = verdict else {
            Issue.record("not recognised")
            return
        }
        #expect(reader.format.id == "fhir-auditevent")
        let csv = try FormatSniffer().examine(path: Fixtures.url("access-log/file-audit.csv").path)
        guard case .recognised(let csvReader) = csv else {
            Issue.record("not recognised")
            return
        }
        #expect(csvReader.format.id == "access-log")
        let patient = TextSample(bytes: Array("{\"resourceType\": \"Patient\", \"id\": \"x\"}".utf8))
        #expect(!FHIRAuditEventReader().recognises(patient))
    }

    @Test("a log of many rows by few users keeps at most two events per combination and day, not one per row")
    func bounded() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var text = "time,user,resource,action,outcome\n"
        for row in 0..<20_000 {
            let day = 1 + row % 28
            text +=
                "2026-10-\(day < 10 ? "0" : "")\(day)T08:00:00Z,user\(row % 7),D:\\Shares\\S\(row % 3)\\f.txt,read,success\n"
        }
        let url = try scratch.write("big.csv", Data(text.utf8))
        let fragment = try AccessLogReader().read(path: url.path, file: "big.csv", progress: nil)
        #expect(fragment.log.recordsRead == 20_000)
        // 7 users × 3 shares × 28 days = 84 combinations (row % 84 decides all three), each day's rows at one instant,
        // so one event each.
        #expect(fragment.accessEvents.count == 84)
    }

    @Test("a CSV saved by Excel for Mac (CR alone ends its lines) is recognised and every row read")
    func crOnlyLineEnds() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let text = try String(contentsOf: Fixtures.url("access-log/file-audit.csv"), encoding: .utf8)
            .replacingOccurrences(of: "\r\n", with: "\r").replacingOccurrences(of: "\n", with: "\r")
        let url = try scratch.write("mac.csv", text)
        #expect(TextSample(bytes: Array(text.utf8)).lines(limit: 2).count == 2)
        guard case .recognised(let reader) = try FormatSniffer().examine(path: url.path) else {
            Issue.record("not recognised")
            return
        }
        #expect(reader.format.id == "access-log")
        let fragment = try reader.read(path: url.path, file: "mac.csv", progress: nil)
        let lf = try AccessLogReader().read(
            path: Fixtures.url("access-log/file-audit.csv").path, file: "mac.csv", progress: nil)
        #expect(fragment.log.recordsRead == 7)
        #expect(describe(fragment) == describe(lf))
    }

    @Test("use inside a window is kept when the same user read the same file before and after it (any assessment date)")
    func middleOfLogKept() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // Three days of one combination, two rows on the middle day: its earliest and latest rows there are kept, so a
        // window of whole days ending on the 16th or the 20th (the assessment date before the log's end) still holds
        // a row. Folding to the first and last row overall kept only June and December.
        let text = """
            time,user,resource,action,outcome
            2026-06-01T08:00:00Z,aaliyah.malik,D:\\Shares\\Clinical\\list.csv,read,success
            2026-10-15T09:00:00Z,aaliyah.malik,D:\\Shares\\Clinical\\list.csv,read,success
            2026-10-15T13:00:00Z,aaliyah.malik,D:\\Shares\\Clinical\\list.csv,read,success
            2026-10-15T11:00:00Z,aaliyah.malik,D:\\Shares\\Clinical\\list.csv,read,success
            2026-12-05T08:00:00Z,aaliyah.malik,D:\\Shares\\Clinical\\list.csv,read,success

            """
        let url = try scratch.write("log.csv", Data(text.utf8))
        let fragment = try AccessLogReader().read(path: url.path, file: "log.csv", progress: nil)
        #expect(fragment.log.recordsRead == 5)
        #expect(
            fragment.accessEvents.map { Int($0.time.timeIntervalSince1970) } == [
                utc(2026, 6, 1, 8, 0, 0), utc(2026, 10, 15, 9, 0, 0), utc(2026, 10, 15, 13, 0, 0),
                utc(2026, 12, 5, 8, 0, 0),
            ])
    }
}
