import VigilCore

/// Reads OSV (Open Source Vulnerabilities) records: one JSON object per file as osv.dev's exports hold them, or an
/// array of them.
///
/// Each record becomes an advisory (CVEs from its id and `aliases`), with one fix per affected package and `fixed`
/// event: product `ECOSYSTEM/name` with the ecosystem kept whole (`Alpine:v3.18/openssl`, `Debian:12/curl`: the release
/// decides the fixed version), or the repository URL for a GIT range without a package; the fixed version as
/// ``AdvisoryFix/fixedBuild`` and the range type (`SEMVER`, `ECOSYSTEM`, `GIT`) as its kind. Records with no `affected`
/// (`related`-only ones) are kept without fixes.
public struct OSVReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "osv",
        name: "OSV vulnerability records (JSON)",
        producedBy:
            "curl -O https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip && unzip all.zip   (or gsutil cp gs://osv-vulnerabilities/PyPI/all.zip .; one record per file)"
    )

    /// The largest file read.
    static let sizeLimit = 64 << 20

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        guard let first = sample.bytes.first(where: { $0 > 0x20 }),
            first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        else { return false }
        let text = String(decoding: sample.bytes, as: UTF8.self)
        guard !AdvisoryText.isJSONSchema(text), text.contains("\"id\""), text.contains("\"modified\""),
            !text.contains("\"csaf_version\""),
            !text.contains("\"catalogVersion\"")
        else { return false }
        return text.contains("\"affected\"") || text.contains("\"aliases\"") || text.contains("\"related\"")
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        guard
            let parsed = try AdvisoryDocument.json(
                path: path, limit: Self.sizeLimit, format: "osv", expected: "OSV records", kept: "records",
                log: &fragment.log, progress: progress)
        else { return fragment }
        let records: [JSONValue]
        switch parsed.root {
        case .array(let elements): records = elements
        // A single record cut short is not kept: its fixes may be missing.
        case .object(let object): records = parsed.failure == nil ? [.object(object)] : []
        default: records = []
        }
        for (index, record) in records.enumerated() {
            let line = record.object?.line ?? 1
            guard let id = record["id"]?.text, record.object != nil else {
                fragment.log.reject(
                    line: line, code: "osv.record", "record \(index + 1): expected an object with an id")
                continue
            }
            fragment.advisories.append(Self.advisory(record, id: id, source: EvidenceReference(file: file, line: line)))
            fragment.log.recordsRead += 1
        }
        return fragment
    }

    /// The advisory of one record.
    static func advisory(_ record: JSONValue, id: String, source: EvidenceReference) -> Advisory {
        var cves: [String] = []
        for alias in [id] + (record["aliases"]?.array ?? []).compactMap(\.text) {
            if let cve = AdvisoryText.cveID(alias), !cves.contains(cve) { cves.append(cve) }
        }
        var fixes: [AdvisoryFix] = []
        for affected in record["affected"]?.array ?? [] {
            let package = affected["package"]
            let name = package?["name"]?.text
            let product = name.map { (package?["ecosystem"]?.text ?? "unknown") + "/" + $0 }
            for range in affected["ranges"]?.array ?? [] {
                guard let product = product ?? range["repo"]?.text else { continue }
                for event in range["events"]?.array ?? [] {
                    guard let fixed = event["fixed"]?.text else { continue }
                    let fix = AdvisoryFix(product: product, fixedBuild: fixed, kind: range["type"]?.text)
                    if !fixes.contains(fix) { fixes.append(fix) }
                }
            }
        }
        let published = (record["published"]?.text ?? record["modified"]?.text).flatMap(AdvisoryText.timestamp)
        return Advisory(
            id: id, title: record["summary"]?.text ?? id, cves: cves, published: published,
            vendorSeverity: record["database_specific"]?["severity"]?.text, fixes: fixes, source: source)
    }
}
