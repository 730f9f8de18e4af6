import Foundation
public import VigilCore

/// Advisories joined for matching: merged by identifier across sources, exploitation joined by CVE, fixes indexed by
/// product, and the supersedence graph of updates.
///
/// Built once per assessment; every host is matched against it.
public struct AdvisoryIndex: Sendable {
    /// One advisory's fixes for one product.
    struct ProductAdvisory: Sendable {
        /// Index into ``advisories``.
        var advisory: Int
        /// Fixing updates (KB numbers) for the product.
        var kbs: [UInt32]
        /// Fixed builds for the product (`10.0.14393.953` → build 14393, revision 953).
        var fixedBuilds: [BuildNumber]
    }

    /// The advisories, merged by identifier, sorted by identifier.
    public let advisories: [Advisory]
    /// Per product name (lower case), its advisories with their fixes.
    let byProduct: [String: [ProductAdvisory]]
    /// Per update, the updates it supersedes (for any product).
    let supersedes: [UInt32: [UInt32]]
    /// Per update, the updates that supersede it.
    let supersededBy: [UInt32: [UInt32]]
    /// Per product name (lower case), its cumulative updates, sorted: updates that take part in the product's
    /// supersedence and fix a CVE (monthly rollups and cumulative updates do; security-only updates are never
    /// superseded, and servicing-stack updates fix only the ADV990001 advisory), unless their kind says "Security
    /// Only". Within one product's series, KB numbers rise with release order (Microsoft numbers articles in
    /// sequence), which the sources' dates do not reliably tell: WES-NG dates a row by its vulnerability's revision.
    let cumulative: [String: [UInt32]]
    /// Per product name (lower case), the highest update number the data knows for it.
    let newestKnown: [String: UInt32]
    /// Every update number the data knows, as a fix or as superseded.
    let known: Set<UInt32>
    /// Advisories that only say a CVE is exploited (KEV), joined into the others.
    public let exploitationOnly: Int

    public init(_ sources: [Advisory]) {
        var exploitation: [String: Exploitation] = [:]
        var merged: [String: Advisory] = [:]
        var exploitationOnly = 0
        for advisory in sources {
            if advisory.fixes.isEmpty, let exploited = advisory.exploitation {
                exploitationOnly += 1
                for cve in advisory.cves + [advisory.id] { exploitation[cve.uppercased()] = exploited }
                continue
            }
            if var existing = merged[advisory.id] {
                existing.merge(advisory)
                merged[advisory.id] = existing
            } else {
                merged[advisory.id] = advisory
            }
        }
        var advisories = merged.values.sorted { $0.id < $1.id }
        for index in advisories.indices where advisories[index].exploitation == nil {
            let advisory = advisories[index]
            advisories[index].exploitation =
                (advisory.cves + [advisory.id]).lazy.compactMap {
                    exploitation[$0.uppercased()]
                }.first
        }
        self.advisories = advisories
        self.exploitationOnly = exploitationOnly

        var byProduct: [String: [ProductAdvisory]] = [:]
        var supersedes: [UInt32: Set<UInt32>] = [:]
        var productKBs: [String: [UInt32: Bool]] = [:]
        var securityOnly: Set<UInt32> = []
        var productEdges: [String: Set<UInt32>] = [:]
        var known: Set<UInt32> = []
        for (position, advisory) in advisories.enumerated() {
            var perProduct: [String: ProductAdvisory] = [:]
            for fix in advisory.fixes {
                let product = fix.product.lowercased()
                var entry = perProduct[product] ?? ProductAdvisory(advisory: position, kbs: [], fixedBuilds: [])
                if let kb = fix.kb.flatMap(Self.number) {
                    if !entry.kbs.contains(kb) { entry.kbs.append(kb) }
                    known.insert(kb)
                    productKBs[product, default: [:]][kb, default: false] =
                        productKBs[product]?[kb] == true || advisory.id.hasPrefix("CVE-") || !advisory.cves.isEmpty
                    if fix.kind?.localizedCaseInsensitiveContains("security only") == true { securityOnly.insert(kb) }
                    let older = fix.supersedes.compactMap(Self.number)
                    if !older.isEmpty {
                        supersedes[kb, default: []].formUnion(older)
                        known.formUnion(older)
                        productEdges[product, default: []].insert(kb)
                        productEdges[product, default: []].formUnion(older)
                    }
                }
                if let build = fix.fixedBuild.flatMap(BuildNumber.init), !entry.fixedBuilds.contains(build) {
                    entry.fixedBuilds.append(build)
                }
                perProduct[product] = entry
            }
            for (product, entry) in perProduct where !entry.kbs.isEmpty || !entry.fixedBuilds.isEmpty {
                byProduct[product, default: []].append(entry)
            }
        }
        self.byProduct = byProduct
        self.supersedes = supersedes.mapValues { $0.sorted() }
        var supersededBy: [UInt32: [UInt32]] = [:]
        for (newer, olders) in supersedes { for older in olders { supersededBy[older, default: []].append(newer) } }
        self.supersededBy = supersededBy
        self.known = known
        var cumulative: [String: [UInt32]] = [:]
        var newestKnown: [String: UInt32] = [:]
        for (product, kbs) in productKBs {
            let edges = productEdges[product] ?? []
            cumulative[product] = kbs.filter { kb, fixesVulnerability in
                fixesVulnerability && edges.contains(kb) && !securityOnly.contains(kb)
            }.keys.sorted()
            newestKnown[product] = kbs.keys.max()
        }
        self.cumulative = cumulative
        self.newestKnown = newestKnown
    }

