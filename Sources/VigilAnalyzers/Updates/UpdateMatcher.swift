import Foundation
import VigilCore

/// What matching one host against the advisories concluded.
struct HostUpdateState: Sendable {
    /// The Windows release recognised, if any.
    var release: WindowsRelease?
    /// The advisory product the host was matched as (`Windows 7 for x64-based Systems Service Pack 1`).
    var product: String?
    /// Advisories whose every fix is missing.
    var missing: [MissingFix] = []
    /// Advisories a fix was found for.
    var fixed = 0
    /// Of those, how many were decided by the order of cumulative updates (the supersedence chain was broken).
    var fixedByReleaseOrder = 0
    /// Why the host's state could not be decided, when it could not. When the advisory data is older than the host's
    /// updates, ``missing`` keeps what the data alone would call missing, for the finding to mention.
    var unknownReason: String?
}

/// One advisory a host lacks every fix for, with what was considered (the proof).
struct MissingFix: Sendable {
    /// Index into ``AdvisoryIndex/advisories``.
    var advisory: Int
    /// Fixing updates for the host's product.
    var fixingKBs: [UInt32]
    /// Fixed builds for the host's product.
    var fixedBuilds: [BuildNumber]
}

/// Decides, per host, which advisories are really unfixed: an advisory for the host's product is fixed when an
/// installed update is a fixing update or supersedes one (directly or through a chain of cumulative and monthly
/// rollups), when the host's build revision is at or above a fixed build, or when the host has a cumulative update of
/// the same product at or after a cumulative fixing update in the product's series (cumulative updates contain every
/// earlier one, which bridges gaps in the supersedence data). Hosts with identical evidence are decided once.
struct UpdateMatcher {
    let index: AdvisoryIndex
    private var memo: [Signature: HostUpdateState] = [:]
    /// How many updates supersede each set of fixing updates, for proofs (a graph walk each, so kept).
    private var laterCounts: [[UInt32]: Int] = [:]

    init(index: AdvisoryIndex) {
        self.index = index
    }

    /// The evidence a decision depends on.
    private struct Signature: Hashable {
        var product: String
        var installed: [UInt32]
        var build: BuildNumber?
        var listed: Bool
    }

    /// Matches `host`.
    mutating func match(_ host: Machine) -> HostUpdateState {
        guard let system = host.operatingSystem else {
            return HostUpdateState(unknownReason: "no inventory reports its operating system")
        }
        guard let release = WindowsRelease.recognise(system) else {
            return HostUpdateState(unknownReason: "its operating system version is not one Vigil recognises")
        }
        guard let product = release.productNames.first(where: { index.byProduct[$0.lowercased()] != nil }) else {
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
            memo[signature]
            ?? decide(product: product, installed: installed, build: build, listed: host.updatesListed)
        memo[signature] = state
        state.release = release
        return state
    }

    private func decide(product: String, installed: [UInt32], build: BuildNumber?, listed: Bool) -> HostUpdateState {
        var state = HostUpdateState(product: product)
        let key = product.lowercased()
        let covered = index.covered(by: installed)
        let cumulative = Set(index.cumulative[key] ?? [])
        let newestCumulative = installed.filter(cumulative.contains).max()
        var undecided = 0
        for entry in index.byProduct[key] ?? [] {
            if entry.kbs.contains(where: covered.contains) {
                state.fixed += 1
            } else if let build, entry.fixedBuilds.contains(where: { $0.build == build.build && build >= $0 }) {
                state.fixed += 1
            } else if let newestCumulative,
                entry.kbs.contains(where: { cumulative.contains($0) && $0 <= newestCumulative })
            {
                state.fixed += 1
                state.fixedByReleaseOrder += 1
            } else if !Self.decidable(entry, build: build, listed: listed) {
                undecided += 1
            } else {
                state.missing.append(
                    MissingFix(advisory: entry.advisory, fixingKBs: entry.kbs, fixedBuilds: entry.fixedBuilds))
            }
        }
        if state.missing.isEmpty, state.fixed == 0, undecided > 0 {
            state.unknownReason =
                "the advisory data gives no update or build that the host's evidence can be compared with"
        } else if !state.missing.isEmpty, listed {
            let newest = index.newestKnown[key] ?? 0
            if let unknown = installed.first(where: { $0 > newest && !index.known.contains($0) }) {
                state.unknownReason =
                    "it has updates newer than any the advisory data knows for this product (KB\(unknown)): import current advisories"
            }
        }
        return state
    }

    /// Whether the host's evidence can show an advisory missing: a fixed build of the host's build, with the host's
    /// revision known, or fixing updates to look for in a list of installed updates.
    private static func decidable(_ entry: AdvisoryIndex.ProductAdvisory, build: BuildNumber?, listed: Bool) -> Bool {
        if let build, entry.fixedBuilds.contains(where: { $0.build == build.build }) { return true }
        return listed && !entry.kbs.isEmpty
    }

    /// The proof that `fix` is missing on a host, in plain words.
    mutating func proof(_ fix: MissingFix, host: Machine, product: String) -> String {
        var parts: [String] = []
        if !fix.fixingKBs.isEmpty {
            let kbs = fix.fixingKBs.sorted().prefix(6).map { "KB\($0)" }.joined(separator: ", ")
            let later = laterCounts[fix.fixingKBs] ?? index.supersedingCount(fix.fixingKBs)
            laterCounts[fix.fixingKBs] = later
            parts.append(
                "fixed by \(kbs)\(fix.fixingKBs.count > 6 ? " and \(fix.fixingKBs.count - 6) more" : "")"
                    + (later > 0
                        ? " or \(later == 1 ? "the later update" : "any of \(Wording.number(later)) later updates") that supersede\(later == 1 ? "s" : "") them"
                        : ""))
        }
        if !fix.fixedBuilds.isEmpty {
            let builds = fix.fixedBuilds.sorted().prefix(3).map { "\($0.build).\($0.revision)" }.joined(separator: ", ")
            parts.append("fixed at build \(builds)")
        }
        let installed = host.installedUpdates.count
        var seen = "the host lists \(Wording.count(installed, "installed update"))"
        if let revision = host.operatingSystem?.revision, let build = host.operatingSystem?.build {
            seen += " and build \(build).\(revision)"
        }
        return "\(product): \(parts.joined(separator: "; ")); \(seen), none of which applies"
    }
}
