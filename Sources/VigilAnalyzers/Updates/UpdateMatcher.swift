import Foundation
import VigilCore

/// What matching one host against the advisories concluded.
struct HostUpdateState: Sendable {
    /// The Windows release recognised, if any.
    var release: WindowsRelease?
    /// The advisory product the host was matched as (index into ``AdvisoryIndex/products``).
    var product: Int?
    /// The entries of the product's table whose every fix is missing, in priority order.
    var missing: [Int32] = []
    /// Advisories a fix was found for.
    var fixed = 0
    /// Of those, how many were decided by the order of cumulative updates (the supersedence chain was broken).
    var fixedByReleaseOrder = 0
    /// Why the host's state could not be decided, when it could not. When the advisory data is older than the host's
    /// updates, ``missing`` keeps what the data alone would call missing, for the finding to mention.
    var unknownReason: String?
}

/// Decides, per host, which advisories are really unfixed: an advisory for the host's product is fixed when an
/// installed update is a fixing update or supersedes one (directly or through a chain of cumulative and monthly
/// rollups), when the host's build revision is at or above a fixed build, or when the host has a cumulative update of
/// the same product at or after a cumulative fixing update in the product's series (cumulative updates contain every
/// earlier one, which bridges gaps in the supersedence data).
///
/// Hosts with identical evidence are decided once, and what each installed update fixes for a product (through its
/// supersedence chain) is worked out once, so a host costs one pass over its product's advisories.
struct UpdateMatcher {
    let index: AdvisoryIndex
    private var memo: [Signature: HostUpdateState] = [:]
    /// Per product and installed update, what it fixes directly or through supersedence.
    private var fixedEntries: [ProductUpdate: UpdateFixes] = [:]
    /// Per product and entry, the part of its proof that does not depend on the host (a graph walk each, so kept).
    private var proofs: [ProductEntry: String] = [:]
    /// Releases recognised, per operating system report (estates repeat a handful of them).
    private var releases: [OperatingSystem: WindowsRelease?] = [:]

    init(index: AdvisoryIndex) {
        self.index = index
    }

    /// The evidence a decision depends on.
    private struct Signature: Hashable {
        var product: Int
        var installed: [UInt32]
        var build: BuildNumber?
        var listed: Bool
    }

    private struct ProductUpdate: Hashable {
        var product: Int
        var kb: UInt32
    }

    private struct ProductEntry: Hashable {
        var product: Int
        var entry: Int32
    }

    /// Matches `host`.
    mutating func match(_ host: Machine) -> HostUpdateState {
        guard let system = host.operatingSystem else {
            return HostUpdateState(unknownReason: "no inventory reports its operating system")
        }
        let release = releases[system] ?? WindowsRelease.recognise(system)
        releases[system] = release
        guard let release else {
            return HostUpdateState(unknownReason: "its operating system version is not one Vigil recognises")
        }
        let products = index.productIndex
        guard let product = release.productNames.lazy.compactMap({ products[$0.lowercased()] }).first else {
            return HostUpdateState(
                release: release,
                unknownReason: "the advisory data has no advisories for \(release.name): import current advisories")
        }
        let build = system.build.flatMap { build in system.revision.map { BuildNumber(build: build, revision: $0) } }
        guard host.updatesListed || build != nil else {
            return HostUpdateState(
                release: release, product: product,
                unknownReason: "no inventory lists its installed updates or reports its build revision")
        }
        let installed = Array(Set(host.installedUpdates.compactMap { AdvisoryIndex.number($0.kb) })).sorted()
        let signature = Signature(product: product, installed: installed, build: build, listed: host.updatesListed)
        // The release is set after the memo: hosts of one product and patch level can still differ in edition
        // (LTSB against semi-annual servicing), which decides support, not updates.
        var state =
            memo[signature] ?? decide(product: product, installed: installed, build: build, listed: host.updatesListed)
        memo[signature] = state
        state.release = release
        return state
    }

