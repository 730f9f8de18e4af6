import Foundation
import FoundationXML
import VigilCore

/// Reads Microsoft's monthly CVRF 1.1/1.2 XML documents (`cvrfDocument-2024-Jan.xml` from the MSRC API), one advisory
/// per vulnerability, with the supersedence that MSRC's CSAF lacks.
///
/// Product ids resolve through `prod:ProductTree` (`FullProductName`, in nested `Branch`es). Each
/// `Remediation Type="Vendor Fix"` gives a fix per `ProductID`: KB from `Description` (digits) or `URL`, `SubType`,
/// `FixedBuild` and `Supercedence` (one KB, empty, or a list separated by `, ` or `; `), merged per (product, KB).
/// Severity is the highest `Threat Type="Severity"`. Documents with a DTD (`<!DOCTYPE`, `<!ENTITY`) are refused, so no
/// entity is ever expanded and no external entity is fetched.
public struct CVRFReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "cvrf",
        name: "Microsoft security updates (MSRC CVRF XML)",
        producedBy:
            "curl -H 'Accept: application/xml' -o cvrf-2024-Jan.xml https://api.msrc.microsoft.com/cvrf/v3.0/cvrf/2024-Jan"
    )

    /// The largest document read (a monthly document is under 20 MiB).
    static let sizeLimit = 128 << 20

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        guard sample.bytes.first(where: { $0 > 0x20 }) == UInt8(ascii: "<") else { return false }
        let text = String(decoding: sample.bytes.prefix(8192), as: UTF8.self)
        return text.contains(":cvrfdoc") || text.contains("<cvrfdoc")
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        guard let bytes = try AdvisoryDocument.read(path: path, limit: Self.sizeLimit) else {
            fragment.log.reject(
                line: 1, code: "cvrf.too-large",
                "file larger than \(AdvisoryDocument.describe(Self.sizeLimit)); expected a CVRF document; not read")
            return fragment
        }
        progress?(bytes.count)
        guard bytes.contains(where: { $0 > 0x20 }) else { return fragment }
        if let line = Self.declarationLine(bytes) {
            fragment.log.reject(
                line: line, code: "cvrf.dtd",
                "the document declares a DTD or entities (<!DOCTYPE or <!ENTITY); refused: CVRF needs neither, and expanding them is unsafe"
            )
            return fragment
        }
        let collector = CVRFCollector()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        // XMLParser on Linux reports no error for a document cut short, so the root's end tag is checked too.
        let complete = parser.parse() && Self.endsWithRootEndTag(bytes)
        if !collector.isCVRF {
            fragment.log.reject(
                line: 1, code: "cvrf.not-cvrf", "expected a CVRF document: XML whose root element is cvrfdoc")
            return fragment
        }
        if !complete {
            fragment.log.reject(
                line: max(parser.lineNumber, 1), code: "cvrf.xml",
                "not well-formed XML, or cut short before the end tag of cvrfdoc; vulnerabilities before this point are kept"
            )
        }
        for vulnerability in collector.vulnerabilities {
            let (advisory, dangling) = vulnerability.advisory(
                products: collector.products, published: collector.published, file: file)
            fragment.advisories.append(advisory)
            if dangling > 0 {
                fragment.log.warn(
                    line: vulnerability.line, code: "cvrf.dangling-product",
                    "vulnerability \(vulnerability.ordinal): \(dangling) vendor fix ProductID reference\(dangling == 1 ? "" : "s") not defined in the product tree; skipped"
                )
            }
            fragment.log.recordsRead += 1
        }
        return fragment
    }

    /// Whether the document's last markup is the end tag of `cvrfdoc`.
    static func endsWithRootEndTag(_ bytes: [UInt8]) -> Bool {
        guard let last = bytes.lastIndex(where: { $0 > 0x20 }) else { return false }
        let end = Array("cvrfdoc>".utf8)
        return last + 1 >= end.count && bytes[(last + 1 - end.count)...last].elementsEqual(end)
    }

    /// The line of the first `<!DOCTYPE` or `<!ENTITY`, if any.
    static func declarationLine(_ bytes: [UInt8]) -> Int? {
        let markers = [Array("<!DOCTYPE".utf8), Array("<!ENTITY".utf8)]
        var line = 1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
            } else if byte == UInt8(ascii: "<"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "!") {
                for marker in markers where index + marker.count <= bytes.count {
                    if bytes[index..<index + marker.count].elementsEqual(
                        marker, by: { ASCII.lower($0) == ASCII.lower($1) })
                    {
                        return line
                    }
                }
            }
            index += 1
        }
        return nil
    }
}

/// One `vuln:Vulnerability` as read, before product ids are resolved.
struct CVRFVulnerability {
    /// The line it starts on.
    var line: Int
    /// Its position in the document, from one.
    var ordinal: Int
    var cve: String?
    var title: String?
    var severities: [String] = []
    var impact: String?
    var score: Double?
    var revisionDates: [Date] = []
    var remediations: [CVRFRemediation] = []

    /// Microsoft's ratings, mildest first.
    static let ratings = ["low", "moderate", "important", "critical"]

