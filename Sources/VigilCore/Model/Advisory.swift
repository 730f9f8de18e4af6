public import Foundation

/// A published security advisory (one vulnerability, or one bulletin) and the updates that fix it.
///
/// Advisory readers (WES-NG definitions, CSAF, CVRF, OSV, the built-in catalogue) each produce these; the CISA KEV
/// catalogue produces advisories that carry only ``exploitation``, joined to the others by CVE.
public struct Advisory: Codable, Sendable, Hashable, Identifiable {
    /// The advisory identifier (`CVE-2017-0144`, `MS17-010`, `GHSA-…`).
    public var id: String
    /// The title.
    public var title: String
    /// CVEs the advisory covers.
    public var cves: [String]
    /// When the fix was released.
    public var published: Date?
    /// The highest CVSS base score among its vulnerabilities.
    public var cvssScore: Double?
    /// The vendor's own rating (`Critical`, `Important`), when given.
    public var vendorSeverity: String?
    /// The kind of impact (`Remote Code Execution`), when given.
    public var impact: String?
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
        vendorSeverity: String? = nil,
        impact: String? = nil,
        exploitation: Exploitation? = nil,
        fixes: [AdvisoryFix] = [],
        source: EvidenceReference
    ) {
        self.id = id
        self.title = title
        self.cves = cves
        self.published = published
        self.cvssScore = cvssScore
        self.vendorSeverity = vendorSeverity
        self.impact = impact
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
    /// What the catalogue says to do (`Apply updates per vendor instructions.`).
    public var requiredAction: String?

    public init(dateAdded: Date, dueDate: Date? = nil, knownRansomwareUse: Bool, requiredAction: String? = nil) {
        self.dateAdded = dateAdded
        self.dueDate = dueDate
        self.knownRansomwareUse = knownRansomwareUse
        self.requiredAction = requiredAction
    }
}

/// An update that fixes an advisory for one product, and the updates it supersedes.
public struct AdvisoryFix: Codable, Sendable, Hashable {
    /// The affected product as the vendor names it (`Windows 7 for x64-based Systems Service Pack 1`); for OSV,
    /// `ECOSYSTEM/package` (`PyPI/jinja2`).
    public var product: String
    /// The fixing update (`KB4012212`), normalised to `KB` + digits.
    public var kb: String?
    /// The build or version at or above which the product is fixed (`10.0.14393.953`; for OSV the fixed version).
    public var fixedBuild: String?
    /// Updates (`KB` + digits) this fixing update supersedes for this product.
    public var supersedes: [String]
    /// The kind of update (`Security Update`, `Monthly Rollup`, `Security Only`), when given.
    public var kind: String?
    /// The part of the product the update is for, when the source names one (WES-NG's AffectedComponent:
    /// `Microsoft .NET Framework 3.5.1`, `Windows Internet Explorer 8`, `Windows Kernel`).
    public var component: String?
    /// The date the source gives this fix itself, where it is later than its advisory's ``Advisory/published``
    /// (WES-NG's DatePosted of the fix's rows: an emergency update published after the month's, or the built-in
    /// catalogue's later rollups containing the fix, dated by their own month). Not kept by an advisory database.
    public var released: Date?

    public init(
        product: String, kb: String? = nil, fixedBuild: String? = nil, supersedes: [String] = [], kind: String? = nil,
        component: String? = nil, released: Date? = nil
    ) {
        self.product = product
        self.kb = kb
        self.fixedBuild = fixedBuild
        self.supersedes = supersedes
        self.kind = kind
        self.component = component
        self.released = released
    }
}
