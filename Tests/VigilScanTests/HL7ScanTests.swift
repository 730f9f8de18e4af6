import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilScan

/// HL7 v2 messages as message logs and interface-engine archives keep them: identifiers that name their own type in
/// PID-3, the date of birth in PID-7. Without reading them, an ADT message with an issued NHS number, a hospital number
/// and a date of birth gave no finding at all.
@Suite("HL7 v2 messages")
struct HL7ScanTests {
    static let msh = "MSH|^~\\&|EPIC|WESTGENERAL|LABSYS|WESTLAB|20260820113000||ADT^A08^ADT_A01|C4471|P|2.5.1"

    /// The detections of one file holding `text`, by kind.
    static func found(_ text: String, name: String = "adt.hl7") async throws -> [PatientIdentifierKind: Int] {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("share/\(name)", text)
        let (result, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        #expect(result.totals.filesRead == 1)
        var kinds: [PatientIdentifierKind: Int] = [:]
        for detection in found[name, default: []] { kinds[detection.kind, default: 0] += 1 }
        return kinds
    }

    @Test("an ADT message with \\r between segments: NHS number, hospital number and date of birth")
    func admission() async throws {
        let message = [
            Self.msh, "EVN|A08|20260820113000",
            "PID|1||100294^^^WESTGEN^MR~4010232137^^^NHS^NH||FROST^IVY^ANNE||19910228|F|||14 CANAL ST^^BIRMINGHAM^^B1 2JQ",
            "PV1|1|I|WARD7^712^A|R||||1234^HALE^JUNE^^^DR|||||||||INP|V88213",
        ].joined(separator: "\r")
        let kinds = try await Self.found(message + "\r")
        #expect(kinds == [.nhsNumber: 1, .hospitalNumber: 1, .dateOfBirth: 1, .postcode: 1])
    }

    @Test(
        "an NHS number is one by its type NH or its authority NHS, with or without check digit and subcomponents",
        arguments: [
            ("4010232137^^^NHS^NH", 1), ("4010232137^7^M11^NHS^NH", 1),
            ("4010232137^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH", 1), ("4010232137^^^X^NH", 1),
            ("4010232137^^^NHS", 1), ("4010232137^^^nhs^nh", 1), ("4010232137^^^RMW00^AN", 0),
            ("4010232137^^^RMW00^VN", 0), ("4010232137^^^NHSX^XX", 0),
            // A stated type other than NH wins over the authority; a hospital number's digits may pass Modulus 11.
            ("4010232137^^^NHS^VN", 0), ("4010232137^^^RMW00^MR", 0),
            // Not a CX: a check digit of more than two characters, a scheme HL7 does not list, components too long.
            ("4010232137^SMITH^JOHN^NHS^NH", 0), ("4010232137^7^XYZ^NHS^NH", 0),
            ("4010232137^^^NHS&\(String(repeating: "9", count: 90))&ISO^NH", 0),
        ])
    func nhsNumberType(_ identifier: String, _ expected: Int) async throws {
        let kinds = try await Self.found("\(Self.msh)\rPID|1||\(identifier)||SMITH^JANE\r")
        #expect(kinds[.nhsNumber, default: 0] == expected)
    }

    @Test(
        "a medical record number (type MR or PI) is a hospital number; other types are not",
        arguments: [
            ("100294^^^WESTGEN^MR", 1), ("K123456^^^RXH^MR", 1), ("SWW100001^^^192^PI", 1),
            ("100294^^^WESTGEN^AN", 0), ("100294^^^WESTGEN^VN", 0), ("4010232137^^^RMW00^MR", 1),
        ])
    func hospitalNumberType(_ identifier: String, _ expected: Int) async throws {
        let kinds = try await Self.found("\(Self.msh)\rPID|1||\(identifier)||SMITH^JANE\r")
        #expect(kinds[.hospitalNumber, default: 0] == expected)
    }

    @Test("a staff member's code in an XCN field whose fifth component is a title MR is not a hospital number")
    func staffTitle() async throws {
        let kinds = try await Self.found("\(Self.msh)\rPV1|1|I|||||C1234567^SMITH^JOHN^^MR|1234567^JONES^ANN^^MR\r")
        #expect(kinds[.hospitalNumber] == nil)
    }

    @Test("a message archive of one message per line (segments split by \\r) is read as messages, not as a table")
    func archiveOfMessages() async throws {
        let lines = (1...6).map { index in
            "\(Self.msh)\rPID|1||10029\(index)^^^WESTGEN^MR||FROST^IVY||1991022\(index)|F\rPV1|1|I"
        }
        let kinds = try await Self.found(lines.joined(separator: "\n") + "\n", name: "archive.txt")
        #expect(kinds[.dateOfBirth] == 6 && kinds[.hospitalNumber] == 6)
    }

    @Test(
        "the date of birth is PID-7 beside a name in PID-5, and only that",
        arguments: [
            ("PID|1||100^^^H^AN||SMITH^JANE||19910228|F", 1),
            ("PID|1||100^^^H^AN||SMITH^JANE||199102281030|F", 1),
            ("PID|1||100^^^H^AN||SMITH^JANE||19910228103000|F", 1),
            ("PID|1||100^^^H^AN||SMITH^JANE||1991022810|F", 1),
            ("\tPID|1||100^^^H^AN||SMITH^JANE||19910228|F", 1),
            ("PID|1||100^^^H^AN||||19910228|F", 0),
            ("PID|1||100^^^H^AN||SMITH^JANE|||19910228", 0),
            ("PID|1||100^^^H^AN||SMITH^JANE||19911328|F", 0),
            ("PID|1||100^^^H^AN||SMITH^JANE||20991231|F", 0),
            ("NK1|1|SMITH^JOHN|SPO||19600101", 0), ("NK1|1||x||SMITH^JOHN||19600101", 0),
            ("PIX|1||x||SMITH^JOHN||19600101", 0),
            ("OBX|1|TS|DOB||19910228", 0),
        ])
    func dateOfBirth(_ segment: String, _ expected: Int) async throws {
        let kinds = try await Self.found("\(Self.msh)\n\(segment)\n", name: "messages.txt")
        #expect(kinds[.dateOfBirth, default: 0] == expected)
        // The message header's timestamp is never one.
        #expect(try await Self.found("\(Self.msh)\n", name: "header.txt").isEmpty)
    }

    @Test("a message framed for MLLP (start and end bytes around it) is read the same")
    func mllpFrame() async throws {
        let message = "\u{0B}\(Self.msh)\rPID|1||4010232137^^^NHS^NH||FROST^IVY||19910228|F\r\u{1C}\r"
        let kinds = try await Self.found(message)
        #expect(kinds[.nhsNumber] == 1 && kinds[.dateOfBirth] == 1)
    }
}
