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

    /// One product's advisories, as matching needs them.
    struct ProductTable: Sendable {
        /// The product's name as the data spells it.
        var name: String
        /// Its advisories, in priority order (``priority(_:_:)``), so that what a host misses comes out ranked.
        var entries: [ProductAdvisory]
        /// Per fixing update, the entries it fixes directly.
        var entriesFixedBy: [UInt32: [Int32]]
        /// Per entry, the lowest of its fixing updates that is a cumulative update of the product (`UInt32.max` when
        /// none is): any later cumulative update of the product contains it. Kept apart from ``entries``, with
        /// ``hasUpdates`` and ``hasBuilds``, so that matching a host reads only plain numbers.
        var firstCumulative: [UInt32]
        /// Per entry, whether it names fixing updates.
        var hasUpdates: [Bool]
        /// Per entry, its newest fixing update (0 when it names none): the one to install.
        var newestUpdate: [UInt32]
        /// Per entry, whether it names fixed builds.
        var hasBuilds: [Bool]
        /// Its cumulative updates: updates that take part in the product's supersedence and fix a CVE (monthly
        /// rollups and cumulative updates do; security-only updates are never superseded, and servicing-stack updates
        /// fix only the ADV990001 advisory), unless their kind says "Security Only". Within one product's series, KB
        /// numbers rise with release order (Microsoft numbers articles in sequence), which the sources' dates do not
        /// reliably tell: WES-NG dates a row by its vulnerability's revision. Only updates from the rollup era on
        /// (``rollupEra``) count: before October 2016, Windows 7, 8.1 and their servers took one update per component,
        /// and a later .NET update says nothing of an earlier kernel fix.
        var cumulative: Set<UInt32>
        /// The highest update number the data knows for the product.
        var newestKnown: UInt32
    }

    /// The advisories, merged by identifier, sorted by identifier.
    public let advisories: [Advisory]
    /// Per product, its table; ``productIndex`` finds a product by its lower-case name.
    let products: [ProductTable]
    let productIndex: [String: Int]
    /// Per update, the updates it supersedes (for any product).
    let supersedes: [UInt32: [UInt32]]
    /// Per update, the updates that supersede it.
    let supersededBy: [UInt32: [UInt32]]
    /// Every update number the data knows, as a fix or as superseded.
    let known: Set<UInt32>
    /// Advisories that only say a CVE is exploited (KEV), joined into the others.
    public let exploitationOnly: Int

    /// The first monthly rollup (KB3185330, October 2016, Windows 7 SP1 and Server 2008 R2; the 8.1 and 2012 ones
    /// followed it): from then on every Windows version is serviced by cumulative updates.
    static let rollupEra: UInt32 = 3_185_330

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

        var byProduct: [String: (name: String, entries: [ProductAdvisory])] = [:]
        var supersedes: [UInt32: Set<UInt32>] = [:]
        var fixesCVE: [String: [UInt32: Bool]] = [:]
        var securityOnly: Set<UInt32> = []
        var productEdges: [String: Set<UInt32>] = [:]
        var known: Set<UInt32> = []
        for (position, advisory) in advisories.enumerated() {
            let isVulnerability = advisory.id.hasPrefix("CVE-") || !advisory.cves.isEmpty
            var perProduct: [String: (name: String, entry: ProductAdvisory)] = [:]
            for fix in advisory.fixes {
                let product = fix.product.lowercased()
                var (name, entry) =
                    perProduct[product]
                    ?? (
                        fix.product,
                        ProductAdvisory(advisory: position, kbs: [], fixedBuilds: [])
                    )
                if let kb = fix.kb.flatMap(Self.number) {
                    if !entry.kbs.contains(kb) { entry.kbs.append(kb) }
                    known.insert(kb)
                    fixesCVE[product, default: [:]][kb] = fixesCVE[product]?[kb] == true || isVulnerability
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
                perProduct[product] = (name, entry)
            }
            for (product, value) in perProduct where !value.entry.kbs.isEmpty || !value.entry.fixedBuilds.isEmpty {
                byProduct[product, default: (value.name, [])].entries.append(value.entry)
            }
        }
        self.supersedes = supersedes.mapValues { $0.sorted() }
        var supersededBy: [UInt32: [UInt32]] = [:]
        for (newer, olders) in supersedes { for older in olders { supersededBy[older, default: []].append(newer) } }
        self.supersededBy = supersededBy
        self.known = known

        // Each advisory's place in priority order, worked out once: entries of every product are sorted by it.
        var order = [Int](repeating: 0, count: advisories.count)
        for (rank, position) in advisories.indices.sorted(by: { Self.priority(advisories[$0], advisories[$1]) })
            .enumerated()
        {
            order[position] = rank
        }
        var products: [ProductTable] = []
        var productIndex: [String: Int] = [:]
        for (product, value) in byProduct.sorted(by: { $0.key < $1.key }) {
            let edges = productEdges[product] ?? []
            let cumulative = Set(
                (fixesCVE[product] ?? [:]).filter { kb, fixesVulnerability in
                    fixesVulnerability && kb >= Self.rollupEra && edges.contains(kb) && !securityOnly.contains(kb)
                }.keys)
            let entries = value.entries.sorted { order[$0.advisory] < order[$1.advisory] }
            var fixedBy: [UInt32: [Int32]] = [:]
            for (position, entry) in entries.enumerated() {
                for kb in entry.kbs { fixedBy[kb, default: []].append(Int32(position)) }
            }
            productIndex[product] = products.count
            products.append(
                ProductTable(
                    name: value.name, entries: entries, entriesFixedBy: fixedBy,
                    firstCumulative: entries.map { $0.kbs.filter(cumulative.contains).min() ?? .max },
                    hasUpdates: entries.map { !$0.kbs.isEmpty }, newestUpdate: entries.map { $0.kbs.max() ?? 0 },
                    hasBuilds: entries.map { !$0.fixedBuilds.isEmpty },
                    cumulative: cumulative, newestKnown: fixesCVE[product]?.keys.max() ?? 0))
        }
        self.products = products
        self.productIndex = productIndex
    }

    /// The number of a `KB1234567` reference.
    static func number(_ kb: String) -> UInt32? {
        InstalledUpdate.number(kb)
    }

    /// Every update that `kb` supersedes, directly or through a chain, with `kb` itself.
    func covered(by kb: UInt32) -> Set<UInt32> {
        var covered: Set<UInt32> = []
        var stack = [kb]
        while let kb = stack.popLast() {
            guard covered.insert(kb).inserted else { continue }
            if let older = supersedes[kb] { stack += older }
        }
        return covered
    }

    /// How many updates supersede `kbs`, directly or through a chain (for proofs: "or any of 31 later updates").
    func supersedingCount(_ kbs: [UInt32]) -> Int {
        var later: Set<UInt32> = []
        var stack = kbs
        while let kb = stack.popLast() {
            for newer in supersededBy[kb] ?? [] where later.insert(newer).inserted { stack.append(newer) }
        }
        return later.count
    }

    /// Known exploited first, then highest score or rating, then oldest, then identifier.
    static func priority(_ lhs: Advisory, _ rhs: Advisory) -> Bool {
        if (lhs.exploitation != nil) != (rhs.exploitation != nil) { return lhs.exploitation != nil }
        let left = rank(lhs)
        let right = rank(rhs)
        if left != right { return left > right }
        if lhs.published != rhs.published {
            return (lhs.published ?? .distantFuture) < (rhs.published ?? .distantFuture)
        }
        return lhs.id < rhs.id
    }

    private static func rank(_ advisory: Advisory) -> Double {
        if let score = advisory.cvssScore { return score }
        switch advisory.vendorSeverity?.lowercased() {
        case "critical": return 9
        case "important", "high": return 7.5
        case "moderate", "medium": return 5
        case "low": return 2
        default: return 0
        }
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
