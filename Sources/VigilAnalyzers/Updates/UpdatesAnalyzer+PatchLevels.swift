import Foundation
import VigilCore

/// A host's verdict on one named vulnerability (MS17-010, BlueKeep…): what the evidence decides, including that a
/// release built after the fix is not affected, and *unknown* only for what the evidence cannot decide.
enum NamedVerdict: Hashable, Sendable {
    /// A fix applies and none is installed; `servicePack` when the host must install one first.
    case missing(servicePack: String?)
    /// An installed update (or the build) contains the fix.
    case fixed
    /// The release was first released after the fix and the advisory names no fix for it.
    case notAffected
    /// The evidence cannot decide.
    case unknown

    /// "missing (install SP1 first)", "not affected".
    var text: String {
        switch self {
        case .missing(let pack?): "missing (install \(pack) first)"
        case .missing(nil): "missing"
        case .fixed: "fixed"
        case .notAffected: "not affected"
        case .unknown: "unknown"
        }
    }
}

/// The advisories of the named vulnerabilities, found once per index.
struct NamedAdvisories: Sendable {
    /// Per named vulnerability (``NamedVulnerability/all`` order), its advisories' positions in the index.
    let advisories: [Set<Int>]
    /// Per named vulnerability, the earliest publication of its advisories.
    let published: [Date?]

    init(index: AdvisoryIndex) {
        var positions: [String: Int] = [:]
        for (position, advisory) in index.advisories.enumerated() where NamedVulnerability.named(advisory.id) != nil {
            positions[advisory.id] = position
        }
        advisories = NamedVulnerability.all.map { Set($0.cves.compactMap { positions[$0] }) }
        published = advisories.map { set in set.compactMap { index.advisories[$0].published }.min() }
    }

    /// The host's verdict on each named vulnerability.
    func verdicts(_ state: HostUpdateState, index: AdvisoryIndex) -> [NamedVerdict] {
        let table = state.product.map { index.products[$0] }
        let missing = Set(
            state.missing.compactMap { entry in table.map { $0.entries[Int(entry)].advisory } })
        let named = Set(table?.entries.map(\.advisory) ?? [])
        return advisories.indices.map { position in
            let ids = advisories[position]
            if table != nil, !ids.isDisjoint(with: named) {
                if !ids.isDisjoint(with: missing) {
                    if let pack = state.servicePack { return .missing(servicePack: pack.name) }
                    return state.unknownReason == nil ? .missing(servicePack: nil) : .unknown
                }
                return state.unknownReason == nil && state.servicePack == nil ? .fixed : .unknown
            }
            // No fix named for the release: it is not affected when it came out after the fix.
            if let released = state.release?.released, let published = published[position], released > published {
                return .notAffected
            }
            return .unknown
        }
    }

    /// "MS17-010: fixed; BlueKeep: not affected; …", for the named vulnerabilities whose advisories the data holds.
    func summary(_ verdicts: [NamedVerdict]) -> String {
        zip(NamedVulnerability.all, zip(advisories, verdicts)).filter { !$0.1.0.isEmpty }.map {
            "\($0.0.name): \($0.1.1.text)"
        }.joined(separator: "; ")
    }
}

/// Hosts at one patch level: the same release, edition, build, newest update and verdicts, so the same one update
/// to install. Estates repeat a few hundred of these, and a lead acts on them, not on hosts one by one.
struct PatchLevel: Hashable, Sendable {
    var system: String
    var build: String
    var newestInstalled: UInt32
    var install: String
    var closes: String
    var exploitedSince: Date?
    var oldestFix: Date?
    var verdicts: String
    var unknown: Bool
}

/// How many hosts are at a patch level, and the first few of them by name.
struct PatchLevelHosts: Sendable {
    var count = 0
    var examples: [String] = []

    mutating func add(_ name: String) {
        count += 1
        examples.append(name)
        if examples.count > 3 {
            examples.sort()
            examples.removeLast()
        }
    }

    mutating func merge(_ other: PatchLevelHosts) {
        count += other.count
        examples = Array((examples + other.examples).sorted().prefix(3))
    }
}

extension UpdatesAnalyzer {
    /// Rows of the patch-level table shown.
    static let patchLevelRows = 50

    /// The update that closes most of what `state` misses, what it closes and since when the host is exposed.
    static func remedy(_ state: HostUpdateState, index: AdvisoryIndex) -> (
        install: String, closes: String, exploitedSince: Date?, oldestFix: Date?
    ) {
        guard let product = state.product, !state.missing.isEmpty else { return ("", "", nil, nil) }
        let table = index.products[product]
        let advisories = state.missing.map { index.advisories[table.entries[Int($0)].advisory] }
        var names: [String] = []
        for advisory in advisories {
            if let named = NamedVulnerability.named(advisory.id), !names.contains(named.label) {
                names.append(named.label)
            }
        }
        let count = Wording.count(advisories.count, "vulnerability", plural: "vulnerabilities")
        let closes = names.isEmpty ? count : "\(names.joined(separator: ", ")); \(count) in all"
        let exploitedSince = advisories.compactMap { $0.exploitation?.dateAdded }.min()
        let oldestFix = advisories.compactMap(\.published).min()
        if let pack = state.servicePack {
            return ("\(pack.kb) (\(pack.name)), then the latest monthly rollup", closes, exploitedSince, oldestFix)
        }
        // The newest fixing update: for a release serviced by cumulative updates it contains every earlier fix.
        let newest = state.missing.map { table.newestUpdate[Int($0)] }.max() ?? 0
        guard newest > 0 else { return ("", closes, exploitedSince, oldestFix) }
        let covered = index.covered(by: newest)
        let closed = state.missing.filter { entry in
            table.entries[Int(entry)].kbs.contains(where: covered.contains)
                || (table.cumulative.contains(newest) && table.firstCumulative[Int(entry)] <= newest)
        }.count
        let install =
            closed == state.missing.count
            ? "KB\(newest)" : "KB\(newest) (closes \(Wording.number(closed)) of \(Wording.number(state.missing.count)))"
        return (install, closes, exploitedSince, oldestFix)
    }

