import Foundation
import VigilCore

/// The fixes of every advisory, indexed by product while an ``AdvisoryIndex`` is built, with the supersedence graph
/// and the update numbers the data knows.
struct FixIndexBuilder {
    /// Lower-case product names whose tables are built; `nil` for every product.
    let wanted: Set<String>?
    /// Per lower-case product name, its table so far.
    var byProduct: [String: ProductBuilder] = [:]
    /// Per update, the updates it supersedes (for any product).
    var supersedes: [UInt32: Set<UInt32>] = [:]
    /// Updates whose kind is "Security Only", which are never cumulative.
    var securityOnly: Set<UInt32> = []
    /// Every update number the data knows, as a fix or as superseded.
    var known: Set<UInt32> = []
    /// Product names as written → lower-cased, so that each spelling is lowered once.
    private var lowercased: [String: String] = [:]

    init(wanted: Set<String>?) {
        self.wanted = wanted
    }

    /// Indexes every advisory's fixes, taking them out of the advisories (the product tables hold them from now on).
    mutating func take(from advisories: inout [Advisory]) {
        for position in advisories.indices {
            add(advisories[position], at: position)
            advisories[position].fixes = []
        }
    }

    /// Whether `id` is one of WES-NG's service-pack markers (`SP81U1X64`, `SPSRV8R2X64SP1`, `SPXPSP3`): `SP` and
    /// capital letters and digits.
    static func isServicePackMarker(_ id: String) -> Bool {
        id.hasPrefix("SP") && (4...20).contains(id.utf8.count)
            && id.utf8.allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }
    }

    /// Indexes the fixes of the advisory at `position`.
    private mutating func add(_ advisory: Advisory, at position: Int) {
        let isVulnerability = advisory.id.hasPrefix("CVE-") || !advisory.cves.isEmpty
        // WES-NG's custom definitions list service packs and platform updates (SP7X64SP2: Windows 7's convenience
        // rollup) as if they were advisories: their updates and supersedence are indexed, but a host lacking one lacks
        // no vulnerability fix (the service pack a release needs is said by WindowsRelease), so they are no entries.
        let isServicePackMarker = !isVulnerability && Self.isServicePackMarker(advisory.id)
        var perProduct: [String: AdvisoryIndex.ProductAdvisory] = [:]
        for fix in advisory.fixes {
            let product = lowercased[fix.product] ?? fix.product.lowercased()
            lowercased[fix.product] = product
            let kb = fix.kb.flatMap(AdvisoryIndex.number)
            let older = fix.supersedes.compactMap(AdvisoryIndex.number)
            if let kb {
                known.insert(kb)
                if !older.isEmpty {
                    supersedes[kb, default: []].formUnion(older)
                    known.formUnion(older)
                }
                if fix.kind?.localizedCaseInsensitiveContains("security only") == true { securityOnly.insert(kb) }
            }
            guard !isServicePackMarker, wanted?.contains(product) ?? true else { continue }
            var builder = byProduct[product] ?? ProductBuilder(name: fix.product)
            var entry =
                perProduct[product] ?? AdvisoryIndex.ProductAdvisory(advisory: position, kbs: [], fixedBuilds: [])
            if let kb {
                builder.add(kb, supersedes: older, fixesVulnerability: isVulnerability)
                let part = AdvisoryIndex.Part(kb: kb, component: fix.component.flatMap { builder.component($0) } ?? 0)
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
    }

    /// Every product's table, by name, its entries in the advisories' priority `order`.
    func tables(order: [Int]) -> [AdvisoryIndex.ProductTable] {
        byProduct.sorted { $0.key < $1.key }.map { _, builder in
            builder.table(order: order, securityOnly: securityOnly)
        }
    }
}

/// One product's table while the index is built.
struct ProductBuilder {
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