    private mutating func decide(product: Int, installed: [UInt32], build: BuildNumber?, listed: Bool)
        -> HostUpdateState
    {
        var state = HostUpdateState(product: product)
        let table = index.products[product]
        let count = table.entries.count
        var fixed = [Bool](repeating: false, count: count)
        // For entries with updates of installable components: which of their components an installed update fixes.
        var componentsFixed: [Int32: Set<UInt16>] = [:]
        for kb in installed {
            let fixes = self.fixes(by: kb, product: product)
            for entry in fixes.entries { fixed[Int(entry)] = true }
            for (entry, component) in fixes.components { componentsFixed[entry, default: []].insert(component) }
        }
        let newestCumulative = installed.filter(table.cumulative.contains).max() ?? 0
        let shown = table.components.isEmpty ? ShownComponents() : shownComponents(table, installed: installed)
        var undecided = 0
        table.firstCumulative.withUnsafeBufferPointer { firstCumulative in
            for position in 0..<count {
                // An update of one installable component (.NET 3.5.1) does not fix another the host has (.NET 4), nor
                // the product itself (slow path: few entries name components).
                if table.hasComponents[position] {
                    switch componentsDecide(
                        table.entries[position], in: table, fixed: componentsFixed[Int32(position)] ?? [],
                        shown: shown, newestCumulative: newestCumulative)
                    {
                    case .notApplicable:
                        // Decided: the host has another version of every component the entry is for.
                        state.fixed += 1
                        continue
                    case .fixed(let byReleaseOrder):
                        state.fixed += 1
                        if byReleaseOrder { state.fixedByReleaseOrder += 1 }
                        continue
                    case .missing:
                        if listed {
                            state.missing.append(Int32(position))
                            continue
                        }
                    case .anyFix: break
                    }
                }
                if fixed[position] {
                    state.fixed += 1
                    continue
                }
                // A fixed build decides only for a host whose build it names (slow path: few entries have builds).
                var buildNamed = false
                if table.hasBuilds[position], let build {
                    let builds = table.entries[position].fixedBuilds
                    if builds.contains(where: { $0.build == build.build && build >= $0 }) {
                        state.fixed += 1
                        continue
                    }
                    buildNamed = builds.contains { $0.build == build.build }
                }
                if firstCumulative[position] <= newestCumulative {
                    state.fixed += 1
                    state.fixedByReleaseOrder += 1
                } else if buildNamed || (listed && table.hasUpdates[position]) {
                    state.missing.append(Int32(position))
                } else {
                    undecided += 1
                }
            }
        }
        if state.missing.isEmpty, state.fixed == 0, undecided > 0 {
            state.unknownReason =
                "the advisory data gives no update or build that the host's evidence can be compared with"
        } else if !state.missing.isEmpty, listed,
            let unknown = installed.first(where: { $0 > table.newestKnown && !index.known.contains($0) })
        {
            state.unknownReason =
                "it has updates newer than any the advisory data knows for this product (KB\(unknown)): import current advisories"
        }
        return state
    }

    /// How an entry with updates of installable components is decided.
    private enum ComponentDecision {
        /// Every part that applies to the host is fixed (one of them by release order, if set).
        case fixed(byReleaseOrder: Bool)
        /// A part that applies to the host (the product itself, or a component it has) has no fix installed.
        case missing
        /// The entry is only for versions of components the host has another version of (IE 8 on a host with IE 11).
        case notApplicable
        /// No part is known to apply (the entry names only components the host shows no sign of): any fix decides.
        case anyFix
    }

    /// The installable components a host shows, and the families they belong to.
    private struct ShownComponents {
        var components: Set<UInt16> = []
        var families: Set<String> = []
    }

    /// Decides an entry whose updates are split by installable component: the product's own updates always apply, a
    /// component's only when the host shows the component (``shownComponents(_:installed:)``); each part that applies
    /// must be fixed by an installed update (directly or through supersedence: `fixed`) or by release order.
    private func componentsDecide(
        _ entry: AdvisoryIndex.ProductAdvisory, in table: AdvisoryIndex.ProductTable, fixed: Set<UInt16>,
        shown: ShownComponents, newestCumulative: UInt32
    ) -> ComponentDecision {
        let parts = Set(entry.parts.map(\.component))
        let applying = parts.filter { $0 == 0 || shown.components.contains($0) }
        guard !applying.isEmpty else {
            let otherVersions = parts.allSatisfy { id in
                table.components[Int(id) - 1].family.map(shown.families.contains) ?? false
            }
            return otherVersions ? .notApplicable : .anyFix
        }
        var byReleaseOrder = false
        for component in applying where !fixed.contains(component) {
            let inOrder = entry.parts.contains { part in
                part.component == component && table.cumulative.contains(part.kb) && part.kb <= newestCumulative
            }
            guard inOrder else { return .missing }
            byReleaseOrder = true
        }
        return .fixed(byReleaseOrder: byReleaseOrder)
    }