    /// The number of a `KB1234567` reference.
    static func number(_ kb: String) -> UInt32? {
        guard let normalised = InstalledUpdate.normalisedKB(kb) else { return nil }
        return UInt32(normalised.dropFirst(2))
    }

    /// Every update that `kbs` supersede, directly or through a chain, with `kbs` themselves.
    func covered(by kbs: some Sequence<UInt32>) -> Set<UInt32> {
        var covered: Set<UInt32> = []
        var stack = Array(kbs)
        while let kb = stack.popLast() {
            guard covered.insert(kb).inserted else { continue }
            if let older = supersedes[kb] { stack += older }
        }
        return covered
    }

    /// How many updates supersede `kb`, directly or through a chain (for proofs: "or any of 31 later updates").
    func supersedingCount(_ kbs: [UInt32]) -> Int {
        var later: Set<UInt32> = []
        var stack = kbs
        while let kb = stack.popLast() {
            for newer in supersededBy[kb] ?? [] where later.insert(newer).inserted { stack.append(newer) }
        }
        return later.count
    }
}

/// A Windows build and revision (`10.0.14393.953` → 14393, 953), for comparing a host's build with a fixed build.
struct BuildNumber: Sendable, Hashable, Comparable {
    var build: Int
    var revision: Int

    /// Parses `10.0.14393.953` or `14393.953`; `nil` for anything else (OSV package versions, `2.1.10-3`).
    init?(_ text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 4 || parts.count == 2, let revision = Int(parts[parts.count - 1]),
            let build = Int(parts[parts.count - 2]), build >= 2600
        else { return nil }
        self.build = build
        self.revision = revision
    }

    init(build: Int, revision: Int) {
        self.build = build
        self.revision = revision
    }

    static func < (lhs: Self, rhs: Self) -> Bool { (lhs.build, lhs.revision) < (rhs.build, rhs.revision) }
}

extension Advisory {
    /// Takes in what another source says of the same advisory: fixes united, the highest score, the earliest date.
    mutating func merge(_ other: Advisory) {
        var seen = Set(fixes.map { "\($0.product.lowercased())\u{1F}\($0.kb ?? "")\u{1F}\($0.fixedBuild ?? "")" })
        for fix in other.fixes {
            let key = "\(fix.product.lowercased())\u{1F}\(fix.kb ?? "")\u{1F}\(fix.fixedBuild ?? "")"
            if seen.insert(key).inserted {
                fixes.append(fix)
            } else if let index = fixes.firstIndex(where: {
                $0.product.lowercased() == fix.product.lowercased() && $0.kb == fix.kb
            }) {
                fixes[index].supersedes = Array(Set(fixes[index].supersedes + fix.supersedes)).sorted()
            }
        }
        cves = Array(Set(cves + other.cves)).sorted()
        cvssScore = [cvssScore, other.cvssScore].compactMap { $0 }.max()
        published = [published, other.published].compactMap { $0 }.min()
        vendorSeverity = vendorSeverity ?? other.vendorSeverity
        impact = impact ?? other.impact
        exploitation = exploitation ?? other.exploitation
        if title.isEmpty { title = other.title }
    }
}