    /// The advisory, with product ids resolved through `products` (`published` is the document's date), and the count
    /// of vendor-fix product references the tree does not define.
    func advisory(products: [String: String], published: Date?, file: String) -> (Advisory, dangling: Int) {
        let id = cve ?? "CVRF#\(ordinal)"
        var fixes: [AdvisoryFix] = []
        var positions: [String: Int] = [:]
        var dangling = 0
        for remediation in remediations {
            let kb = AdvisoryText.kbNumber(remediation.description) ?? AdvisoryText.kbNumber(inURL: remediation.url)
            let supersedes = AdvisoryText.kbList(remediation.supercedence)
            for productID in remediation.productIDs {
                guard let product = products[productID] else {
                    dangling += 1
                    continue
                }
                let kbName = kb.map(AdvisoryText.kb)
                let key = product + "\u{0}" + (kbName ?? "")
                if let known = positions[key] {
                    for item in supersedes where !fixes[known].supersedes.contains(item) {
                        fixes[known].supersedes.append(item)
                    }
                    continue
                }
                positions[key] = fixes.count
                fixes.append(
                    AdvisoryFix(
                        product: product, kb: kbName, fixedBuild: remediation.fixedBuild, supersedes: supersedes,
                        kind: remediation.subType))
            }
        }
        let severity = severities.max {
            (Self.ratings.firstIndex(of: $0.lowercased()) ?? -1) < (Self.ratings.firstIndex(of: $1.lowercased()) ?? -1)
        }
        let advisory = Advisory(
            id: id, title: title ?? id, cves: cve.map { [$0] } ?? [], published: revisionDates.min() ?? published,
            cvssScore: score, vendorSeverity: severity, impact: impact, fixes: fixes,
            source: EvidenceReference(file: file, line: line))
        return (advisory, dangling)
    }
}

/// One `vuln:Remediation Type="Vendor Fix"`.
struct CVRFRemediation {
    var description = ""
    var url = ""
    var supercedence = ""
    var productIDs: [String] = []
    var subType: String?
    var fixedBuild: String?
}

/// The `XMLParser` delegate that collects the product tree and vulnerabilities of a CVRF document.
final class CVRFCollector: NSObject, XMLParserDelegate {
    /// Whether the root element was `cvrfdoc`.
    private(set) var isCVRF = false
    /// Full product name by ProductID.
    private(set) var products: [String: String] = [:]
    /// The vulnerabilities read whole.
    private(set) var vulnerabilities: [CVRFVulnerability] = []
    /// The document's initial release date.
    private(set) var published: Date?

    private var path: [String] = []
    private var branches: [String] = []
    private var text = ""
    private var productID: String?
    private var vulnerability: CVRFVulnerability?
    private var remediation: CVRFRemediation?
    private var threatType: String?
    private var count = 0

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if path.isEmpty {
            guard name == "cvrfdoc" else {
                parser.abortParsing()
                return
            }
            isCVRF = true
        }
        path.append(name)
        text = ""
        switch name {
        case "Branch": branches.append(attributes["Name"] ?? "")
        case "FullProductName": productID = attributes["ProductID"]
        case "Vulnerability":
            count += 1
            vulnerability = CVRFVulnerability(line: max(parser.lineNumber, 1), ordinal: count)
        case "Threat": threatType = attributes["Type"]
        case "Remediation": remediation = attributes["Type"] == "Vendor Fix" ? CVRFRemediation() : nil
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if text.utf8.count < 1 << 20 { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parent = path.count >= 2 ? path[path.count - 2] : ""
        path.removeLast()
        text = ""
        switch (parent, name) {
        case (_, "Branch"): branches.removeLast()
        case (_, "FullProductName"):
            if let productID, products[productID] == nil {
                products[productID] = value.isEmpty ? branches.joined(separator: " ") : value
            }
            productID = nil
        case ("DocumentTracking", "InitialReleaseDate"): published = AdvisoryText.timestamp(value)
        case ("Vulnerability", "CVE"): vulnerability?.cve = AdvisoryText.cveID(value)
        case ("Vulnerability", "Title"): vulnerability?.title = value.isEmpty ? nil : value
        case ("Threat", "Description"):
            guard !value.isEmpty else { break }
            if threatType == "Severity" {
                vulnerability?.severities.append(value)
            } else if threatType == "Impact", vulnerability?.impact == nil {
                vulnerability?.impact = value
            }
        case ("ScoreSet", "BaseScore"):
            if let score = Double(value), score > vulnerability?.score ?? -1 { vulnerability?.score = score }
        case ("Revision", "Date"):
            if path.contains("Vulnerability"), let date = AdvisoryText.timestamp(value) {
                vulnerability?.revisionDates.append(date)
            }
        case ("Remediation", "Description"): remediation?.description = value
        case ("Remediation", "URL"): remediation?.url = value
        case ("Remediation", "Supercedence"): remediation?.supercedence = value
        case ("Remediation", "ProductID"):
            // Older months list several ids in one element.
            for id in value.split(separator: ",") {
                let id = id.trimmingCharacters(in: .whitespaces)
                if !id.isEmpty { remediation?.productIDs.append(id) }
            }
        case ("Remediation", "SubType"): remediation?.subType = value.isEmpty ? nil : value
        case ("Remediation", "FixedBuild"): remediation?.fixedBuild = value.isEmpty ? nil : value
        case (_, "Remediation"):
            if let remediation { vulnerability?.remediations.append(remediation) }
            remediation = nil
        case (_, "Vulnerability"):
            if let vulnerability { vulnerabilities.append(vulnerability) }
            vulnerability = nil
        default: break
        }
    }
}
