import Foundation
public import VigilCore

/// Advisories joined for matching: merged by identifier across sources, exploitation joined by CVE, fixes indexed by
/// product, and the supersedence graph of updates.
///
/// Built once per assessment; every host is matched against it.
public struct AdvisoryIndex: Sendable {
    /// One advisory's fixes for one product.
    struct ProductAdvisory: Sendable, Equatable {
        /// Index into ``advisories``.
        var advisory: Int
        /// Fixing updates (KB numbers) for the product.
        var kbs: [UInt32]
        /// Which fixing update is for which part: the product itself or an installable component. Empty when every
        /// update is for the product itself.
        var parts: [Part] = []
        /// Fixed builds for the product (`10.0.14393.953` → build 14393, revision 953).
        var fixedBuilds: [BuildNumber]
    }

    /// A fixing update and the part of the product it is for: 1 + an index into the table's
    /// ``ProductTable/components``, or 0 for the product itself. One update can be for several parts.
    struct Part: Sendable, Hashable {
        var kb: UInt32
        var component: UInt16
    }

    /// What an entry of a product's table names.
    struct EntryKind: OptionSet, Sendable {
        let rawValue: UInt8
        /// Fixing updates.
        static let updates = EntryKind(rawValue: 1)
        /// Fixed builds.
        static let builds = EntryKind(rawValue: 2)
        /// Updates of installable components (``ProductAdvisory/parts``).
        static let components = EntryKind(rawValue: 4)
    }

    /// One product's advisories, as matching needs them.
    struct ProductTable: Sendable {
        /// The product's name as the data spells it.
        var name: String
        /// Its advisories, in priority order (``Priority``), so that what a host misses comes out ranked.
        var entries: [ProductAdvisory]
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
        /// The installable components its fixes name (``Part/component`` counts from 1 into these).
        var components: [InstallableComponent]

        // Derived from the above, kept apart from ``entries`` so that matching a host reads only plain numbers.

        /// Per fixing update, the entries it fixes directly.
        let entriesFixedBy: [UInt32: [Int32]]
        /// Per entry, the lowest of its fixing updates that is a cumulative update of the product (`UInt32.max` when
        /// none is): any later cumulative update of the product contains it.
        let firstCumulative: [UInt32]
        /// Per entry, its newest fixing update (0 when it names none): the one to install.
        let newestUpdate: [UInt32]
        /// The newest cumulative update that is a fixing update of some entry: the rollup to recommend when its chain
        /// reaches every fix a host misses.
        let newestCumulative: UInt32?
        /// Per entry, what it names besides fixing updates (one byte each, so that matching reads one array).
        let kinds: [EntryKind]
        /// Per update, the installable components it is a fix for: a host that has it installed has them.
        let componentsShownBy: [UInt32: [UInt16]]

        init(
            name: String, entries: [ProductAdvisory], cumulative: Set<UInt32>, newestKnown: UInt32,
            components: [InstallableComponent]
        ) {
            self.name = name
            self.entries = entries
            self.cumulative = cumulative
            self.newestKnown = newestKnown
            self.components = components
            var fixedBy: [UInt32: [Int32]] = [:]
            var shownBy: [UInt32: [UInt16]] = [:]
            for (position, entry) in entries.enumerated() {
                for kb in entry.kbs { fixedBy[kb, default: []].append(Int32(position)) }
                for part in entry.parts where part.component > 0 && shownBy[part.kb]?.contains(part.component) != true {
                    shownBy[part.kb, default: []].append(part.component)
                }
            }
            entriesFixedBy = fixedBy
            componentsShownBy = shownBy
            firstCumulative = entries.map { $0.kbs.filter(cumulative.contains).min() ?? .max }
            newestUpdate = entries.map { $0.kbs.max() ?? 0 }
            newestCumulative = entries.lazy.flatMap(\.kbs).filter(cumulative.contains).max()
            kinds = entries.map { entry in
                var kind: EntryKind = []
                if !entry.kbs.isEmpty { kind.insert(.updates) }
                if !entry.fixedBuilds.isEmpty { kind.insert(.builds) }
                if !entry.parts.isEmpty { kind.insert(.components) }
                return kind
            }
        }
    }

