public import Foundation
import Synchronization
public import VigilCore

/// `assessment.json`: the assessment as a versioned JSON document (see `schemas/assessment.schema.json`). Keys are
/// sorted and dates ISO 8601, so the same assessment always gives the same bytes.
public enum JSONReportRenderer {
    /// Findings per slice rendered by one worker: about 2 MB of JSON on a large estate.
    static let sliceSize = 1_000

    /// The document for `assessment`, in memory.
    public static func render(_ assessment: Assessment) throws -> Data {
        let document = Mutex(Data())
        try write(assessment) { bytes in document.withLock { $0.append(contentsOf: bytes) } }
        return document.withLock { $0 }
    }

    /// Writes the document for `assessment` to `output` in pieces, in order, without holding all of it: a large
    /// estate's runs to hundreds of megabytes. Findings are written by ``FindingJSONWriter`` in slices on every core,
    /// and the covered subjects by ``CoveredJSONWriter``, both spliced into what `JSONEncoder` writes for the rest: the
    /// same bytes, several times faster. `output` is called once at a time, but from the worker that rendered the
    /// piece.
    public static func write(_ assessment: Assessment, to output: @Sendable ([UInt8]) throws -> Void) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var skeleton = assessment
        skeleton.findings = []
        let covered = assessment.covered ?? []
        if !covered.isEmpty { skeleton.covered = [] }
        let document = try [UInt8](encoder.encode(skeleton))
        var written = 0
        if !covered.isEmpty {
            let range = try member("covered", in: document, from: written, of: assessment)
            try output(Array(document[written..<range.lowerBound]) + Array("\"covered\" : ".utf8))
            try CoveredJSONWriter.write(covered, to: output)
            written = range.upperBound
        }
        let findings = assessment.findings
        if !findings.isEmpty {
            let range = try member("findings", in: document, from: written, of: assessment)
            try output(Array(document[written..<range.lowerBound]) + Array("\"findings\" : [\n".utf8))
            try writeFindings(findings, to: output)
            try output(Array("\n  ]".utf8))
            written = range.upperBound
        }
        try output(Array(document[written...]) + [0x0A])
    }

    /// The findings, without the array's brackets, rendered in slices on every core and handed over in order.
    private static func writeFindings(_ findings: [Finding], to output: @Sendable ([UInt8]) throws -> Void) throws {
        let slices = (findings.count + sliceSize - 1) / sliceSize
        try parallelForEachInOrder(slices) { slice -> [UInt8] in
            let positions = slice * sliceSize..<min(findings.count, (slice + 1) * sliceSize)
            var writer = FindingJSONWriter(reservingFor: positions.count)
            if slice > 0 { writer.appendSeparator() }
            for position in positions {
                if position > positions.lowerBound { writer.appendSeparator() }
                writer.append(findings[position])
            }
            return writer.bytes
        } consume: {
            try output($0)
        }
    }

    /// Where the skeleton holds the top-level member `name` as an empty array, at or after `start`.
    private static func member(_ name: String, in document: [UInt8], from start: Int, of assessment: Assessment) throws
        -> Range<Int>
    {
        let empty = Array("\"\(name)\" : [\n\n  ]".utf8)
        guard let range = firstRange(of: empty, in: document[start...]) else {
            throw EncodingError.invalidValue(
                assessment, .init(codingPath: [], debugDescription: "no \(name) array to fill"))
        }
        return range
    }

    /// Where `needle` first occurs in `bytes`. Foundation's generic `firstRange(of:)` on `[UInt8]` compares through
    /// `DataProtocol`'s indices one byte at a time: on a national-size skeleton (hundreds of megabytes of covered
    /// subjects) it was most of the time spent writing `assessment.json`.
    static func firstRange(of needle: [UInt8], in bytes: ArraySlice<UInt8>) -> Range<Int>? {
        guard let first = needle.first, needle.count <= bytes.count else { return nil }
        let offset = bytes.startIndex
        return bytes.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { pattern in
                var start = 0
                while start <= haystack.count - pattern.count {
                    if haystack[start] == first,
                        pattern.indices.allSatisfy({ haystack[start + $0] == pattern[$0] })
                    {
                        return offset + start..<offset + start + pattern.count
                    }
                    start += 1
                }
                return nil
            }
        }
    }

    static func firstRange(of needle: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
        firstRange(of: needle, in: bytes[...])
    }

    /// Reads a document written by ``render(_:)``. A date on a day the calendar does not have (an edited
    /// `assessedAt` of 2026-02-30) is refused, never rolled over into the next month.
    public static func decode(_ data: Data) throws -> Assessment {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .calendarISO8601
        return try decoder.decode(Assessment.self, from: data)
    }
}
