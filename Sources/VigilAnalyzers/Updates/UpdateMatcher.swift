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
    /// Per product and installed update, the product's entries it fixes directly or through supersedence.
    private var fixedEntries: [ProductUpdate: [Int32]] = [:]
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
        let count = index.products[product].entries.count
        var fixed = [Bool](repeating: false, count: count)
        for kb in installed {
            for entry in entries(fixedBy: kb, product: product) { fixed[Int(entry)] = true }
        }
        let table = index.products[product]
        let newestCumulative = installed.filter(table.cumulative.contains).max() ?? 0
        var undecided = 0
        table.firstCumulative.withUnsafeBufferPointer { firstCumulative in
            for position in 0..<count {
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

    /// The entries of `product` that `kb` fixes, directly or by superseding a fix.
    private mutating func entries(fixedBy kb: UInt32, product: Int) -> [Int32] {
        let key = ProductUpdate(product: product, kb: kb)
        if let known = fixedEntries[key] { return known }
        let table = index.products[product]
        var entries: [Int32] = []
        for covered in index.covered(by: kb) { entries += table.entriesFixedBy[covered] ?? [] }
        fixedEntries[key] = entries
        return entries
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