    /// The advisories, merged by identifier, sorted by identifier, without their fixes (which the product tables
    /// hold).
    public let advisories: [Advisory]
    /// Per product, its table; ``productIndex`` finds a product by its lower-case name. An index built or loaded for
    /// some products only holds theirs.
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

    /// The products it holds tables for.
    public var productCount: Int { products.count }

    /// The first monthly rollup (KB3185330, October 2016, Windows 7 SP1 and Server 2008 R2; the 8.1 and 2012 ones
    /// followed it): from then on every Windows version is serviced by cumulative updates.
    static let rollupEra: UInt32 = 3_185_330

    init(
        advisories: [Advisory], products: [ProductTable], supersedes: [UInt32: [UInt32]], known: Set<UInt32>,
        exploitationOnly: Int
    ) {
        self.advisories = advisories
        self.products = products
        productIndex = Dictionary(
            products.enumerated().map { ($0.element.name.lowercased(), $0.offset) },
            uniquingKeysWith: { first, _ in first })
        self.supersedes = supersedes
        var supersededBy: [UInt32: [UInt32]] = [:]
        for (newer, olders) in supersedes { for older in olders { supersededBy[older, default: []].append(newer) } }
        self.supersededBy = supersededBy.mapValues { $0.sorted() }
        self.known = known
        self.exploitationOnly = exploitationOnly
    }

    /// Joins `sources`: advisories merged by identifier, exploitation joined by CVE, fixes indexed by product. With
    /// `wanted` (lower-case product names, ``products(for:)``), only those products' tables are built.
    public init(_ sources: [Advisory], products wanted: Set<String>? = nil) {
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

        var byProduct: [String: ProductBuilder] = [:]
        var supersedes: [UInt32: Set<UInt32>] = [:]
        var securityOnly: Set<UInt32> = []
        var known: Set<UInt32> = []
        var lowercased: [String: String] = [:]
        for (position, advisory) in advisories.enumerated() {
            let isVulnerability = advisory.id.hasPrefix("CVE-") || !advisory.cves.isEmpty
            var perProduct: [String: ProductAdvisory] = [:]
            for fix in advisory.fixes {
                let product = lowercased[fix.product] ?? fix.product.lowercased()
                lowercased[fix.product] = product
                let kb = fix.kb.flatMap(Self.number)
                let older = fix.supersedes.compactMap(Self.number)
                if let kb {
                    known.insert(kb)
                    if !older.isEmpty {
                        supersedes[kb, default: []].formUnion(older)
                        known.formUnion(older)
                    }
                    if fix.kind?.localizedCaseInsensitiveContains("security only") == true { securityOnly.insert(kb) }
                }
                guard wanted?.contains(product) ?? true else { continue }
                var builder = byProduct[product] ?? ProductBuilder(name: fix.product)
                var entry = perProduct[product] ?? ProductAdvisory(advisory: position, kbs: [], fixedBuilds: [])
                if let kb {
                    builder.add(kb, supersedes: older, fixesVulnerability: isVulnerability)
                    let part = Part(kb: kb, component: fix.component.flatMap { builder.component($0) } ?? 0)
                    if !entry.kbs.contains(kb) { entry.kbs.append(kb) }
                    if !entry.parts.contains(part) { entry.parts.append(part) }
                }
                if let build = fix.fixedBuild.flatMap(BuildNumber.init), !entry.fixedBuilds.contains(build) {
                    entry.fixedBuilds.append(build)
                }
                byProduct[product] = builder
                perProduct[product] = entry
            }
            for (product, var entry) in perProduct where !entry.kbs.isEmpty || !entry.fixedBuilds.isEmpty {
                if entry.parts.allSatisfy({ $0.component == 0 }) { entry.parts = [] }
                byProduct[product]?.entries.append(entry)
            }
            advisories[position].fixes = []
        }

        // Each advisory's place in priority order, worked out once: entries of every product are sorted by it.
        var order = [Int](repeating: 0, count: advisories.count)
        let priorities = advisories.map(Priority.init)
        for (rank, position) in advisories.indices.sorted(by: { priorities[$0] < priorities[$1] }).enumerated() {
            order[position] = rank
        }
        let tables = byProduct.sorted { $0.key < $1.key }.map { _, builder in
            builder.table(order: order, securityOnly: securityOnly)
        }
        self.init(
            advisories: advisories, products: tables, supersedes: supersedes.mapValues { $0.sorted() }, known: known,
            exploitationOnly: exploitationOnly)
    }

