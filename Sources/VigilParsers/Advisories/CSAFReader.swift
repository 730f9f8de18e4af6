import VigilCore

/// Reads CSAF 2.0 advisories (one JSON document per file: MSRC `msrc_cve-YYYY-NNNNN.json`, CISA ICS/ICSMA, Red Hat,
/// Cisco, BSI…), one advisory per vulnerability.
///
/// Product ids are resolved through the product tree: branches (their `product.name`, or the branch names along the
/// path), `full_product_names` and relationships (`X as a component of Y` when unnamed). Each `vendor_fix` remediation
/// gives a fix per product id it lists, with the KB from its URL (`/help/5002744`, `?q=KB5002744`) and, for MSRC's
/// packed `details` (`16.0.5508.1000:Security Update:https://…`), the fixed build and the kind of update. A reference to
/// a product id the tree does not define is skipped with a warning.
public struct CSAFReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "csaf",
        name: "CSAF 2.0 security advisory (JSON)",
        producedBy:
            "curl -O https://msrc.microsoft.com/csaf/advisories/2025/msrc_cve-2025-49706.json   (or any vendor's CSAF provider, e.g. CISA's csaf_files)"
    )

    /// The largest document read.
    static let sizeLimit = 64 << 20

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        guard sample.bytes.first(where: { $0 > 0x20 }) == UInt8(ascii: "{") else { return false }
        let text = String(decoding: sample.bytes, as: UTF8.self)
        return !AdvisoryText.isJSONSchema(text) && text.contains("\"csaf_version\"") && text.contains("\"document\"")
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        guard
            let parsed = try AdvisoryDocument.json(
                path: path, limit: Self.sizeLimit, format: "csaf", expected: "one CSAF document",
                kept: "vulnerabilities",
                log: &fragment.log, progress: progress)
        else { return fragment }
        guard let root = parsed.root, let document = root["document"]?.object else {
            if parsed.failure == nil {
                fragment.log.reject(
                    line: 1, code: "csaf.no-document", "expected a CSAF document: an object with document")
            }
            return fragment
        }
        let products = CSAFProductTree(root["product_tree"])
        let tracking = document.members["tracking"]
        let published = (tracking?["initial_release_date"]?.text ?? tracking?["current_release_date"]?.text)
            .flatMap(AdvisoryText.timestamp)
        let severity = document.members["aggregate_severity"]?["text"]?.text
        let trackingID = tracking?["id"]?.text ?? "csaf"
        for (index, vulnerability) in (root["vulnerabilities"]?.array ?? []).enumerated() {
            guard let object = vulnerability.object else {
                fragment.log.reject(
                    line: document.line, code: "csaf.vulnerability",
                    "vulnerability \(index + 1): expected an object")
                continue
            }
            let cve = vulnerability["cve"]?.text.flatMap(AdvisoryText.cveID)
            let id = cve ?? vulnerability["ids"]?.array?.first?["text"]?.text ?? "\(trackingID)#\(index + 1)"
            var advisory = Advisory(
                id: id, title: vulnerability["title"]?.text ?? document.members["title"]?.text ?? id,
                cves: cve.map { [$0] } ?? [], published: published, cvssScore: Self.score(vulnerability),
                vendorSeverity: severity,
                impact: vulnerability["threats"]?.array?.first { $0["category"]?.string == "impact" }?["details"]?.text,
                source: EvidenceReference(file: file, line: object.line))
            var dangling = 0
            for remediation in vulnerability["remediations"]?.array ?? []
            where remediation["category"]?.string == "vendor_fix" {
                for productID in remediation["product_ids"]?.array ?? [] {
                    guard let name = productID.string.flatMap({ products.names[$0] }) else {
                        dangling += 1
                        continue
                    }
                    let fix = Self.fix(remediation, product: name)
                    if !advisory.fixes.contains(fix) { advisory.fixes.append(fix) }
                }
            }
            if dangling > 0 {
                fragment.log.warn(
                    line: object.line, code: "csaf.dangling-product",
                    "vulnerability \(index + 1): \(dangling) vendor fix reference\(dangling == 1 ? "" : "s") to a product id not defined in the product tree; skipped"
                )
            }
            fragment.advisories.append(advisory)
            fragment.log.recordsRead += 1
        }
        return fragment
    }

    /// The highest CVSS v3 base score (v2 when there is no v3).
    static func score(_ vulnerability: JSONValue) -> Double? {
        let scores = vulnerability["scores"]?.array ?? []
        let v3 = scores.compactMap { $0["cvss_v3"]?["baseScore"]?.number }.max()
        return v3 ?? scores.compactMap { $0["cvss_v2"]?["baseScore"]?.number }.max()
    }

    /// The fix a `vendor_fix` remediation gives one product.
    static func fix(_ remediation: JSONValue, product: String) -> AdvisoryFix {
        let details = remediation["details"]?.text ?? ""
        let packed = details.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        var fixedBuild: String?
        var kind: String?
        if packed.count == 3, packed[2].hasPrefix("http"),
            !packed[0].isEmpty, packed[0].allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) })
        {
            fixedBuild = String(packed[0])
            kind = packed[1].isEmpty ? nil : String(packed[1])
        }
        let number =
            remediation["url"]?.text.flatMap(AdvisoryText.kbNumber(inURL:))
            ?? (packed.count == 3 ? AdvisoryText.kbNumber(inURL: String(packed[2])) : nil)
            ?? AdvisoryText.kbNumber(details)
        return AdvisoryFix(product: product, kb: number.map(AdvisoryText.kb), fixedBuild: fixedBuild, kind: kind)
    }
}

/// The full names of a CSAF product tree's product ids.
struct CSAFProductTree {
    /// Full product name by product id.
    private(set) var names: [String: String] = [:]

    init(_ tree: JSONValue?) {
        guard let tree else { return }
        for branch in tree["branches"]?.array ?? [] { walk(branch, path: []) }
        for product in tree["full_product_names"]?.array ?? [] { add(product, fallback: nil) }
        for relationship in tree["relationships"]?.array ?? [] {
            let product = relationship["product_reference"]?.string.flatMap { names[$0] }
            let parent = relationship["relates_to_product_reference"]?.string.flatMap { names[$0] }
            let category = relationship["category"]?.text?.replacingOccurrences(of: "_", with: " ") ?? "related to"
            let fallback = product.flatMap { product in parent.map { "\(product) as \(category) \($0)" } }
            add(relationship["full_product_name"], fallback: fallback)
        }
    }

    private mutating func walk(_ branch: JSONValue, path: [String]) {
        var path = path
        if let name = branch["name"]?.text { path.append(name) }
        add(branch["product"], fallback: path.isEmpty ? nil : path.joined(separator: " "))
        for child in branch["branches"]?.array ?? [] { walk(child, path: path) }
    }

    private mutating func add(_ product: JSONValue?, fallback: String?) {
        guard let id = product?["product_id"]?.text, let name = product?["name"]?.text ?? fallback else { return }
        if names[id] == nil { names[id] = name }
    }
}
