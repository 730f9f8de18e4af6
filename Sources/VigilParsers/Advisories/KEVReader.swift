import Foundation
import VigilCore
import VigilIO

/// Reads the CISA Known Exploited Vulnerabilities catalogue, as JSON (`known_exploited_vulnerabilities.json`) or as its
/// CSV variant (`known_exploited_vulnerabilities.csv`, same columns).
///
/// Each entry becomes an advisory carrying only its ``Exploitation`` (date added, due date, ransomware use, required
/// action), joined to the advisories of other sources by CVE. An entry without a CVE or a valid `dateAdded` is rejected
/// with its position (entry number and line); the others are kept, also from a truncated file.
public struct KEVReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "cisa-kev",
        name: "CISA Known Exploited Vulnerabilities catalogue (JSON or CSV)",
        producedBy:
            "curl -O https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json   (or …/known_exploited_vulnerabilities.csv)"
    )

    /// The largest file read (the whole catalogue is under 2 MiB).
    static let sizeLimit = 256 << 20

    /// The CSV columns this reader needs, lower case.
    static let requiredColumns = ["cveid", "vulnerabilityname", "dateadded"]

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        let text = String(decoding: sample.bytes.prefix(4096), as: UTF8.self)
        if text.first(where: { !$0.isWhitespace }) == "{" {
            return !AdvisoryText.isJSONSchema(text) && text.contains("\"catalogVersion\"")
                && text.contains("\"vulnerabilities\"")
                && text.contains("\"cveID\"")
        }
        guard let first = sample.lines(limit: 1).first else { return false }
        // Split as the rows are, so a quoted header name holding a comma stays one column.
        let names = CSVRecordReader.strings(ofLine: first.utf8, dialect: CSVDialect(quoting: .anywhere))
        return Self.columns(names) != nil
    }

    /// The positions of the CSV columns in a header, or `nil` when it is not a KEV header.
    static func columns(_ header: [String]) -> [String: Int]? {
        var positions: [String: Int] = [:]
        for (index, name) in header.enumerated() {
            positions[name.trimmingCharacters(in: .init(charactersIn: "\" ")).lowercased()] = index
        }
        guard requiredColumns.allSatisfy({ positions[$0] != nil }), positions["vendorproject"] != nil else {
            return nil
        }
        return positions
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        guard let bytes = try AdvisoryDocument.read(path: path, limit: Self.sizeLimit) else {
            fragment.log.reject(
                line: 1, code: "kev.too-large",
                "file larger than \(AdvisoryDocument.describe(Self.sizeLimit)); expected a KEV catalogue; not read")
            return fragment
        }
        progress?(bytes.count)
        guard let start = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            return fragment
        }
        if bytes[start] == UInt8(ascii: "{") || bytes[start] == UInt8(ascii: "[") {
            readJSON(bytes, file: file, into: &fragment)
        } else {
            readCSV(bytes, file: file, into: &fragment)
        }
        return fragment
    }

    private func readJSON(_ bytes: [UInt8], file: String, into fragment: inout EvidenceFragment) {
        let parsed = JSONTreeParser.parse(bytes)
        if let failure = parsed.failure {
            fragment.log.reject(
                line: failure.line, code: "kev.json",
                "not valid JSON: expected \(failure.expected); entries before this point are kept")
        }
        guard let entries = parsed.root?["vulnerabilities"]?.array else {
            if parsed.failure == nil {
                fragment.log.reject(
                    line: 1, code: "kev.no-vulnerabilities",
                    "expected a KEV catalogue: an object with a vulnerabilities array")
            }
            return
        }
        for (index, entry) in entries.enumerated() {
            let line = entry.object?.line ?? 1
            let field = { (key: String) in entry[key]?.text }
            guard
                let advisory = Self.advisory(
                    cve: field("cveID"), name: field("vulnerabilityName"), added: field("dateAdded"),
                    due: field("dueDate"), ransomware: field("knownRansomwareCampaignUse"),
                    action: field("requiredAction"), source: EvidenceReference(file: file, line: line))
            else {
                fragment.log.reject(
                    line: line, code: "kev.entry",
                    "entry \(index + 1): expected an object with cveID (CVE-YYYY-NNNN) and dateAdded (YYYY-MM-DD)")
                continue
            }
            fragment.advisories.append(advisory)
            fragment.log.recordsRead += 1
        }
    }

    private func readCSV(_ bytes: [UInt8], file: String, into fragment: inout EvidenceFragment) {
        var records = CSVRecordReader(dialect: CSVDialect(quoting: .anywhere))
        var columns: [String: Int]?
        var lineNumber = 0
        var sawHeader = false
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let outcome = Array(line).withUnsafeBufferPointer { records.add($0, line: lineNumber) }
            guard case .record(let start) = outcome else {
                if case .overlong(let start) = outcome {
                    fragment.log.reject(line: start, code: "kev.record-too-long", "record longer than 1 MiB; skipped")
                }
                continue
            }
            let fields = records.fields()
            if fields.count == 1, fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard let known = columns else {
                if !sawHeader {
                    sawHeader = true
                    columns = Self.columns(fields)
                    if columns == nil {
                        fragment.log.reject(
                            line: start, code: "kev.no-header",
                            "expected a KEV header with cveID, vendorProject, vulnerabilityName and dateAdded")
                    }
                }
                continue
            }
            func field(_ name: String) -> String? {
                guard let index = known[name], index < fields.count else { return nil }
                let value = fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
                return value.isEmpty ? nil : value
            }
            guard
                let advisory = Self.advisory(
                    cve: field("cveid"), name: field("vulnerabilityname"), added: field("dateadded"),
                    due: field("duedate"), ransomware: field("knownransomwarecampaignuse"),
                    action: field("requiredaction"), source: EvidenceReference(file: file, line: start))
            else {
                fragment.log.reject(
                    line: start, code: "kev.entry",
                    "expected cveID (CVE-YYYY-NNNN) and dateAdded (YYYY-MM-DD) in \(known.count) columns")
                continue
            }
            fragment.advisories.append(advisory)
            fragment.log.recordsRead += 1
        }
        if records.isOpen {
            fragment.log.reject(line: records.startLine, code: "kev.unterminated", "a quoted field is never closed")
        }
    }

    /// The advisory of one entry, or `nil` when it lacks a CVE or a valid date added.
    static func advisory(
        cve: String?, name: String?, added: String?, due: String?, ransomware: String?, action: String?,
        source: EvidenceReference
    ) -> Advisory? {
        guard let cve = cve.flatMap(AdvisoryText.cveID), let dateAdded = added.flatMap(AdvisoryText.timestamp) else {
            return nil
        }
        let exploitation = Exploitation(
            dateAdded: dateAdded, dueDate: due.flatMap(AdvisoryText.timestamp),
            knownRansomwareUse: ransomware?.lowercased() == "known", requiredAction: action)
        return Advisory(id: cve, title: name ?? cve, cves: [cve], exploitation: exploitation, source: source)
    }
}