    /// The installable components of `table` that a host with `installed` shows: those an installed update is a fix
    /// for. Of a family whose versions replace each other (Internet Explorer), only the newest shown counts.
    private func shownComponents(_ table: AdvisoryIndex.ProductTable, installed: [UInt32]) -> ShownComponents {
        var shown: Set<UInt16> = []
        for kb in installed { shown.formUnion(table.componentsShownBy[kb] ?? []) }
        var newest: [String: UInt16] = [:]
        for id in shown {
            let component = table.components[Int(id) - 1]
            guard let family = component.family else { continue }
            if let other = newest[family],
                !table.components[Int(other) - 1].version.lexicographicallyPrecedes(component.version)
            {
                continue
            }
            newest[family] = id
        }
        return ShownComponents(
            components: shown.filter { id in table.components[Int(id) - 1].family.map { newest[$0] == id } ?? true },
            families: Set(newest.keys))
    }

    /// What one installed update fixes for a product, directly or by superseding a fix.
    private struct UpdateFixes {
        /// The entries it fixes.
        var entries: [Int32] = []
        /// For entries with updates of installable components, the component (0: the product itself) it fixes.
        var components: [(entry: Int32, component: UInt16)] = []
    }

    /// What `kb` fixes for `product`, directly or by superseding a fix.
    private mutating func fixes(by kb: UInt32, product: Int) -> UpdateFixes {
        let key = ProductUpdate(product: product, kb: kb)
        if let known = fixedEntries[key] { return known }
        let table = index.products[product]
        var fixes = UpdateFixes()
        for covered in index.covered(by: kb) {
            for entry in table.entriesFixedBy[covered] ?? [] {
                fixes.entries.append(entry)
                guard table.hasComponents[Int(entry)] else { continue }
                let advisory = table.entries[Int(entry)]
                for part in advisory.parts where part.kb == covered { fixes.components.append((entry, part.component)) }
            }
        }
        fixedEntries[key] = fixes
        return fixes
    }

    /// The proof that `entry` of `product` is missing on a host, in plain words.
    mutating func proof(entry position: Int32, product: Int, host: Machine) -> String {
        let key = ProductEntry(product: product, entry: position)
        let fixes = proofs[key] ?? fixesText(index.products[product].entries[Int(position)])
        proofs[key] = fixes
        var seen = "the host lists \(Wording.count(host.installedUpdates.count, "installed update"))"
        if let revision = host.operatingSystem?.revision, let build = host.operatingSystem?.build {
            seen += " and build \(build).\(revision)"
        }
        return "\(index.products[product].name): \(fixes); \(seen), none of which applies"
    }

    /// What fixes `entry`: its updates, how many later ones supersede them, its fixed builds.
    private func fixesText(_ entry: AdvisoryIndex.ProductAdvisory) -> String {
        var parts: [String] = []
        if !entry.kbs.isEmpty {
            let kbs = entry.kbs.sorted().prefix(6).map { "KB\($0)" }.joined(separator: ", ")
            let later = index.supersedingCount(entry.kbs)
            parts.append(
                "fixed by \(kbs)\(entry.kbs.count > 6 ? " and \(entry.kbs.count - 6) more" : "")"
                    + (later > 0
                        ? " or \(later == 1 ? "the later update" : "any of \(Wording.number(later)) later updates") that supersede\(later == 1 ? "s" : "") them"
                        : ""))
        }
        if !entry.fixedBuilds.isEmpty {
            let builds = entry.fixedBuilds.sorted().prefix(3).map { "\($0.build).\($0.revision)" }.joined(
                separator: ", ")
            parts.append("fixed at build \(builds)")
        }
        return parts.joined(separator: "; ")
    }
}