    /// Adds to a missing-updates finding what a person acts on: the host's operating system and build, what the update
    /// to install closes (by bulletin and common name) and the host's verdict on each named vulnerability.
    static func describeHost(
        _ host: Machine, state: HostUpdateState, index: AdvisoryIndex, verdicts: String, into finding: inout Finding
    ) {
        if let release = state.release {
            finding.facts["os"] = release.name
            if let edition = release.edition { finding.facts["edition"] = edition.rawValue }
        }
        if let build = host.operatingSystem?.build {
            finding.facts["build"] = String(build) + (host.operatingSystem?.revision.map { ".\($0)" } ?? "")
        }
        let remedy = remedy(state, index: index)
        if !remedy.closes.isEmpty { finding.facts["closes"] = remedy.closes }
        if !verdicts.isEmpty { finding.facts["named"] = verdicts }
    }

    /// The patch level of a host whose state is `state`.
    static func patchLevel(
        _ host: Machine, state: HostUpdateState, verdicts: String, index: AdvisoryIndex
    ) -> PatchLevel {
        let system =
            state.release.map { release in
                release.name + (release.edition.map { $0 == .longTerm || $0 == .server ? "" : " \($0.rawValue)" } ?? "")
            } ?? host.operatingSystem?.name ?? "unknown"
        var build = host.operatingSystem?.build.map(String.init) ?? ""
        if let revision = host.operatingSystem?.revision, !build.isEmpty { build += ".\(revision)" }
        let remedy = remedy(state, index: index)
        return PatchLevel(
            system: system, build: build,
            newestInstalled: host.installedUpdates.compactMap { AdvisoryIndex.number($0.kb) }.max() ?? 0,
            install: remedy.install, closes: remedy.closes, exploitedSince: remedy.exploitedSince,
            oldestFix: remedy.oldestFix, verdicts: verdicts, unknown: state.unknownReason != nil)
    }

    /// The table of patch levels, worst first: exploited vulnerabilities open, then the longest exposure, then the
    /// most hosts.
    static func patchLevelTable(_ levels: [PatchLevel: PatchLevelHosts], context: AnalysisContext) -> SummaryTable {
        let ordered = levels.sorted { lhs, rhs in
            if (lhs.key.exploitedSince != nil) != (rhs.key.exploitedSince != nil) {
                return lhs.key.exploitedSince != nil
            }
            let (left, right) = (lhs.key.oldestFix ?? .distantFuture, rhs.key.oldestFix ?? .distantFuture)
            if left != right { return left < right }
            if lhs.value.count != rhs.value.count { return lhs.value.count > rhs.value.count }
            let (first, second) = (lhs.value.examples.first ?? "", rhs.value.examples.first ?? "")
            return (lhs.key.system, lhs.key.build, first) < (rhs.key.system, rhs.key.build, second)
        }
        let window = Double(windowDays) * 86_400
        let rows = ordered.prefix(patchLevelRows).map { level, hosts -> [String] in
            let exposure = level.oldestFix.map { fix -> String in
                let due = fix.addingTimeInterval(window)
                let days = context.daysSince(fix)
                return due < context.asOf
                    ? "\(Wording.count(days, "day")) (overdue since \(CivilDate.string(due)), 14 days after release)"
                    : "\(Wording.count(days, "day")) (due by \(CivilDate.string(due)))"
            }
            let names =
                hosts.examples.joined(separator: ", ") + (hosts.count > hosts.examples.count ? ", …" : "")
            return [
                Wording.number(hosts.count), level.system, level.build.isEmpty ? "not reported" : level.build,
                level.newestInstalled > 0 ? "KB\(level.newestInstalled)" : "none listed",
                level.install.isEmpty ? (level.unknown ? "cannot be decided" : "nothing missing") : level.install,
                level.closes,
                level.exploitedSince.map { "yes, listed as exploited since \(CivilDate.string($0))" } ?? "no",
                exposure ?? "", level.verdicts, names,
            ]
        }
        return SummaryTable(
            id: "updates.patch-levels", area: .updates, title: "Hosts by patch level",
            columns: [
                "Hosts", "Operating system", "Build", "Newest update installed", "Install", "It closes",
                "Known exploited", "Exposed for (Cyber Essentials: 14 days to install)", "Named vulnerabilities",
                "Hosts (first by name)",
            ],
            rows: rows,
            note: ordered.count > patchLevelRows
                ? "\(Wording.count(ordered.count - patchLevelRows, "more patch level")) not shown" : nil)
    }
}
