import Foundation
import VigilCore

/// A set of a product table's parts (0, the product itself, and its installable components 1…63), as bits.
struct ComponentSet: OptionSet, Sendable {
    var rawValue: UInt64

    init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    func contains(_ component: UInt16) -> Bool { rawValue & (1 << UInt64(component)) != 0 }
    mutating func insert(_ component: UInt16) { rawValue |= 1 << UInt64(component) }
}

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
    /// The entries the host's evidence cannot decide either way: their fixes are updates and the host's updates were
    /// not listed, or fixed builds of another build of the product. Never "not missing": a named vulnerability among
    /// them is unknown, and a host with nothing else missing is undecided (``unknownReason``).
    var undecided: [Int32] = []
    /// Whether ``unknownReason`` is there only because of ``undecided`` (so it lapses when scoping the host's role
    /// leaves none of them).
    var unknownOnlyForUndecided = false
    /// Whether the host's evidence lists its installed updates (for ``UpdateMatcher/undecidedReason(decided:of:product:listed:named:)``).
    var listed = false
    /// Whether it names any installed update, listed in whole or not (a systeminfo list cut short names some).
    var named = false
    /// Of those, how many were decided by the order of cumulative updates (the supersedence chain was broken).
    var fixedByReleaseOrder = 0
    /// Why the host's state could not be decided, when it could not. When the advisory data is older than the host's
    /// updates, ``missing`` keeps what the data alone would call missing, for the finding to mention.
    var unknownReason: String?
    /// The service pack the host lacks: ``missing`` are then the advisories of the release with that service pack,
    /// released after the host's own service pack level lost support, whose fixes cannot be installed without it.
    var servicePack: WindowsRelease.ServicePack?
    /// Whether the host is a domain controller (``Machine/domainController``), set after matching.
    var domainController: Bool?
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
    /// Releases recognised, and the advisory product each is matched as, per operating system report (estates repeat
    /// a handful of them).
    private var releases: [OperatingSystem: WindowsRelease?] = [:]
    private var productOf: [OperatingSystem: Int?] = [:]

    /// KB2919355, the April 2014 update every later Windows 8.1 and Server 2012 R2 update requires.
    static let windows81Update: UInt32 = 2_919_355

    /// Decisions kept for reuse: estates repeat a few hundred patch levels, and an estate whose hosts nearly all
    /// differ must not keep one decision per host.
    static let memoLimit = 4096

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
        if let pack = release.missingServicePack,
            let product = pack.productNames.lazy.compactMap({ products[$0.lowercased()] }).first
        {
            return servicePackState(release: release, pack: pack, product: product)
        }
        let product =
            productOf[system] ?? release.productNames.lazy.compactMap({ products[$0.lowercased()] }).first
        productOf[system] = product
        guard let product else {
            return HostUpdateState(
                release: release,
                unknownReason: "the advisory data has no advisories for \(release.name): import current advisories")
        }
        let build = system.build.flatMap { build in system.revision.map { BuildNumber(build: build, revision: $0) } }
        // Updates known without a complete list (systeminfo that stopped at 245) still decide what they fix.
        guard host.updatesListed || build != nil || !host.installedUpdates.isEmpty else {
            return HostUpdateState(
                release: release, product: product,
                unknownReason: "no inventory lists its installed updates or reports its build revision")
        }
        let installed = Array(Set(host.installedUpdates.compactMap { AdvisoryIndex.number($0.kb) })).sorted()
        // Windows 8.1 and Server 2012 R2 take no update after March 2014 without KB2919355; a listed host with
        // neither it nor anything numbered after it lacks it (a later update would show it was installed).
        if release.name == "Windows 8.1" || release.name == "Windows Server 2012 R2", host.updatesListed,
            installed.allSatisfy({ $0 < Self.windows81Update })
        {
            return servicePackState(
                release: release, pack: .windows81Update(productNames: release.productNames), product: product)
        }
        let signature = Signature(product: product, installed: installed, build: build, listed: host.updatesListed)
        // The release is set after the memo: hosts of one product and patch level can still differ in edition
        // (LTSB against semi-annual servicing), which decides support, not updates.
        var state: HostUpdateState
        if let known = memo[signature] {
            state = known
        } else {
            state = decide(product: product, installed: installed, build: build, listed: host.updatesListed)
            if memo.count < Self.memoLimit { memo[signature] = state }
        }
        state.release = release
        return state
    }

    /// A host without the service pack its release needs: every advisory of the release with the service pack that
    /// was published after the host's level lost support is missing, whatever it has installed, because none of
    /// their fixes installs without the service pack (Windows 7 without SP1 cannot take MS17-010's KB4012212).
    private func servicePackState(release: WindowsRelease, pack: WindowsRelease.ServicePack, product: Int)
        -> HostUpdateState
    {
        let entries = index.products[product].entries
        let missing = entries.indices.filter { position in
            let published = index.advisories[entries[position].advisory].published
            let cutoff = pack.levelSupportedUntil ?? release.endOfSupport
            return published.map { date in cutoff.map { date > $0 } ?? true } ?? true
        }
        return HostUpdateState(
            release: release, product: product, missing: missing.map { Int32($0) }, servicePack: pack)
    }

    private mutating func decide(product: Int, installed: [UInt32], build: BuildNumber?, listed: Bool)
        -> HostUpdateState
    {
        var state = HostUpdateState(product: product)
        let table = index.products[product]
        let count = table.entries.count
        var fixed = [UInt64](repeating: 0, count: (count + 63) / 64)
        // For entries with updates of installable components: which of their components an installed update fixes.
        var componentsFixed = [ComponentSet](repeating: [], count: table.components.isEmpty ? 0 : count)
        for kb in installed {
            let fixes = self.fixes(by: kb, product: product)
            for (word, bits) in zip(fixed.indices, fixes.entries) { fixed[word] |= bits }
            for (entry, component) in fixes.components { componentsFixed[Int(entry)].insert(component) }
        }
        let newestCumulative = installed.filter(table.cumulative.contains).max() ?? 0
        let shown = table.components.isEmpty ? ShownComponents() : shownComponents(table, installed: installed)
        var (fixedCount, byReleaseOrder) = (0, 0)
        var missing: [Int32] = []
        var undecided: [Int32] = []
        let firstCumulative = table.firstCumulative
        let outOfChainFirst = table.outOfChainFirst
        let kinds = table.kinds
        for position in 0..<count {
            let kind = kinds[position]
            // An update of one installable component (.NET 3.5.1) does not fix another the host has (.NET 4), nor
            // the product itself (slow path: few entries name components).
            if kind.contains(.components) {
                switch componentsDecide(
                    table.entries[position], in: table, fixed: componentsFixed[position], shown: shown,
                    newestCumulative: newestCumulative)
                {
                case .notApplicable:
                    // Decided: the host has another version of every component the entry is for.
                    fixedCount += 1
                    continue
                case .fixed(let inOrder):
                    fixedCount += 1
                    if inOrder { byReleaseOrder += 1 }
                    continue
                case .missing:
                    if listed {
                        missing.append(Int32(position))
                        continue
                    }
                case .anyFix: break
                }
            }
            if fixed[position >> 6] & (1 << UInt64(position & 63)) != 0 {
                fixedCount += 1
                continue
            }
            // A fixed build decides only for a host whose build it names (slow path: few entries have builds).
            var buildNamed = false
            if kind.contains(.builds), let build {
                let builds = table.entries[position].fixedBuilds
                if builds.contains(where: { $0.build == build.build && build >= $0 }) {
                    fixedCount += 1
                    continue
                }
                buildNamed = builds.contains { $0.build == build.build }
            }
            if firstCumulative[position] <= newestCumulative
                || (outOfChainFirst[position] < newestCumulative
                    && !index.advisories[Int(table.entries[position].advisory)].cves.isEmpty)
            {
                fixedCount += 1
                byReleaseOrder += 1
            } else if buildNamed || (listed && kind.contains(.updates)) {
                missing.append(Int32(position))
            } else {
                undecided.append(Int32(position))
            }
        }
        state.fixed = fixedCount
        state.fixedByReleaseOrder = byReleaseOrder
        state.missing = missing
        state.undecided = undecided
        state.listed = listed
        state.named = !installed.isEmpty
        if state.missing.isEmpty, !undecided.isEmpty {
            // Some advisories decided (by the host's build) say nothing of the others: never "nothing missing".
            state.unknownReason = Self.undecidedReason(
                decided: fixedCount, of: count, product: table.name, listed: listed, named: state.named)
            state.unknownOnlyForUndecided = true
        } else if !state.missing.isEmpty, listed,
            let unknown = installed.first(where: { $0 > table.newestKnown && !index.known.contains($0) })
        {
            // An update numbered after everything the data knows is a later rollup the data predates, which may
            // well contain the fixes: never evidence that they are missing.
            state.unknownReason =
                "updates newer than the catalogue: KB\(unknown) is numbered after the newest update the advisory data knows for \(table.name) (KB\(table.newestKnown)); import current definitions with `vigil advisories import`"
        }
        return state
    }

    /// Why a host with nothing missing but `of - decided` advisories undecided cannot be called up to date.
    /// `named`: the evidence names some installed updates, though not as a whole list (a systeminfo list cut short):
    /// then the list is why, not the advisory data.
    static func undecidedReason(decided: Int, of count: Int, product: String, listed: Bool, named: Bool) -> String {
        let incomplete =
            "no complete list of the host's installed updates was exported (systeminfo's may be cut short; Get-HotFix or wmic qfe lists them all)"
        guard decided > 0 else {
            if !listed, named {
                return
                    "none of the \(Wording.number(count)) advisories for \(product) is fixed by an update the host names, and \(incomplete)"
            }
            return "the advisory data gives no update or build that the host's evidence can be compared with"
        }
        let rest = count - decided
        let why =
            listed
            ? "their fixes are builds of another build of the product" : "their fixes are updates, and \(incomplete)"
        return
            "the host's evidence decides only \(Wording.number(decided)) of the \(Wording.number(count)) advisories for \(product); \(Wording.number(rest)) cannot be decided, as \(why)"
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

    /// The installable components a host shows (the newest of each family), and the families it shows.
    private struct ShownComponents {
        var components: ComponentSet = []
        var families: Set<String> = []
    }

    /// Decides an entry whose updates are split by installable component: the product's own updates always apply, a
    /// component's only when the host shows the component (``shownComponents(_:installed:)``); each part that applies
    /// must be fixed by an installed update (directly or through supersedence: `fixed`) or by release order.
    private func componentsDecide(
        _ entry: AdvisoryIndex.ProductAdvisory, in table: AdvisoryIndex.ProductTable, fixed: ComponentSet,
        shown: ShownComponents, newestCumulative: UInt32
    ) -> ComponentDecision {
        var applies = false
        var byReleaseOrder = false
        for part in entry.parts where part.component == 0 || shown.components.contains(part.component) {
            applies = true
            if fixed.contains(part.component) { continue }
            let inOrder = entry.parts.contains { other in
                other.component == part.component && table.cumulative.contains(other.kb)
                    && other.kb <= newestCumulative
            }
            guard inOrder else { return .missing }
            byReleaseOrder = true
        }
        if applies { return .fixed(byReleaseOrder: byReleaseOrder) }
        let otherVersions = entry.parts.allSatisfy { part in
            table.components[Int(part.component) - 1].family.map(shown.families.contains) ?? false
        }
        return otherVersions ? .notApplicable : .anyFix
    }

    /// The installable components of `table` that a host with `installed` shows: those an installed update is a fix
    /// for. Of a family whose versions replace each other (.NET Framework 4.x), only the newest shown counts.
    private func shownComponents(_ table: AdvisoryIndex.ProductTable, installed: [UInt32]) -> ShownComponents {
        var shown: [UInt16] = []
        for kb in installed { shown += table.componentsShownBy[kb] ?? [] }
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
        var result = ShownComponents(families: Set(newest.keys))
        for id in shown where table.components[Int(id) - 1].family.map({ newest[$0] == id }) ?? true {
            result.components.insert(id)
        }
        return result
    }

    /// What one installed update fixes for a product, directly or by superseding a fix.
    private struct UpdateFixes {
        /// The entries it fixes, as bits (entry `n` is bit `n % 64` of word `n / 64`): a host's fixes are the union of
        /// its updates', and a cumulative update fixes thousands of entries.
        var entries: [UInt64]
        /// For entries with updates of installable components, the component (0: the product itself) it fixes.
        var components: [(entry: Int32, component: UInt16)] = []
    }

    /// Whether installing `kb` fixes any of `entries` of `product`: directly, by superseding a fix, or as a cumulative
    /// update at or after the first cumulative fix of the entry.
    mutating func closesAny(of entries: [Int32], kb: UInt32, product: Int) -> Bool {
        let fixes = fixes(by: kb, product: product)
        let table = index.products[product]
        return entries.contains { entry in
            fixes.entries[Int(entry) >> 6] & (1 << UInt64(entry & 63)) != 0
                || (table.cumulative.contains(kb) && table.firstCumulative[Int(entry)] <= kb)
        }
    }

    /// What `kb` fixes for `product`, directly or by superseding a fix.
    private mutating func fixes(by kb: UInt32, product: Int) -> UpdateFixes {
        let key = ProductUpdate(product: product, kb: kb)
        if let known = fixedEntries[key] { return known }
        let table = index.products[product]
        var fixes = UpdateFixes(entries: [UInt64](repeating: 0, count: (table.entries.count + 63) / 64))
        for covered in index.covered(by: kb) {
            for entry in table.entriesFixedBy[covered] ?? [] {
                fixes.entries[Int(entry) >> 6] |= 1 << UInt64(entry & 63)
                guard table.kinds[Int(entry)].contains(.components) else { continue }
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
