import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilScan

/// FHIR identifiers as the NHS's APIs print them, one key per line: the system that says "NHS number" is on the line
/// before the value (or after it), out of reach of the words-before-a-number rule. Without reading it, a Patient
/// resource's issued NHS number gave no finding.
@Suite("FHIR identifiers")
struct FHIRScanTests {
    /// NHS numbers found in one file holding `text`.
    static func nhsNumbers(_ text: String, name: String = "patient.json") async throws -> Int {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("share/\(name)", text)
        let (_, found) = try await Scan.run(scratch.url.appendingPathComponent("share"))
        return found[name, default: []].filter { $0.kind == .nhsNumber }.count
    }

    static func identifier(system: String, value: String, systemFirst: Bool = true) -> String {
        let lines =
            systemFirst
            ? ["        \"system\": \"\(system)\",", "        \"value\": \"\(value)\""]
            : ["        \"value\": \"\(value)\",", "        \"system\": \"\(system)\""]
        return "{\n  \"resourceType\": \"Patient\",\n  \"identifier\": [\n    {\n" + lines.joined(separator: "\n")
            + "\n    }\n  ]\n}\n"
    }

    @Test(
        "a value whose identifier's system is the NHS number's, before or after it, old or new URI",
        arguments: [
            ("https://fhir.nhs.uk/Id/nhs-number", true, 1), ("https://fhir.nhs.uk/Id/nhs-number", false, 1),
            ("http://fhir.nhs.net/Id/nhs-number", true, 1),
            ("https://fhir.nhs.uk/Id/ods-organization-code", true, 0), ("urn:oid:2.16.840.1.113883.2.1.4.1", true, 0),
        ])
    func jsonSystem(_ system: String, _ systemFirst: Bool, _ expected: Int) async throws {
        let text = Self.identifier(system: system, value: "4010232137", systemFirst: systemFirst)
        #expect(try await Self.nhsNumbers(text) == expected)
    }

    /// Whether the value `value` in `text` is labelled by an NHS-number system.
    static func labelled(_ value: String, in text: String) throws -> Bool {
        let bytes = Array(text.utf8)
        let needle = Array(value.utf8)
        let start = try #require(
            (0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle })
        return bytes.withUnsafeBufferPointer { buffer in
            FHIRIdentifier.hasNHSNumberSystem(
                buffer.baseAddress!, start: start, end: start + needle.count, floor: 0, limit: buffer.count)
        }
    }

    @Test("the system of one identifier does not label the value of the next, nor a value across a brace")
    func nextIdentifier() throws {
        let text = """
            {
              "identifier": [
                {
                  "system": "https://fhir.nhs.uk/Id/nhs-number",
                  "value": "9990004218"
                },
                {
                  "system": "https://example.org/local-id",
                  "value": "4010232137"
                }
              ]
            }

            """
        #expect(try Self.labelled("9990004218", in: text))
        #expect(try !Self.labelled("4010232137", in: text))
        // Unquoted, or a value whose system comes after a brace.
        #expect(try !Self.labelled("4010232137", in: #""system": ".../Id/nhs-number", "value": 4010232137"#))
        #expect(try !Self.labelled("4010232137", in: #"{"value": "4010232137"}, {"system": "/Id/nhs-number"}"#))
    }

    @Test("FHIR XML: <system value=…/> on the line before <value value=…/>")
    func xml() async throws {
        let text = """
            <Patient xmlns="http://hl7.org/fhir">
              <identifier>
                <system value="https://fhir.nhs.uk/Id/nhs-number"/>
                <value value="4010232137"/>
              </identifier>
              <identifier>
                <system value="https://example.org/local-id"/>
                <value value="4505577104"/>
              </identifier>
            </Patient>

            """
        #expect(try await Self.nhsNumbers(text, name: "patient.xml") == 1)
    }
}
