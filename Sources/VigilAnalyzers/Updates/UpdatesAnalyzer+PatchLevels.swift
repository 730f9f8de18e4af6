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
    /// The advisories of the vulnerabilities only a domain controller is exposed to (Zerologon).
    let domainControllersOnly: Set<Int>

    init(index: AdvisoryIndex) {
        var positions: [String: Int] = [:]
        for (position, advisory) in index.advisories.enumerated() where NamedVulnerability.named(advisory.id) != nil {
            positions[advisory.id] = position
        }
        advisories = NamedVulnerability.all.map { Set($0.cves.compactMap { positions[$0] }) }
        published = advisories.map { set in set.compactMap { index.advisories[$0].published }.min() }
        domainControllersOnly = zip(NamedVulnerability.all, advisories).reduce(into: []) { all, named in
            if named.0.domainControllersOnly { all.formUnion(named.1) }
        }
    }

    /// `state` of a host with its role (``Machine/domainController``): on a host the evidence says is not a domain
    /// controller, the vulnerabilities only domain controllers are exposed to are not missing, so they neither raise
    /// its finding (Zerologon is a known-exploited vulnerability) nor appear in what it lacks.
    func scoped(_ state: HostUpdateState, domainController: Bool?, index: AdvisoryIndex) -> HostUpdateState {
        var scoped = state
        scoped.domainController = domainController
        guard domainController == false, !domainControllersOnly.isEmpty, let product = state.product else {
            return scoped
        }
        let entries = index.products[product].entries
        scoped.missing = state.missing.filter { !domainControllersOnly.contains(entries[Int($0)].advisory) }
        scoped.undecided = state.undecided.filter { !domainControllersOnly.contains(entries[Int($0)].advisory) }
        if state.unknownOnlyForUndecided, scoped.undecided.isEmpty, state.fixed > 0 {
            scoped.unknownReason = nil
            scoped.unknownOnlyForUndecided = false
        } else if scoped.missing.isEmpty, !scoped.undecided.isEmpty, scoped.unknownReason == nil {
            // What was missing was for domain controllers only; the undecided rest is still undecided. Counted from
            // the scoped sets: the DC-only entries were decided (missing on a DC, not applicable here).
            let count = entries.count
            scoped.unknownReason = UpdateMatcher.undecidedReason(
                decided: count - scoped.undecided.count, of: count, product: index.products[product].name,
                listed: state.listed, named: state.named)
            scoped.unknownOnlyForUndecided = true
        }
        return scoped
    }

    /// Per named vulnerability, whether `table` has an entry for it.
    func listed(in table: AdvisoryIndex.ProductTable) -> [Bool] {
        let named = Set(table.entries.map(\.advisory))
        return advisories.map { !$0.isDisjoint(with: named) }
    }

    /// The host's verdict on each named vulnerability; `listed` is ``listed(in:)`` of the host's product table.
    func verdicts(_ state: HostUpdateState, index: AdvisoryIndex, listed: [Bool]?) -> [NamedVerdict] {
        let table = state.product.map { index.products[$0] }
        let missing = Set(
            state.missing.compactMap { entry in table.map { $0.entries[Int(entry)].advisory } })
        let undecided = Set(
            state.undecided.compactMap { entry in table.map { $0.entries[Int(entry)].advisory } })
        return advisories.indices.map { position in
            let ids = advisories[position]
            if state.domainController == false, NamedVulnerability.all[position].domainControllersOnly {
                return .notAffected
            }
            if let listed, listed[position] {
                if !ids.isDisjoint(with: missing) {
                    if let pack = state.servicePack { return .missing(servicePack: pack.name) }
                    return state.unknownReason == nil ? .missing(servicePack: nil) : .unknown
                }
                if !ids.isDisjoint(with: undecided) { return .unknown }
                // An installed update that fixes it is evidence enough, whatever the host's other advisories.
                if state.unknownOnlyForUndecided, state.servicePack == nil { return .fixed }
                return state.unknownReason == nil && state.servicePack == nil ? .fixed : .unknown
            }
            // No fix named for the release: it is not affected when it came out after the fix, or when Microsoft
            // does not list its family (or build) as affected.
            if let released = state.release?.released, let published = published[position], released > published {
                return .notAffected
            }
            if let release = state.release, NamedVulnerability.all[position].affects(release) == false {
                return .notAffected
            }
            return .unknown
        }
    }

    /// "MS17-010: fixed; BlueKeep: not affected; …", for the named vulnerabilities whose advisories the data holds;
    /// "Zerologon: missing if a domain controller" on a host whose role the evidence does not give.
    func summary(_ verdicts: [NamedVerdict], domainController: Bool?) -> String {
        zip(NamedVulnerability.all, zip(advisories, verdicts)).filter { !$0.1.0.isEmpty }.map { named, pair in
            let verdict = pair.1
            guard case .missing = verdict else { return "\(named.name): \(verdict.text)" }
            var text = "\(named.name): \(verdict.text)"
            if named.domainControllersOnly, domainController == nil { text += " if a domain controller" }
            if let note = named.missingNote { text += " (\(note))" }
            return text
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

/// What the updates analyzer says of each host beyond its findings — its named verdicts, the update to install and
/// what it closes — with what repeats across hosts worked out once: one per matching slice, like the matcher.
struct HostDescriber {
    let index: AdvisoryIndex
    let named: NamedAdvisories
    /// Per product, whether its table lists each named vulnerability (a pass over thousands of entries).
    private var listed: [Int: [Bool]] = [:]
    /// Per decision (estates repeat a few hundred), the remedy.
    private var remedies: [RemedyKey: UpdatesAnalyzer.Remedy] = [:]
    /// What the few updates named as remedies supersede, through their chains.
    private var chains: [UInt32: Set<UInt32>] = [:]
    /// Per product, what a remedy reads of each entry's advisory (its common name, dates), so a host missing
    /// thousands of updates reads small values instead of copying every advisory and upper-casing its id: that was
    /// half the time of the 100,000-host analysis (bench/updates.sh, perf).
    private var remedyFacts: [Int: [UpdatesAnalyzer.RemedyFacts]] = [:]

    private struct RemedyKey: Hashable {
        var product: Int?
        var missing: [Int32]
        var servicePack: String?
        /// What the remedy says of a domain controller's vulnerability depends on whether the host is known to be one.
        var domainController: Bool?
    }

    init(index: AdvisoryIndex, named: NamedAdvisories) {
        self.index = index
        self.named = named
    }

    /// "MS17-010: fixed; BlueKeep: not affected; …" for a host whose state is `state`.
    mutating func verdicts(_ state: HostUpdateState) -> String {
        var presence: [Bool]?
        if let product = state.product {
            presence = listed[product] ?? named.listed(in: index.products[product])
            listed[product] = presence
        }
        return named.summary(
            named.verdicts(state, index: index, listed: presence), domainController: state.domainController)
    }

    /// The update that closes most of what `state` misses, what it closes and since when the host is exposed.
    mutating func remedy(_ state: HostUpdateState) -> UpdatesAnalyzer.Remedy {
        let key = RemedyKey(
            product: state.product, missing: state.missing, servicePack: state.servicePack?.kb,
            domainController: state.domainController)
        if let known = remedies[key] { return known }
        let index = index
        var chains = chains
        var facts: [UpdatesAnalyzer.RemedyFacts] = []
        if let product = state.product {
            facts = remedyFacts[product] ?? UpdatesAnalyzer.remedyFacts(index.products[product], index: index)
            remedyFacts[product] = facts
        }
        let remedy = UpdatesAnalyzer.remedy(state, index: index, facts: facts) { kb in
            if let known = chains[kb] { return known }
            let covered = index.covered(by: kb)
            if chains.count < 64 { chains[kb] = covered }
            return covered
        }
        self.chains = chains
        if remedies.count < UpdateMatcher.memoLimit { remedies[key] = remedy }
        return remedy
    }
}

extension UpdatesAnalyzer {
    /// What to install for a host, what it closes, and the dates its exposure is measured from.
    struct Remedy: Sendable {
        var install: String
        var closes: String
        var exploitedSince: Date?
        var oldestFix: Date?
    }

    /// What a remedy reads of one product entry's advisory.
    struct RemedyFacts: Sendable {
        /// The common name of its vulnerability ("EternalBlue"), if it has one.
        var named: String?
        /// Whether only a domain controller is exposed to it (Zerologon).
        var domainControllersOnly = false
        /// When it was added to the known-exploited catalogue.
        var exploitedSince: Date?
        /// When its fix was published.
        var published: Date?
    }

    /// ``RemedyFacts`` of every entry of `table`, in order.
    static func remedyFacts(_ table: AdvisoryIndex.ProductTable, index: AdvisoryIndex) -> [RemedyFacts] {
        let advisories = table.entries.map { index.advisories[$0.advisory] }
        // Dated as the findings are: from when the fix for this product came out.
        let released = EntryClasses.released(table, in: index).entries
        return zip(advisories, released).map { advisory, released in
            let vulnerability = NamedVulnerability.named(advisory.id)
            return RemedyFacts(
                named: vulnerability?.label, domainControllersOnly: vulnerability?.domainControllersOnly ?? false,
                exploitedSince: advisory.exploitation?.dateAdded, published: released)
        }
    }

    /// Rows of the patch-level table shown.
    static let patchLevelRows = 50

    /// The update that closes most of what `state` misses, what it closes and since when the host is exposed.
    /// `covered` gives what an update supersedes, directly or through a chain, with itself (``AdvisoryIndex/covered(by:)``,
    /// kept by the caller: a rollup's chain runs to thousands of updates).
    /// `facts` are the ``RemedyFacts`` of the product's entries (``remedyFacts(_:index:)``, kept by the caller).
    static func remedy(
        _ state: HostUpdateState, index: AdvisoryIndex, facts: [RemedyFacts], covered: (UInt32) -> Set<UInt32>
    ) -> Remedy {
        guard let product = state.product, !state.missing.isEmpty else { return Remedy(install: "", closes: "") }
        let table = index.products[product]
        var names: [String] = []
        var exploitedSince: Date?
        var oldestFix: Date?
        for entry in state.missing {
            let fact = facts[Int(entry)]
            if var named = fact.named {
                // A host whose role no evidence gives: what it closes is hedged as its verdict is.
                if fact.domainControllersOnly, state.domainController == nil { named += " (if a domain controller)" }
                if !names.contains(named) { names.append(named) }
            }
            if let date = fact.exploitedSince, exploitedSince.map({ date < $0 }) ?? true { exploitedSince = date }
            if let date = fact.published, oldestFix.map({ date < $0 }) ?? true { oldestFix = date }
        }
        let count = Wording.count(state.missing.count, "vulnerability", plural: "vulnerabilities")
        let closes = names.isEmpty ? count : "\(names.joined(separator: ", ")); \(count) in all"
        if let pack = state.servicePack {
            return Remedy(
                install: "\(pack.kb) (\(pack.name)), then the latest monthly rollup", closes: closes,
                exploitedSince: exploitedSince, oldestFix: oldestFix)
        }
        // The newest cumulative update the data knows for the product, when its supersedence reaches every missing
        // fix (a security-only update numbered after the month's rollup closes only its own advisory); otherwise the
        // newest fixing update of what is missing.
        if let latest = table.newestCumulative {
            let covered = covered(latest)
            if state.missing.allSatisfy({ table.entries[Int($0)].kbs.contains(where: covered.contains) }) {
                return Remedy(
                    install: "KB\(latest)", closes: closes, exploitedSince: exploitedSince, oldestFix: oldestFix)
            }
        }
        // Of the newest fixing update and the newest cumulative one, the one that closes more (a tie goes to the
        // cumulative update): on Windows 7 the newest fixing update is a security-only one, numbered after the month's
        // rollup, which closes its own month while the rollup closes years.
        let newestFix = state.missing.map { table.newestUpdate[Int($0)] }.max() ?? 0
        let candidates = [table.newestCumulative ?? 0, newestFix].filter { $0 > 0 }
        guard !candidates.isEmpty else {
            return Remedy(install: "", closes: closes, exploitedSince: exploitedSince, oldestFix: oldestFix)
        }
        func closedCount(_ kb: UInt32) -> Int {
            let covered = covered(kb)
            return state.missing.filter { entry in
                table.entries[Int(entry)].kbs.contains(where: covered.contains)
                    || (table.cumulative.contains(kb) && table.firstCumulative[Int(entry)] <= kb)
            }.count
        }
        var (newest, closed) = (candidates[0], closedCount(candidates[0]))
        for candidate in candidates.dropFirst() where candidate != newest {
            let count = closedCount(candidate)
            if count > closed { (newest, closed) = (candidate, count) }
        }
        let install =
            closed == state.missing.count
            ? "KB\(newest)" : "KB\(newest) (closes \(Wording.number(closed)) of \(Wording.number(state.missing.count)))"
        return Remedy(install: install, closes: closes, exploitedSince: exploitedSince, oldestFix: oldestFix)
    }

    /// Adds to a missing-updates finding what a person acts on: the host's operating system and build, what the update
    /// to install closes (by bulletin and common name) and the host's verdict on each named vulnerability.
    static func describeHost(
        _ host: Machine, state: HostUpdateState, remedy: Remedy, verdicts: String, into finding: inout Finding
    ) {
        if let release = state.release {
            finding.facts["os"] = release.name
            if let edition = release.edition { finding.facts["edition"] = edition.rawValue }
        }
        if let build = host.operatingSystem?.build {
            finding.facts["build"] = String(build) + (host.operatingSystem?.revision.map { ".\($0)" } ?? "")
        }
        if !remedy.closes.isEmpty { finding.facts["closes"] = remedy.closes }
        if !verdicts.isEmpty { finding.facts["named"] = verdicts }
    }

    /// The patch level of a host whose state is `state`.
    static func patchLevel(_ host: Machine, state: HostUpdateState, verdicts: String, remedy: Remedy) -> PatchLevel {
        // An undecided host's "missing" is what stale data alone would say: never a remedy, nor exposure.
        let remedy = state.unknownReason == nil ? remedy : Remedy(install: "", closes: "")
        let system =
            state.release.map { release in
                release.name + (release.edition.map { $0 == .longTerm || $0 == .server ? "" : " \($0.rawValue)" } ?? "")
            } ?? host.operatingSystem?.name ?? "unknown"
        var build = host.operatingSystem?.build.map(String.init) ?? ""
        if let revision = host.operatingSystem?.revision, !build.isEmpty { build += ".\(revision)" }
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
        // With the built-in catalogue alone, "nothing missing" would read as patched: say what was checked.
        let nothingMissing =
            UpdatesAnalyzer.onlyBuiltIn(context) ? "none of the built-in catalogue's missing" : "nothing missing"
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
                level.install.isEmpty ? (level.unknown ? "cannot be decided" : nothingMissing) : level.install,
                level.closes,
                level.exploitedSince.map { "yes, listed as exploited since \(CivilDate.string($0))" }
                    ?? (level.unknown ? "" : "no"),
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
