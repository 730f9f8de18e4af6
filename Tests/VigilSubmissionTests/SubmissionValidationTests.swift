import Foundation
import Testing
import VigilCore
import VigilSubmission

/// What the service refuses: every limit and allow-list is checked again on reading, because a modified client could
/// send anything, and the refusal names the position, never the value.
@Suite("submission validation")
struct SubmissionValidationTests {
    static func valid() throws -> Submission {
        try Submission(assessment: Seeded.assessment(), key: Seeded.key)
    }

    static func encoded(_ submission: Submission) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(submission)
    }

    /// A broken document, the code it must be refused with, and a value that must not be echoed.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let code: SubmissionError.Code
        let change: @Sendable (inout Submission) -> Void
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a name in a fact", code: .invalid) { $0.findings[0].facts["daysExposed"] = Seeded.account },
        Case(name: "a fact outside the allow-list", code: .invalid) { $0.findings[0].facts["host"] = Seeded.host },
        Case(name: "a subject that is a name", code: .invalid) { $0.findings[0].subject = Seeded.nhsNumber },
        Case(name: "a covered subject that is a name", code: .invalid) { $0.coverage[0].subjects = [Seeded.host] },
        Case(name: "a future schema", code: .unsupportedVersion) { $0.schemaVersion = "9.0" },
        Case(name: "an organisation code with a path", code: .invalid) { $0.organisation = Seeded.path },
        Case(name: "a negative metric", code: .invalid) { $0.metrics[0].value = -1 },
        Case(name: "a duplicate finding", code: .invalid) { $0.findings.append($0.findings[0]) },
        Case(name: "two groups for one area and kind", code: .invalid) { $0.coverage.append($0.coverage[0]) },
        Case(name: "a key fingerprint in a 1.1 document", code: .invalid) { $0.schemaVersion = "1.1" },
        Case(name: "a 1.2 document without its key's fingerprint", code: .invalid) { $0.keyFingerprint = nil },
        Case(name: "a key fingerprint that is a name", code: .invalid) { $0.keyFingerprint = Seeded.host },
        Case(name: "a key fingerprint in capitals", code: .invalid) {
            $0.keyFingerprint = $0.keyFingerprint?.uppercased()
        },
    ]

    @Test("a broken document is refused with its code and position, without echoing the value", arguments: cases)
    func refused(_ broken: Case) throws {
        var submission = try Self.valid()
        broken.change(&submission)
        let data = try Self.encoded(submission)
        #expect {
            _ = try Submission.decode(data)
        } throws: { error in
            guard let failure = error as? SubmissionError else { return false }
            return failure.code == broken.code
                && !Seeded.canaries.contains { failure.description.contains($0) }
        }
    }

    @Test(
        "not JSON, the wrong shape and too many bytes are refused",
        arguments: [
            ("{", SubmissionError.Code.malformed), (#"{"schemaVersion":"1.0"}"#, .malformed),
            ("[]", .malformed),
        ])
    func malformed(_ body: String, _ code: SubmissionError.Code) {
        #expect {
            _ = try Submission.decode(Data(body.utf8))
        } throws: { ($0 as? SubmissionError)?.code == code }
    }

    @Test("a body over the size limit is refused before it is parsed")
    func tooLarge() {
        let data = Data(repeating: UInt8(ascii: " "), count: Submission.Limits.bytes + 1)
        #expect {
            _ = try Submission.decode(data)
        } throws: { ($0 as? SubmissionError)?.code == .tooLarge }
    }

    @Test("a valid document reads back equal to what was sent")
    func roundTrip() throws {
        let submission = try Self.valid()
        let read = try Submission.decode(try Self.encoded(submission))
        #expect(read == submission)
    }
}
