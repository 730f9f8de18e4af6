import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilSubmission

/// The service reads each submission with its own reader (``Submission/decodeDirectly(_:)``) and hands what that
/// reader declines to `JSONDecoder`. Whatever the reader returns must be exactly what `JSONDecoder` returns for the
/// same bytes, or a submission's content, digest and validation would depend on which path read it.
@Suite("submissions read without JSONDecoder")
struct DirectDecodingTests {
    /// A generated document the direct reader reads: ``CanonicalWriterTests/document(seed:)`` with a plain version.
    static func document(seed: UInt64) -> Submission {
        var document = CanonicalWriterTests.document(seed: seed)
        document.tool.version = "1.2.\(seed)"
        return document
    }

    static func encoded(_ document: Submission, _ formatting: JSONEncoder.OutputFormatting) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(document)
    }

    @Test("the canonical bytes vigil submit sends are read directly, as the decoder reads them", arguments: 0..<48)
    func canonicalBytes(_ seed: UInt64) throws {
        let data = try Self.document(seed: seed).canonicalJSON()
        let direct = try #require(Submission.decodeDirectly(data))
        #expect(direct == (try Submission.decodedByFoundation(data)))
        #expect(try direct.normalised.digest() == (try Submission.decodedByFoundation(data).normalised.digest()))
    }

    @Test("the golden practice's real assessment, as submitted, is read directly and validates as the decoder's")
    func goldenPractice() throws {
        let assessment = try JSONDecoder.assessment.decode(
            Assessment.self, from: Data(contentsOf: Fixtures.url("golden/practice-seed7.assessment.json")))
        let data = try Submission(assessment: assessment, key: Seeded.key).canonicalJSON()
        let direct = try #require(Submission.decodeDirectly(data))
        #expect(direct == (try Submission.decodedByFoundation(data)))
        #expect(direct.findings.count == assessment.findings.count)
        #expect(try Submission.decode(data).digest() == (try Submission.decodedByFoundation(data).normalised.digest()))
    }

    @Test(
        "unsorted, pretty-printed and slash-escaping encodings read alike",
        arguments: [JSONEncoder.OutputFormatting(), .prettyPrinted, [.prettyPrinted, .sortedKeys]])
    func encodings(_ formatting: JSONEncoder.OutputFormatting) throws {
        for seed in UInt64(0)..<16 {
            let data = try Self.encoded(Self.document(seed: seed), formatting)
            let expected = try Submission.decodedByFoundation(data)
            // A version or fact holding "/" is escaped by the default formatting: declined, never misread.
            if let direct = Submission.decodeDirectly(data) { #expect(direct == expected) }
        }
        let plain = try Self.encoded(Self.document(seed: 3), formatting)
        #expect(Submission.decodeDirectly(plain) != nil)
    }

    @Test("mutated documents: whatever the reader accepts, the decoder reads the same")
    func mutations() throws {
        var random = SeededGenerator(state: 2026)
        let alphabet = Array(#" {}[]:,"\-0123456789.eEtruefalsn/Zx"#.utf8) + [0x0A, 0xC3, 0xA9, 0x00]
        var accepted = 0
        var declined = 0
        for trial in 0..<1_500 {
            var bytes = Array(try Self.document(seed: UInt64(trial % 24)).canonicalJSON())
            for _ in 0..<(1 + random.below(3)) {
                let at = random.below(bytes.count)
                switch random.below(4) {
                case 0: bytes[at] = alphabet[random.below(alphabet.count)]
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(alphabet[random.below(alphabet.count)], at: at)
                default:
                    let end = min(bytes.count, at + 1 + random.below(40))
                    bytes.insert(contentsOf: bytes[at..<end], at: random.below(bytes.count))
                }
            }
            let data = Data(bytes)
            guard let direct = Submission.decodeDirectly(data) else {
                declined += 1
                continue
            }
            accepted += 1
            let decoded = try? Submission.decodedByFoundation(data)
            #expect(decoded == direct, "trial \(trial): the reader and the decoder disagree")
        }
        // Both paths exercised: some mutations leave a document (a digit, a subject, spacing), most break it.
        #expect(accepted > 20)
        #expect(declined > 500)
    }

    @Test(
        "what the reader declines is still read by the decoder, with the same result as before",
        arguments: [
            #"{"tool":{"name":"vigil","version":"a/b"}}"#, #"{"unknown":1}"#, #"{"organisation":"RX2"}"#,
            #"{"assessedAt":"2026-12-04T10:00:00+01:00"}"#,
            #"{"assessedAt":"2026-12-04T10:00:00.5Z"}"#,
        ])
    func declined(_ change: String) throws {
        // Facts cleared, so that the document validates and the comparison below is of two documents read.
        var document = Self.document(seed: 5)
        document.findings = document.findings.map {
            var finding = $0
            finding.facts = [:]
            return finding
        }
        var object = try #require(
            try JSONSerialization.jsonObject(with: try document.canonicalJSON()) as? [String: Any])
        let edit = try #require(try JSONSerialization.jsonObject(with: Data(change.utf8)) as? [String: Any])
        object.merge(edit) { _, new in new }
        var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        if change.contains("organisation") {
            // A key given twice: JSON leaves it to the reader, so this one declines it.
            var text = String(decoding: data, as: UTF8.self)
            text.insert(contentsOf: #""organisation":"RX1","#, at: text.index(after: text.startIndex))
            data = Data(text.utf8)
        }
        #expect(Submission.decodeDirectly(data) == nil)
        // Read (or refused) by the decoder alone, as before the reader existed.
        let expected = try? Submission.decodedByFoundation(data).validatedNormalised()
        #expect((try? Submission.decode(data)) == expected)
        // A version holding "/" is declined by the reader and refused by validation: alike, as nil.
        if !change.contains("+01:00") && !change.contains(".5Z") && !change.contains("a/b") {
            #expect(expected != nil)
        }
    }

    @Test("a metric's total may be absent or null, read as none")
    func nullTotal() throws {
        var document = Self.document(seed: 1)
        document.metrics = [.init(id: "a.b", value: 3, total: nil), .init(id: "a.c", value: 4, total: 9)]
        var text = String(decoding: try document.canonicalJSON(), as: UTF8.self)
        text = text.replacingOccurrences(of: #""id":"a.b","value":3"#, with: #""id":"a.b","total":null,"value":3"#)
        let data = Data(text.utf8)
        let direct = try #require(Submission.decodeDirectly(data))
        #expect(direct.metrics.map(\.total) == [nil, 9])
        #expect(direct == (try Submission.decodedByFoundation(data)))
    }

    @Test("dates: every day of a leap year and the last second of a day read as the decoder reads them")
    func dates() throws {
        var document = Self.document(seed: 2)
        for day in stride(from: 0, to: 366, by: 1) {
            document.assessedAt = Date(timeIntervalSince1970: 1_704_067_200 + Double(day) * 86_400 + 86_399)
            let data = try document.canonicalJSON()
            let direct = try #require(Submission.decodeDirectly(data))
            #expect(direct.assessedAt == (try Submission.decodedByFoundation(data)).assessedAt)
        }
    }
}

extension Submission {
    /// Validated and put in order, as ``decode(_:)`` returns a document.
    fileprivate func validatedNormalised() throws -> Submission {
        try validate()
        return normalised
    }
}
