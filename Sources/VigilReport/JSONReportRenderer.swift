public import Foundation
public import VigilCore

/// `assessment.json`: the assessment as a versioned JSON document (see `schemas/assessment.schema.json`). Keys are
/// sorted and dates ISO 8601, so the same assessment always gives the same bytes.
public enum JSONReportRenderer {
    /// The document for `assessment`.
    public static func render(_ assessment: Assessment) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var data = try encoder.encode(assessment)
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