    /// The lower-case advisory product names `hosts` can be matched as: what an index needs to hold for them.
    public static func products(for hosts: [Machine]) -> Set<String> {
        var products: Set<String> = []
        for system in Set(hosts.compactMap(\.operatingSystem)) {
            let release = WindowsRelease.recognise(system)
            for name in (release?.productNames ?? []) + (release?.missingServicePack?.productNames ?? []) {
                products.insert(name.lowercased())
            }
        }
        return products
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

    /// An advisory's place in priority order — known exploited first, then highest score or rating, then oldest,
    /// then identifier — worked out once so that sorting many compares plain values: lesser comes first.
    struct Priority: Comparable {
        var exploited: Bool
        var rank: Double
        var published: Date
        var id: String

        init(_ advisory: Advisory) {
            exploited = advisory.exploitation != nil
            rank = Self.rank(advisory)
            published = advisory.published ?? .distantFuture
            id = advisory.id
        }

        static func < (lhs: Self, rhs: Self) -> Bool {
            if lhs.exploited != rhs.exploited { return lhs.exploited }
            if lhs.rank != rhs.rank { return lhs.rank > rhs.rank }
            if lhs.published != rhs.published { return lhs.published < rhs.published }
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
}

/// One product's table while the index is built.
private struct ProductBuilder {
    var name: String
    var entries: [AdvisoryIndex.ProductAdvisory] = []
    /// Updates that take part in the product's supersedence (as superseding or superseded).
    var edges: Set<UInt32> = []
    /// Per fixing update, whether it fixes a vulnerability (a CVE) rather than only an advisory.
    var fixesVulnerability: [UInt32: Bool] = [:]
    var components: [InstallableComponent] = []
    var componentIDs: [String: UInt16] = [:]

    init(name: String) {
        self.name = name
    }

    mutating func add(_ kb: UInt32, supersedes older: [UInt32], fixesVulnerability vulnerability: Bool) {
        fixesVulnerability[kb] = fixesVulnerability[kb] == true || vulnerability
        if !older.isEmpty {
            edges.insert(kb)
            edges.formUnion(older)
        }
    }

    /// The identifier (1…63) of the installable component `name` names, or `nil` when it is not installable.
    mutating func component(_ name: String) -> UInt16? {
        if let known = componentIDs[name] { return known }
        // Beyond 63 (never seen: a product has a dozen .NET versions at most), a component is taken as the product.
        guard let component = InstallableComponent(name), components.count < 63 else { return nil }
        components.append(component)
        componentIDs[name] = UInt16(components.count)
        return UInt16(components.count)
    }

    func table(order: [Int], securityOnly: Set<UInt32>) -> AdvisoryIndex.ProductTable {
        let cumulative = Set(
            fixesVulnerability.filter { kb, vulnerability in
                vulnerability && kb >= AdvisoryIndex.rollupEra && edges.contains(kb) && !securityOnly.contains(kb)
            }.keys)
        return AdvisoryIndex.ProductTable(
            name: name, entries: entries.sorted { order[$0.advisory] < order[$1.advisory] }, cumulative: cumulative,
            newestKnown: fixesVulnerability.keys.max() ?? 0, components: components)
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
            let build = Int(parts[parts.count - 2]), build >= 2600, UInt32(exactly: build) != nil,
            UInt32(exactly: revision) != nil
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
