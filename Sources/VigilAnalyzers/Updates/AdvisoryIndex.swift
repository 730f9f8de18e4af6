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
        /// Per entry of a product serviced only by cumulative updates (``isServicedByCumulativeUpdatesOnly(_:)``)
        /// fixed only by updates outside the chain, with no installable component: the first of those updates (an
        /// out-of-band update, whose fixes are in the next month's cumulative update, or a servicing-stack one, which
        /// a later cumulative update needs installed). `UInt32.max` otherwise. The matcher counts it fixed by a later
        /// cumulative update only for an advisory naming a CVE (Flash rows name none, and no cumulative update held
        /// Flash).
        let outOfChainFirst: [UInt32]
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
            // Only where every update is cumulative (Windows 10, 11, Server 2016 on): elsewhere an update outside
            // the chain (a Windows 7 security-only update, an IE or .NET one) is not in the next rollup.
            let cumulativeOnly = AdvisoryIndex.isServicedByCumulativeUpdatesOnly(name)
            outOfChainFirst = entries.map { entry in
                guard cumulativeOnly, entry.parts.allSatisfy({ $0.component == 0 }),
                    !entry.kbs.contains(where: cumulative.contains)
                else { return .max }
                return entry.kbs.filter { $0 >= AdvisoryIndex.rollupEra }.min() ?? .max
            }
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

    /// Whether the product named `name` is serviced by cumulative updates alone (Windows 10 and 11, Windows Server
    /// 2016 and later, the semi-annual Server versions): no security-only or per-component updates of its own.
    /// The name must begin so: `Microsoft .NET Framework 4.8 on Windows 10 Version 22H2` is .NET's product, whose
    /// updates no Windows cumulative update holds.
    static func isServicedByCumulativeUpdatesOnly(_ name: String) -> Bool {
        let lowered = name.lowercased().trimmingCharacters(in: .whitespaces)
        return [
            "windows 10", "windows 11", "windows server 2016", "windows server 2019", "windows server 2022",
            "windows server 2025", "windows server, version", "windows server 23h2",
        ].contains(where: lowered.hasPrefix)
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
    /// Per update, its release where a source dates the update itself (``UpdateReleases``), preferred to the date
    /// worked out from the vulnerabilities it fixes. Not part of a snapshot: the analyzer sets it from the reference
    /// data.
    var updateReleases: [UInt32: Date] = [:]

    /// The advisories (by position) of named vulnerabilities whose data dates a later fix than the first
    /// (``NamedVulnerability/missingNote``): found once here rather than looked up per missing advisory of every host.
    let noted: [Int: NamedVulnerability]

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
        var noted: [Int: NamedVulnerability] = [:]
        for vulnerability in NamedVulnerability.all where vulnerability.missingNote != nil {
            for cve in vulnerability.cves {
                if let position = advisories.firstIndex(where: { $0.id == cve }) { noted[position] = vulnerability }
            }
        }
        self.noted = noted
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
        var (advisories, exploitationOnly) = Self.merged(sources)
        var fixes = FixIndexBuilder(wanted: wanted)
        fixes.take(from: &advisories)
        let order = Self.priorityOrder(advisories)
        self.init(
            advisories: advisories, products: fixes.tables(order: order),
            supersedes: fixes.supersedes.mapValues { $0.sorted() }, known: fixes.known,
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
