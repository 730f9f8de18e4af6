public import Foundation

/// A published security advisory and the updates that fix it.
public struct Advisory: Codable, Sendable, Hashable, Identifiable {
    /// The advisory identifier (`MS17-010`, `CVE-2017-0144`).
    public var id: String
    /// The title.
    public var title: String
    /// CVEs the advisory covers.
    public var cves: [String]
    /// When the fix was released.
    public var published: Date?
    /// The highest CVSS base score among its vulnerabilities.
    public var cvssScore: Double?
    /// Whether it is known to be exploited (CISA KEV), and when remediation was due.
    public var exploitation: Exploitation?
    /// The fixes, per affected product.
    public var fixes: [AdvisoryFix]
    /// Where it was read.
    public var source: EvidenceReference

    public init(
        id: String,
        title: String,
        cves: [String] = [],
        published: Date? = nil,
        cvssScore: Double? = nil,
        exploitation: Exploitation? = nil,
        fixes: [AdvisoryFix] = [],
        source: EvidenceReference
    ) {
        self.id = id
        self.title = title
        self.cves = cves
        self.published = published
        self.cvssScore = cvssScore
        self.exploitation = exploitation
        self.fixes = fixes
        self.source = source
    }
}

/// Known exploitation of a vulnerability, as the CISA KEV catalogue records it.
public struct Exploitation: Codable, Sendable, Hashable {
    /// When it was added to the catalogue.
    public var dateAdded: Date
    /// The remediation due date the catalogue sets.
    public var dueDate: Date?
    /// Whether ransomware campaigns are known to use it.
    public var knownRansomwareUse: Bool

    public init(dateAdded: Date, dueDate: Date? = nil, knownRansomwareUse: Bool) {
        self.dateAdded = dateAdded
        self.dueDate = dueDate
        self.knownRansomwareUse = knownRansomwareUse
    }
}

/// An update that fixes an advisory for one product, and the updates it supersedes.
public struct AdvisoryFix: Codable, Sendable, Hashable {
    /// The affected product as the vendor names it (`Windows 7 for x64-based Systems Service Pack 1`).
    public var product: String
    /// The fixing update (`KB4012212`).
    public var kb: String?
    /// The OS build at or above which the product is fixed (`10.0.14393.953`).
    public var fixedBuild: String?
    /// Updates this one supersedes.
    public var supersedes: [String]

    public init(product: String, kb: String? = nil, fixedBuild: String? = nil, supersedes: [String] = []) {
        self.product = product
        self.kb = kb
        self.fixedBuild = fixedBuild
        self.supersedes = supersedes
    }
}
