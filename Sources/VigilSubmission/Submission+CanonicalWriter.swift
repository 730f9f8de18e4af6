import Foundation
import VigilCore

extension Submission {
    /// The canonical bytes of this document, already normalised, written field by field: byte for byte what
    /// `JSONEncoder` writes with sorted keys, unescaped slashes and ISO 8601 dates (the tests compare the two on
    /// generated documents and on every fact key allowed), at a fraction of the cost — the service digests every
    /// submission it receives, and the encoder was a tenth of an ingest's time in the server (bench/service.sh). Nil
    /// when a string holds anything but printable ASCII, or a finding a fact key the writer does not know: the caller
    /// then uses the encoder, so the bytes never depend on which path wrote them.
    func writtenCanonically() -> [UInt8]? {
        var writer = CanonicalWriter()
        writer.output.reserveCapacity(512 + findings.count * 192 + coverage.reduce(0) { $0 + $1.subjects.count * 35 })
        guard writer.write(self) else { return nil }
        return writer.output
    }
}

/// Writes a submission as ``Submission/writtenCanonically()`` describes. Every `write` returns false on a value it
/// cannot write exactly as the encoder would.
private struct CanonicalWriter {
    var output: [UInt8] = []

    /// The keys a finding's facts may have (``SubmissionFacts/allowed`` and the escalation), whose order under the
    /// encoder's sorted keys is their byte order (tested with every one of them present).
    static let factKeys = Set(SubmissionFacts.allowed.keys).union([Finding.escalationFact])

    mutating func write(_ submission: Submission) -> Bool {
        raw("{\"areas\":[")
        for (index, area) in submission.areas.enumerated() {
            if index > 0 { byte(",") }
            raw("{\"area\":")
            guard string(area.area.rawValue) else { return false }
            raw(",\"status\":")
            guard string(area.status.rawValue) else { return false }
            byte("}")
        }
        raw("],\"assessedAt\":")
        guard string(submission.assessedAt.formatted(.iso8601)) else { return false }
        raw(",\"coverage\":[")
        for (index, group) in submission.coverage.enumerated() {
            if index > 0 { byte(",") }
            guard write(group) else { return false }
        }
        raw("],\"findings\":[")
        for (index, finding) in submission.findings.enumerated() {
            if index > 0 { byte(",") }
            guard write(finding) else { return false }
        }
        byte("]")
        if let fingerprint = submission.keyFingerprint {
            raw(",\"keyFingerprint\":")
            guard string(fingerprint) else { return false }
        }
        raw(",\"metrics\":[")
        for (index, metric) in submission.metrics.enumerated() {
            if index > 0 { byte(",") }
            raw("{\"id\":")
            guard string(metric.id) else { return false }
            if let total = metric.total {
                raw(",\"total\":")
                raw(String(total))
            }
            raw(",\"value\":")
            raw(String(metric.value))
            byte("}")
        }
        raw("],\"organisation\":")
        guard string(submission.organisation) else { return false }
        raw(",\"schemaVersion\":")
        guard string(submission.schemaVersion) else { return false }
        raw(",\"tool\":{\"name\":")
        guard string(submission.tool.name) else { return false }
        raw(",\"version\":")
        guard string(submission.tool.version) else { return false }
        raw("}}")
        return true
    }

    mutating func write(_ group: Submission.CoverageGroup) -> Bool {
        raw("{\"area\":")
        guard string(group.area.rawValue) else { return false }
        raw(group.complete ? ",\"complete\":true,\"kind\":" : ",\"complete\":false,\"kind\":")
        guard string(group.kind.rawValue) else { return false }
        if let rules = group.rules {
            raw(",\"rules\":[")
            for (index, rule) in rules.enumerated() {
                if index > 0 { byte(",") }
                guard string(rule.rawValue) else { return false }
            }
            byte("]")
        }
        raw(",\"subjects\":[")
        for (index, subject) in group.subjects.enumerated() {
            if index > 0 { byte(",") }
            guard string(subject) else { return false }
        }
        raw("]}")
        return true
    }

    mutating func write(_ finding: Submission.SubmittedFinding) -> Bool {
        raw("{\"area\":")
        guard string(finding.area.rawValue) else { return false }
        raw(",\"facts\":{")
        let keys = finding.facts.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for (index, key) in keys.enumerated() {
            guard Self.factKeys.contains(key), let value = finding.facts[key] else { return false }
            if index > 0 { byte(",") }
            guard string(key) else { return false }
            byte(":")
            guard string(value) else { return false }
        }
        raw("},\"kind\":")
        guard string(finding.kind.rawValue) else { return false }
        raw(",\"rule\":")
        guard string(finding.rule.rawValue) else { return false }
        raw(",\"severity\":")
        guard string(finding.severity.rawValue) else { return false }
        raw(",\"subject\":")
        guard string(finding.subject) else { return false }
        byte("}")
        return true
    }

    /// A JSON string of printable ASCII, quotes and backslashes escaped as the encoder escapes them; false for any
    /// other byte (control characters and non-ASCII text, which the encoder writes in ways not worth copying here).
    mutating func string(_ value: String) -> Bool {
        output.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            guard byte >= 0x20, byte < 0x7F else { return false }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { output.append(UInt8(ascii: "\\")) }
            output.append(byte)
        }
        output.append(UInt8(ascii: "\""))
        return true
    }

    mutating func raw(_ text: String) {
        output.append(contentsOf: text.utf8)
    }

    mutating func byte(_ character: Unicode.Scalar) {
        output.append(UInt8(ascii: character))
    }
}
