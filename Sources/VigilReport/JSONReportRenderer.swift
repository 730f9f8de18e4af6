public import Foundation
public import VigilCore

/// `assessment.json`: the assessment as a versioned JSON document (see `schemas/assessment.schema.json`). Keys are
/// sorted and dates ISO 8601, so the same assessment always gives the same bytes.
public enum JSONReportRenderer {
    /// The document for `assessment`. Findings are written by ``FindingJSONWriter`` in parallel slices and spliced
    /// into what `JSONEncoder` writes for the rest: the same bytes, several times faster on large estates.
    public static func render(_ assessment: Assessment) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var skeleton = assessment
        skeleton.findings = []
        var data = try encoder.encode(skeleton)
        let findings = assessment.findings
        if !findings.isEmpty {
            let empty = Data("\"findings\" : [\n\n  ]".utf8)
            guard let range = data.range(of: empty) else {
                throw EncodingError.invalidValue(
                    assessment, .init(codingPath: [], debugDescription: "no findings array to fill"))
            }
            // At least 2,000 findings a slice, so that no slice is empty.
            let slices = min(ProcessInfo.processInfo.activeProcessorCount * 4, max(1, findings.count / 2_000))
            let parts = parallelMap(slices) { slice -> [UInt8] in
                var writer = FindingJSONWriter()
                let bounds = (findings.count * slice / slices)..<(findings.count * (slice + 1) / slices)
                for position in bounds {
                    if position > bounds.lowerBound { writer.appendSeparator() }
                    writer.append(findings[position])
                }
                return writer.bytes
            }
            var body = Data("\"findings\" : [\n".utf8)
            for (position, part) in parts.enumerated() {
                if position > 0 { body.append(contentsOf: [0x2C, 0x0A]) }
                body.append(contentsOf: part)
            }
            body.append(contentsOf: Array("\n  ]".utf8))
            data.replaceSubrange(range, with: body)
        }
        data.append(0x0A)
        return data
    }

    /// Reads a document written by ``render(_:)``.
    public static func decode(_ data: Data) throws -> Assessment {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Assessment.self, from: data)
    }
}
