import Foundation
import VigilCore
import VigilIO

/// The product tree and vulnerabilities of a CVRF document, collected from ``XMLTokenizer`` events as it streams.
///
/// The tokenizer checks no well-formedness, so this does what a reader needs: names must be UTF-8 (a positioned
/// error, where Foundation's `XMLParser` trapped), end tags must close the element open, the root must be `cvrfdoc`
/// and closed, and a DTD or entity declaration stops the reading so that the reader refuses the document. After the
/// first failure events are ignored; vulnerabilities completed before it are kept.
struct CVRFDocument: XMLEventHandler {
    /// Why reading stopped.
    struct Failure: Equatable {
        /// What went wrong.
        enum Kind: Equatable {
            /// `<!DOCTYPE` or `<!ENTITY`: the document is refused whole.
            case declaration
            /// An element name that is not UTF-8.
            case invalidName
            /// An end tag that does not close the open element, or markup after the root.
            case mismatchedTag
            /// A tag longer than the tokenizer holds.
            case endlessTag
            /// The stream ended before the root's end tag.
            case cutShort

            /// What the problem is, in words that quote nothing from the document.
            var explanation: String {
                switch self {
                case .declaration: "the document declares a DTD or entities"
                case .invalidName: "not well-formed XML: an element name is not valid UTF-8"
                case .mismatchedTag:
                    "not well-formed XML: an end tag does not match its start tag, or markup follows the root"
                case .endlessTag: "not well-formed XML: a tag or comment longer than 1 MiB"
                case .cutShort: "not well-formed XML, or cut short before the end tag of cvrfdoc"
                }
            }
        }

        var kind: Kind
        /// The line of the markup where it was found.
        var line: Int
    }

    /// Whether the stream held anything but white space.
    var sawContent = false
    /// Whether the root element was `cvrfdoc`.
    private(set) var isCVRF = false
    /// Full product name by ProductID.
    private(set) var products: [String: String] = [:]
    /// The vulnerabilities read whole.
    private(set) var vulnerabilities: [CVRFVulnerability] = []
    /// The document's initial release date.
    private(set) var published: Date?
    /// Why reading stopped early, if it did.
    private(set) var failure: Failure?

    /// The longest text kept for one element.
    static let textLimit = 1 << 20

    private var path: [String] = []
    private var rootClosed = false
    private var line = 1
    private var branches: [String] = []
    private var text: [UInt8] = []
    private var productID: String?
    private var vulnerability: CVRFVulnerability?
    private var remediation: CVRFRemediation?
    private var threatType: String?
    private var count = 0

    mutating func position(offset: Int, line: Int) {
        self.line = line
    }

    mutating func declaration(_ tag: UnsafeBufferPointer<UInt8>) {
        guard failure == nil else { return }
        let keyword = tag.prefix(7).map(ASCII.lower)
        if keyword.starts(with: Array("doctype".utf8)) || keyword.starts(with: Array("entity".utf8)) {
            failure = Failure(kind: .declaration, line: line)
        }
    }

    mutating func start(name bytes: UnsafeBufferPointer<UInt8>, tag: UnsafeBufferPointer<UInt8>, empty: Bool) {
        guard failure == nil else { return }
        guard let name = String(validating: bytes, as: UTF8.self), !name.isEmpty else {
            failure = Failure(kind: .invalidName, line: line)
            return
        }
        if path.isEmpty {
            guard !rootClosed else {
                failure = Failure(kind: .mismatchedTag, line: line)
                return
            }
            // Not CVRF: nothing more to read (the reader says so).
            guard name == "cvrfdoc" else {
                failure = Failure(kind: .mismatchedTag, line: line)
                return
            }
            isCVRF = true
        }
        path.append(name)
        text.removeAll(keepingCapacity: true)
        func attribute(_ key: StaticString) -> String? {
            XMLTokenizer.attribute(tag, key).map { String(decoding: $0, as: UTF8.self) }
        }
        switch name {
        case "Branch": branches.append(attribute("Name") ?? "")
        case "FullProductName": productID = attribute("ProductID")
        case "Vulnerability":
            count += 1
            vulnerability = CVRFVulnerability(line: line, ordinal: count)
        case "Threat": threatType = attribute("Type")
        case "Remediation": remediation = attribute("Type") == "Vendor Fix" ? CVRFRemediation() : nil
        default: break
        }
        if empty { close(name) }
    }

    mutating func end(name bytes: UnsafeBufferPointer<UInt8>) {
        guard failure == nil else { return }
        guard let name = String(validating: bytes, as: UTF8.self) else {
            failure = Failure(kind: .invalidName, line: line)
            return
        }
        guard path.last == name else {
            failure = Failure(kind: .mismatchedTag, line: line)
            return
        }
        close(name)
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard failure == nil, text.count < Self.textLimit else { return }
        text.append(contentsOf: bytes.prefix(Self.textLimit - text.count))
    }

    /// The stream has ended: a document whose root is still open was cut short.
    mutating func end(malformed: Bool, line: Int) {
        guard failure == nil else { return }
        if malformed {
            failure = Failure(kind: .endlessTag, line: line)
        } else if isCVRF, !rootClosed {
            failure = Failure(kind: .cutShort, line: line)
        }
    }

    /// Ends the element `name`, the last in `path`.
    private mutating func close(_ name: String) {
        let value = String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let parent = path.count >= 2 ? path[path.count - 2] : ""
        path.removeLast()
        if path.isEmpty { rootClosed = true }
        text.removeAll(keepingCapacity: true)
        switch (parent, name) {
        case (_, "Branch"): if !branches.isEmpty { branches.removeLast() }
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
            // A score is 0–10; `1e999` (infinity) or `nan` would sort above every real score.
            guard let score = Double(value), score.isFinite, (0...10).contains(score) else {
                vulnerability?.rejectedScores += 1
                break
            }
            if score > vulnerability?.score ?? -1 { vulnerability?.score = score }
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
