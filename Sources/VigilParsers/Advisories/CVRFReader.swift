import Foundation
import VigilCore
import VigilIO

/// Reads Microsoft's monthly CVRF 1.1/1.2 XML documents (`cvrfDocument-2024-Jan.xml` from the MSRC API), one advisory
/// per vulnerability, with the supersedence that MSRC's CSAF lacks.
///
/// Product ids resolve through `prod:ProductTree` (`FullProductName`, in nested `Branch`es). Each
/// `Remediation Type="Vendor Fix"` gives a fix per `ProductID`: KB from `Description` (digits) or `URL`, `SubType`,
/// `FixedBuild` and `Supercedence` (one KB, empty, or a list separated by `, ` or `; `), merged per (product, KB).
/// Severity is the highest `Threat Type="Severity"`. Documents with a DTD (`<!DOCTYPE`, `<!ENTITY`) are refused, so no
/// entity is ever expanded and no external entity is fetched. Documents stream through VigilIO's entity-free
/// ``XMLTokenizer`` (Foundation's `XMLParser` loaded whole documents and trapped on invalid UTF-8 in an element name).
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
        guard try RawFile.size(of: path) <= Self.sizeLimit else {
            fragment.log.reject(
                line: 1, code: "cvrf.too-large",
                "file larger than \(AdvisoryDocument.describe(Self.sizeLimit)); expected a CVRF document; not read")
            return fragment
        }
        let document = try Self.stream(path: path, progress: progress)
        guard document.sawContent else { return fragment }
        if let failure = document.failure, failure.kind == .declaration {
            fragment.log.reject(
                line: failure.line, code: "cvrf.dtd",
                "the document declares a DTD or entities (<!DOCTYPE or <!ENTITY); refused: CVRF needs neither, and expanding them is unsafe"
            )
            return fragment
        }
        guard document.isCVRF else {
            fragment.log.reject(
                line: 1, code: "cvrf.not-cvrf", "expected a CVRF document: XML whose root element is cvrfdoc")
            return fragment
        }
        if let failure = document.failure {
            fragment.log.reject(
                line: failure.line, code: "cvrf.xml",
                "\(failure.kind.explanation); vulnerabilities before this point are kept")
        }
        for vulnerability in document.vulnerabilities {
            let (advisory, dangling) = vulnerability.advisory(
                products: document.products, published: document.published, file: file)
            fragment.advisories.append(advisory)
            if dangling > 0 {
                fragment.log.warn(
                    line: vulnerability.line, code: "cvrf.dangling-product",
                    "vulnerability \(vulnerability.ordinal): \(dangling) vendor fix ProductID reference\(dangling == 1 ? "" : "s") not defined in the product tree; skipped"
                )
            }
            if vulnerability.rejectedScores > 0 {
                fragment.log.warn(
                    line: vulnerability.line, code: "cvrf.score",
                    "vulnerability \(vulnerability.ordinal): a CVSS BaseScore is not a number from 0 to 10; ignored")
            }
            fragment.log.recordsRead += 1
        }
        return fragment
    }

    /// Reads the file at `path` through the entity-free tokenizer a chunk at a time (UTF-16 with a byte-order mark is
    /// transcoded as it streams), so memory stays bounded whatever the document's size.
    static func stream(path: String, progress: (@Sendable (Int) -> Void)?) throws -> CVRFDocument {
        let file = try RawFile(path: path)
        defer { file.close() }
        var raw = try file.readBuffer()
        var decoder = TextDecoder()
        var text: [UInt8] = []
        var tokenizer = XMLTokenizer()
        tokenizer.reportsPositions = true
        var document = CVRFDocument()
        while document.failure == nil {
            let count = try raw.withUnsafeMutableBytes { try file.read(into: $0) }
            if count == 0 { break }
            progress?(count)
            text.removeAll(keepingCapacity: true)
            decoder.decode(raw[0..<count], into: &text)
            if !document.sawContent { document.sawContent = text.contains { $0 > 0x20 } }
            text.withUnsafeBytes { tokenizer.feed($0, to: &document) }
        }
        text.removeAll(keepingCapacity: true)
        decoder.finish(into: &text)
        text.withUnsafeBytes { tokenizer.feed($0, to: &document) }
        tokenizer.finish(to: &document)
        document.end(malformed: tokenizer.malformed, line: tokenizer.line)
        return document
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
    /// Base scores that were not numbers from 0 to 10 (`1e999`, `n/a`), ignored.
    var rejectedScores = 0
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
