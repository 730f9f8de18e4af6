import Foundation
public import VigilCore

/// Missing security updates: each host's inventory (installed updates, build revision) against the advisories the
/// bundle, the imported advisory database and Vigil's built-in catalogue hold, without supersedence false positives;
/// exposure age and priority (known exploited first, then critical and high updates overdue past 14 days);
/// unsupported operating systems; SMBv1. A host whose evidence cannot decide is reported as unknown, never as patched.
public struct UpdatesAnalyzer: Analyzer {
    public let name = "updates"
    public let rules: [RuleID] = [
        .updateMissingExploited, .updateOverdue, .updateMissing, .unsupportedSystem, .smbVersion1Enabled,
        .updateStateUnknown,
    ]

    /// Days within which critical and high updates must be installed (Cyber Essentials, the NHS toolkit).
    public static let windowDays = 14
    /// Advisories listed per finding, and rows in the advisory table.
    static let listed = 20
    static let tableRows = 50

    public init() {}

    public func analyze(_ context: AnalysisContext) -> AnalyzerOutput {
        let hosts = context.estate.hosts
        guard !hosts.isEmpty else { return AnalyzerOutput() }
        // Findings come out in host order; the order is sorted by position, not by moving the (large) hosts.
        let order = hosts.indices.sorted { hosts[$0].id < hosts[$1].id }
        var joined =
            context.reference.advisoryIndex
            ?? AdvisoryIndex(
                context.estate.advisories + context.reference.advisories, products: AdvisoryIndex.products(for: hosts))
        joined.updateReleases = context.reference.updateReleases
        let index = joined
        let named = NamedAdvisories(index: index)
        // Hosts are independent: slices are matched on every core, each with its own caches, and joined in order.
        let slices = min(max(1, hosts.count / 256), ProcessInfo.processInfo.activeProcessorCount)
        let results = parallelMap(slices) { slice -> ([Finding], Tally) in
            var matcher = UpdateMatcher(index: index)
            var classes = EntryClasses(index: index, asOf: context.asOf)
            var describer = HostDescriber(index: index, named: named)
            var tally = Tally()
            var findings: [Finding] = []
            for position in order[(hosts.count * slice / slices)..<(hosts.count * (slice + 1) / slices)] {
                findings += assess(
                    hosts[position], index: index, describer: &describer, matcher: &matcher, classes: &classes,
                    tally: &tally,
                    context: context)
            }
            return (findings, tally)
        }
        var tally = Tally()
        for result in results { tally.add(result.1) }
        let hostsMissing = tally.hostsMissing(index)
        return AnalyzerOutput(
            findings: results.flatMap(\.0),
            metrics: tally.metrics(hosts: hosts.count, advisoriesMissing: hostsMissing.count),
            coverage: [coverage(hosts: hosts.count, tally: tally, index: index, context: context)],
            headlines: tally.headlines(hosts: hosts.count),
            tables: [
                Self.patchLevelTable(tally.levels, context: context),
                advisoryTable(hostsMissing, index: index, context: context),
            ],
            unchecked: Dictionary(grouping: tally.unchecked.keys, by: { tally.unchecked[$0] ?? [] }).map {
                UncheckedSubjects(kind: .host, rules: $0.key, ids: Set($0.value))
            })
    }

    /// The findings of one host, counted into `tally`.
    private func assess(
        _ host: Machine, index: AdvisoryIndex, describer: inout HostDescriber, matcher: inout UpdateMatcher,
        classes: inout EntryClasses, tally: inout Tally, context: AnalysisContext
    ) -> [Finding] {
        let state = describer.named.scoped(
            matcher.match(host), domainController: host.domainController, index: index)
        let verdicts = describer.verdicts(state)
        let remedy = describer.remedy(state)
        tally.levels[Self.patchLevel(host, state: state, verdicts: verdicts, remedy: remedy), default: .init()].add(
            host.name)
        var findings = lifecycleFindings(host, state: state, context: context, tally: &tally)
        tally.markUnchecked(host, state: state, undecided: undecidedRules(state, classes: &classes))
        if let reason = state.unknownReason {
            tally.unknown += 1
            var finding = unknownFinding(host, reason: reason, state: state, index: index)
            if !verdicts.isEmpty { finding.facts["named"] = verdicts }
            return findings + [finding]
        }
        tally.decided += 1
        if !state.undecided.isEmpty { tally.partlyDecided += 1 }
        tally.fixedByReleaseOrder += state.fixedByReleaseOrder
        guard let product = state.product, !state.missing.isEmpty else { return findings }
        let facts = classes.facts(product)
        var groups: [[Int32]] = [[], [], []]
        tally.count(state.missing, product: product, entries: index.products[product].entries.count)
        for entry in state.missing { groups[Int(facts.classes[Int(entry)].rawValue)].append(entry) }
        if !groups[0].isEmpty { tally.exploited += 1 }
        if !groups[0].isEmpty || !groups[1].isEmpty {
            tally.overdue += 1
            let oldest = [groups[0], groups[1]].compactMap { Self.earliest(facts.published, at: $0) }.min()
            tally.overdueYears[oldest.map { context.daysSince($0) / 365 } ?? 0, default: 0] += 1
        }
        for (rule, entries) in zip([RuleID.updateMissingExploited, .updateOverdue, .updateMissing], groups)
        where !entries.isEmpty {
            var finding = finding(
                rule, host: host, entries: entries, product: product, facts: facts, index: index,
                matcher: &matcher, context: context, servicePack: state.servicePack, release: state.release,
                remedy: state.unknownReason == nil ? remedy.install : "")
            Self.describeHost(host, state: state, remedy: remedy, verdicts: verdicts, into: &finding)
            Self.noteUndecided(state.undecided.count, into: &finding)
            findings.append(finding)
        }
        return findings
    }

    /// The missing-update rules a host's undecided advisories fall under, or fell under before: an advisory only ever
    /// rises (from missing to overdue after 14 days, to exploited when CISA lists it), so a ticket raised under a
    /// lower rule may be about one undecided now. An undecided exploited advisory leaves all three unchecked, an
    /// overdue one overdue and missing, another missing alone (so one undecided advisory of little weight does not
    /// keep a fixed MS17-010 ticket unverified for ever); all three when nothing is decided.
    private func undecidedRules(_ state: HostUpdateState, classes: inout EntryClasses) -> Set<RuleID> {
        let rules: [RuleID] = [.updateMissingExploited, .updateOverdue, .updateMissing]
        guard state.unknownReason == nil, let product = state.product else { return Set(rules) }
        let facts = classes.facts(product)
        guard let highest = state.undecided.map({ Int(facts.classes[Int($0)].rawValue) }).min() else { return [] }
        return Set(rules[highest...])
    }

    // MARK: Per host

    /// Says on a missing-update finding that `count` more advisories of the host's product could not be decided, so
    /// the list is a floor, not the host's whole gap.
    static func noteUndecided(_ count: Int, into finding: inout Finding) {
        guard count > 0 else { return }
        finding.facts["undecided"] = String(count)
        finding.detail +=
            " \(Wording.count(count, "more advisory", plural: "more advisories")) for its product cannot be decided from its evidence (most often: it gives a build but no list of installed updates), so this is not all it may lack."
    }

    /// The host cannot be decided; when the advisory data is only older than its updates, say what the data alone
    /// would call missing (raised to high when that includes exploited vulnerabilities), so that it is not hidden.
    private func unknownFinding(_ host: Machine, reason: String, state: HostUpdateState, index: AdvisoryIndex)
        -> Finding
    {
        var detail = "Whether \(host.name) is up to date cannot be decided: \(reason)."
        var facts = ["reason": reason]
        // The host's system as its other findings name it, else as its inventory does: a filter on Windows 7 SP1 in
        // findings.csv must not miss the hosts whose state could not be decided.
        if let system = state.release?.name ?? host.operatingSystem?.name { facts["os"] = system }
        // A list cut short names updates, none of which fixes the undecided: the data alone, with the updates named,
        // calls those unfixed too (MS17-010 on a host whose list ends in 2016), unless the ones the list leaves out
        // hold the fixes. A host naming no update says nothing either way.
        let undecided = state.named && !state.listed ? state.undecided : []
        let advisories =
            state.product.map { product in
                (state.missing + undecided).map { index.advisories[index.products[product].entries[Int($0)].advisory] }
            } ?? []
        let exploited = advisories.filter { $0.exploitation != nil }
        if !advisories.isEmpty {
            facts["possiblyMissing"] = String(advisories.count)
            facts["possiblyMissingExploited"] = String(exploited.count)
            detail +=
                " The advisory data alone would call \(Wording.count(advisories.count, "vulnerability", plural: "vulnerabilities")) unfixed\(exploited.isEmpty ? "" : ", \(Wording.number(exploited.count)) of them known to be exploited (\(exploited.prefix(3).map(\.id).joined(separator: ", ")))"), \(undecided.isEmpty ? "unless its newer updates contain the fixes" : "unless the updates its list leaves out contain the fixes")."
        }
        return Finding(
            rule: .updateStateUnknown, escalation: exploited.isEmpty ? nil : .exploitedPossible,
            subject: Self.subject(host),
            detail: detail, evidence: host.sources, facts: facts)
    }

    private func lifecycleFindings(
        _ host: Machine, state: HostUpdateState, context: AnalysisContext, tally: inout Tally
    ) -> [Finding] {
        var findings: [Finding] = []
        if state.release?.endOfSupport == nil { tally.supportUnknown += 1 }
        if let release = state.release, let end = release.endOfSupport, end < context.asOf {
            tally.unsupported += 1
            if release.isLegacy { tally.unsupportedLegacy += 1 }
            let days = context.daysSince(end)
            findings.append(
                Finding(
                    rule: .unsupportedSystem, escalation: release.isLegacy ? .legacySystem : nil,
                    subject: Self.subject(host),
                    detail:
                        "\(host.name) runs \(release.name)\(release.edition.map { $0 == .server || $0 == .longTerm ? "" : " (\($0.rawValue) editions)" } ?? ""), whose support ended on \(CivilDate.string(end)) (\(Wording.count(days, "day")) ago): it gets no security updates unless enrolled in Extended Security Updates\(release.missingServicePack.map { "; without \($0.name) it cannot install even those" } ?? "").",
                    evidence: [host.operatingSystemSource ?? host.sources.first].compactMap { $0 },
                    facts: [
                        "release": release.name, "endOfSupport": CivilDate.string(end), "daysUnsupported": String(days),
                        "edition": release.edition?.rawValue ?? "not stated",
                    ]
                ))
        }
        if host.smbVersion1Enabled == true {
            tally.smb1 += 1
            // The host's system, as its other findings state it: a host whose only finding this is still shows it.
            var facts: [String: String] = [:]
            if let release = state.release { facts["os"] = release.name }
            if let build = host.operatingSystem?.build {
                facts["build"] = String(build) + (host.operatingSystem?.revision.map { ".\($0)" } ?? "")
            }
            findings.append(
                Finding(
                    rule: .smbVersion1Enabled, subject: Self.subject(host),
                    detail: "\(host.name) has the SMB 1.0 server enabled, the protocol WannaCry spread through.",
                    evidence: host.sources, facts: facts))
        }
        return findings
    }

    /// One finding for the advisories of one rule a host misses (`entries`, already worst first): the first twenty
    /// named, the proof of the first three, the oldest exposure and the update to install.
    private func finding(
        _ rule: RuleID, host: Machine, entries: [Int32], product: Int, facts entryFacts: EntryFacts,
        index: AdvisoryIndex, matcher: inout UpdateMatcher, context: AnalysisContext,
        servicePack: WindowsRelease.ServicePack?, release: WindowsRelease?, remedy: String
    ) -> Finding {
        let table = index.products[product]
        let limit = context.settings.listAllMissingUpdates ? entries.count : Self.listed
        let named = entries.prefix(limit).map { index.advisories[table.entries[Int($0)].advisory].id }
        let oldest = Self.earliest(entryFacts.published, at: entries)
        var detail =
            "\(host.name) (\(table.name)) lacks every fix for \(Wording.count(entries.count, "vulnerability", plural: "vulnerabilities"))"
        detail += " (\(named.prefix(5).joined(separator: ", "))\(entries.count > 5 ? ", …" : ""))"
        var facts: [String: String] = [
            "vulnerabilities": String(entries.count), "listed": named.joined(separator: ","), "product": table.name,
        ]
        if let oldest {
            let days = context.daysSince(oldest)
            facts["daysExposed"] = String(days)
            detail += "; the oldest fix was released on \(CivilDate.string(oldest)), \(Wording.count(days, "day")) ago"
        }
        if let oldest {
            // The organisation's deadline: Cyber Essentials and the NHS toolkit give 14 days from release.
            let due = oldest.addingTimeInterval(Double(Self.windowDays) * 86_400)
            facts["installBy"] = CivilDate.string(due)
            if due < context.asOf {
                detail += " (Cyber Essentials' 14 days to install ran out on \(CivilDate.string(due)))"
            }
        }
        // A date that is not the first fix's (Zerologon's is February 2021's enforcement phase, not August 2020's) is
        // said beside the dates, so a lead who knows the first fix's date reads them right.
        if !index.noted.isEmpty {
            let noted = Set(entries.compactMap { index.noted[Int(table.entries[Int($0)].advisory)] })
            for vulnerability in noted.sorted(by: { $0.name < $1.name }) {
                if let note = vulnerability.missingNote { detail += "; \(vulnerability.name) is \(note)" }
            }
        }
        if rule == .updateMissingExploited {
            if let listed = entries.compactMap({ index.advisories[table.entries[Int($0)].advisory].exploitation })
                .map(\.dateAdded).min()
            {
                facts["exploitedSince"] = CivilDate.string(listed)
                detail += "; listed as exploited in CISA's catalogue since \(CivilDate.string(listed))"
            }
            if entries.contains(where: { entryFacts.ransomware[Int($0)] }) {
                facts["ransomware"] = "true"
                detail += "; used in ransomware campaigns"
            }
        }
        if let pack = servicePack {
            facts["install"] = pack.kb
            detail +=
                ". Without \(pack.name) none of these fixes can be installed: install \(pack.name) (\(pack.kb)), then the latest monthly rollup"
        } else if remedy.hasPrefix("KB"), !remedy.contains(" ") {
            // The one update the patch-level table names for the host, which closes everything it misses: one KB per
            // host, wherever it is read.
            facts["install"] = remedy
            detail += ". Installing \(remedy) (or a later cumulative update) fixes them all"
        } else if remedy.hasPrefix("KB"), let space = remedy.firstIndex(of: " "),
            let number = AdvisoryIndex.number(String(remedy[..<space])),
            matcher.closesAny(of: entries, kb: number, product: product)
        {
            // The same one update, which closes only part of what the host misses (`KB5022338 (closes 41 of 2,786)`).
            let kb = String(remedy[..<space])
            facts["install"] = kb
            let counts = remedy[space...].trimmingCharacters(in: CharacterSet(charactersIn: " ()"))
                .replacingOccurrences(of: "closes ", with: "").components(separatedBy: " of ")
            detail +=
                ". Installing \(kb) (or a later update that supersedes it) closes \(counts.first ?? "") of the \(counts.last ?? "") vulnerabilities the host misses"
        } else if let newest = entries.lazy.map({ table.newestUpdate[Int($0)] }).max(), newest > 0 {
            facts["install"] = "KB\(newest)"
            detail += ". Installing KB\(newest) (or a later cumulative update) fixes the newest of them"
        }
        if servicePack == nil, let install = facts["install"],
            let note = Self.afterSupportNote(
                release, install: install, newestCumulative: table.newestCumulative, fixes: entries, facts: entryFacts,
                asOf: context.asOf)
        {
            detail += note
        }
        let proof = entries.prefix(3).map { entry in
            let id = index.advisories[table.entries[Int(entry)].advisory].id
            return "\(id): "
                + (servicePack.map { pack in
                    "\(table.name): the host lacks \(pack.name) (\(pack.kb)), which every fix for it requires"
                } ?? matcher.proof(entry: entry, product: product, host: host))
        }
        let evidence =
            [host.operatingSystemSource].compactMap { $0 } + Array(host.installedUpdates.prefix(1).map(\.source))
        return Finding(
            rule: rule, subject: Self.subject(host), detail: detail + ".",
            evidence: evidence.isEmpty ? host.sources : evidence, facts: facts, proof: proof)
    }

    /// What a host past its end of support must know of the update named for it: when a fix it lacks was published
    /// after support ended for the host's release (and edition), the update is provided only under Extended Security
    /// Updates or to an edition still supported (LTSC), so a practice without them is not sent after an update it
    /// cannot get.
    ///
    /// An update is dated as ``EntryClasses/released(_:in:)`` dates it; the product's newest cumulative update,
    /// which no advisory of the data may name (it is reached by supersedence), by the newest fix the data has for the
    /// product: a product another edition still has serviced (1809's LTSC, Server 2019) has fixes after the end.
    static func afterSupportNote(
        _ release: WindowsRelease?, install: String, newestCumulative: UInt32?, fixes entries: [Int32],
        facts: EntryFacts, asOf: Date
    ) -> String? {
        guard let release, let end = release.endOfSupport, end < asOf, let number = AdvisoryIndex.number(install)
        else { return nil }
        let newestFix = facts.published.lazy.compactMap { $0 }.max()
        let released = facts.updateReleased[number] ?? (newestCumulative.map { number >= $0 } == true ? newestFix : nil)
        guard let released, released > end else { return nil }
        let edition = release.edition.map { $0 == .server || $0 == .longTerm ? "" : " (\($0.rawValue) editions)" } ?? ""
        let ended = "support for \(release.name)\(edition) ended on \(CivilDate.string(end))"
        let provided = "is provided only under Extended Security Updates or to an edition still supported"
        if entries.contains(where: { facts.published[Int($0)].map { $0 > end } ?? false }) {
            return
                "; \(install) was published after \(ended) and \(provided), as are some of these fixes: without them, upgrading to a supported release is the fix"
        }
        return
            "; \(install) was published after \(ended) and \(provided): without them, the last cumulative update before that date (each of these fixes is older) or upgrading to a supported release is the fix"
    }

    /// The earliest of `dates` at the positions `entries`.
    private static func earliest(_ dates: [Date?], at entries: [Int32]) -> Date? {
        var earliest: Date?
        for entry in entries {
            if let date = dates[Int(entry)], earliest.map({ date < $0 }) ?? true { earliest = date }
        }
        return earliest
    }

    /// Critical or high risk: CVSS 7 or more, or rated Critical or Important by the vendor (Microsoft's "Important"
    /// covers most CVSS 7 to 8.8 vulnerabilities).
    static func isHighRisk(_ advisory: Advisory) -> Bool {
        if let score = advisory.cvssScore, score >= 7 { return true }
        let rating = advisory.vendorSeverity?.lowercased() ?? ""
        return rating == "critical" || rating == "important" || rating == "high"
    }

    static func subject(_ host: Machine) -> Subject {
        Subject(kind: .host, id: host.id, name: host.name)
    }

    // MARK: Across hosts

    private func coverage(hosts: Int, tally: Tally, index: AdvisoryIndex, context: AnalysisContext) -> Coverage {
        var basis =
            "\(Wording.count(hosts, "host")) inventoried, \(Wording.number(tally.decided)) decided against \(Wording.count(index.advisories.count, "advisory", plural: "advisories"))"
        let sources = context.reference.advisorySources + (context.estate.advisories.isEmpty ? [] : ["the bundle"])
        if !sources.isEmpty { basis += " (\(sources.joined(separator: ", ")))" }
        if index.exploitationOnly > 0 {
            basis +=
                " and \(Wording.count(index.exploitationOnly, "known-exploited entry", plural: "known-exploited entries"))"
        }
        if tally.partlyDecided > 0 {
            basis +=
                " (\(Wording.number(tally.partlyDecided)) of them only in part: their evidence decides some advisories but not others)"
        }
        if tally.unknown > 0 {
            basis += "; \(Wording.number(tally.unknown)) could not be decided (see VGL-UPD-UNKNOWN)"
        }
        if tally.fixedByReleaseOrder > 0 {
            basis +=
                "; \(Wording.count(tally.fixedByReleaseOrder, "host × advisory pair")) taken as fixed because a later cumulative update of the same Windows version is installed (a gap in the supersedence data)"
        }
        let builtInOnly = Self.onlyBuiltIn(context)
        if builtInOnly {
            basis +=
                "; only the built-in catalogue's critical Windows vulnerabilities (MS17-010, BlueKeep, SMBGhost, Zerologon and the others named) were checked, so a host with none of them missing may still lack every later update: import current advisories (vigil advisories import, from WES-NG's definitions.zip) to check them all"
        }
        return Coverage(
            area: .updates,
            status: tally.unknown == 0 && tally.partlyDecided == 0 && !builtInOnly ? .assessed : .partial, basis: basis)
    }

    /// Whether the advisories that fix Windows are the built-in catalogue alone: none imported, and none in the bundle
    /// with a fix for a Windows product (CISA's catalogue, or advisories about other products, add none).
    static func onlyBuiltIn(_ context: AnalysisContext) -> Bool {
        context.reference.onlyBuiltInAdvisories
            && !context.estate.advisories.contains { advisory in
                advisory.fixes.contains { $0.product.range(of: "windows", options: .caseInsensitive) != nil }
            }
    }

    private func advisoryTable(_ hostsMissing: [Int: Int], index: AdvisoryIndex, context: AnalysisContext)
        -> SummaryTable
    {
        let keyed = hostsMissing.map { ($0, AdvisoryIndex.Priority(index.advisories[$0.key])) }
        let ordered = keyed.sorted { lhs, rhs in
            if lhs.1.exploited != rhs.1.exploited { return lhs.1.exploited }
            if lhs.0.value != rhs.0.value { return lhs.0.value > rhs.0.value }
            return lhs.1 < rhs.1
        }.map(\.0)
        let rows = ordered.prefix(Self.tableRows).map { entry -> [String] in
            let advisory = index.advisories[entry.key]
            let released = advisory.published.map(CivilDate.string) ?? "unknown"
            let age = advisory.published.map { Wording.count(context.daysSince($0), "day") } ?? ""
            let kev =
                advisory.exploitation.map { exploited in
                    "yes, listed as exploited since \(CivilDate.string(exploited.dateAdded))"
                        + (exploited.knownRansomwareUse ? ", ransomware" : "")
                } ?? "no"
            let severity = advisory.cvssScore.map { String(format: "%.1f", $0) } ?? advisory.vendorSeverity ?? ""
            return [advisory.id, advisory.title, Wording.number(entry.value), kev, released, age, severity]
        }
        return SummaryTable(
            id: "updates.advisories", area: .updates, title: "Advisories missing across hosts",
            columns: [
                "Advisory", "Title", "Hosts missing it", "Known exploited", "Fix released", "Exposed for", "Severity",
            ],
            rows: rows,
            note: ordered.count > Self.tableRows
                ? "\(Wording.count(ordered.count - Self.tableRows, "more advisory", plural: "more advisories")) not shown"
                : nil)
    }
}

/// Which rule each entry of a product falls under, and the facts findings need of it, worked out once per product.
struct EntryClasses {
    let index: AdvisoryIndex
    let asOf: Date
    private var cache: [Int: EntryFacts] = [:]

    init(index: AdvisoryIndex, asOf: Date) {
        self.index = index
        self.asOf = asOf
    }

    mutating func facts(_ product: Int) -> EntryFacts {
        if let known = cache[product] { return known }
        let table = index.products[product]
        let advisories = table.entries.map { index.advisories[$0.advisory] }
        let (released, updates) = Self.released(table, in: index)
        let facts = EntryFacts(
            classes: zip(advisories, released).map { advisory, released in
                if advisory.exploitation != nil { return .exploited }
                if UpdatesAnalyzer.isHighRisk(advisory), let released,
                    asOf.timeIntervalSince(released) > Double(UpdatesAnalyzer.windowDays) * 86_400
                {
                    return .overdue
                }
                return .other
            },
            published: released,
            ransomware: advisories.map { $0.exploitation?.knownRansomwareUse == true },
            updateReleased: updates)
        cache[product] = facts
        return facts
    }

    /// When each entry's fix was first out for this product: the advisory's date, or later when its fixing update is
    /// (a vulnerability of 2023 reaches Windows 11 24H2 as a fix in 24H2's first updates, a year on). The sources date
    /// a row by its vulnerability, not by its update, so an update's release is the date most of the product's
    /// advisories it fixes share: a cumulative update is named by every vulnerability of its month, and by the older
    /// ones it is the product's first fix for (the later date when two are as common), unless the index knows the
    /// update's own release (``AdvisoryIndex/updateReleases``). Also returns each update's own release, so dated.
    static func released(_ table: AdvisoryIndex.ProductTable, in index: AdvisoryIndex)
        -> (entries: [Date?], updates: [UInt32: Date])
    {
        let advisories = table.entries.map { index.advisories[$0.advisory] }
        var dates: [UInt32: [Date: Int]] = [:]
        for (entry, advisory) in zip(table.entries, advisories) {
            guard let published = advisory.published else { continue }
            for kb in entry.kbs { dates[kb, default: [:]][published, default: 0] += 1 }
        }
        var release = dates.compactMapValues { counts in
            counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }?.key
        }
        if !index.updateReleases.isEmpty {
            for kb in release.keys { if let known = index.updateReleases[kb] { release[kb] = known } }
        }
        let entries = zip(table.entries, advisories).map { entry, advisory -> Date? in
            guard let published = advisory.published else { return nil }
            guard let update = entry.kbs.compactMap({ release[$0] }).min() else { return published }
            return max(published, update)
        }
        return (entries, release)
    }
}

/// Per entry of a product's table: its rule class and dates.
struct EntryFacts {
    enum Class: UInt8 {
        case exploited, overdue, other
    }

    var classes: [Class]
    var published: [Date?]
    var ransomware: [Bool]
    /// Each update's release, as ``EntryClasses/released(_:in:)`` dates it.
    var updateReleased: [UInt32: Date]
}

/// Counts across hosts, for metrics, headlines and the advisory table.
private struct Tally {
    var decided = 0
    /// Of the decided hosts, those with advisories their evidence cannot decide (``HostUpdateState/undecided``).
    var partlyDecided = 0
    /// Per host id, the rules its evidence could not check it for.
    var unchecked: [String: Set<RuleID>] = [:]

    /// Notes what `host`'s evidence could not check: the missing-update rules its undecided advisories fall under
    /// (`undecided`: what is undecided may be what a ticket is about), end of support when its Windows version is not known, and
    /// SMBv1 when the export does not say.
    mutating func markUnchecked(_ host: Machine, state: HostUpdateState, undecided: Set<RuleID>) {
        var rules: Set<RuleID> = []
        if state.unknownReason != nil || !state.undecided.isEmpty { rules.formUnion(undecided) }
        if state.release == nil { rules.insert(.unsupportedSystem) }
        if host.smbVersion1Enabled == nil { rules.insert(.smbVersion1Enabled) }
        if !rules.isEmpty { unchecked[host.id] = rules }
    }
    var unknown = 0
    var exploited = 0
    var overdue = 0
    var unsupported = 0
    var unsupportedLegacy = 0
    /// Hosts whose operating system release, or its end of support, no evidence gives (a Get-HotFix list alone).
    var supportUnknown = 0
    var smb1 = 0
    var fixedByReleaseOrder = 0
    /// Hosts with overdue updates, by the age in whole years of their oldest overdue fix.
    var overdueYears: [Int: Int] = [:]
    /// Per product, per entry of its table, hosts missing it (empty for a product no host missed anything of).
    var missing: [[Int32]] = []
    /// Hosts by patch level.
    var levels: [PatchLevel: PatchLevelHosts] = [:]

    /// Counts the hosts missing `entries` of `product` (a table of `count` entries).
    mutating func count(_ entries: [Int32], product: Int, entries count: Int) {
        if missing.count <= product { missing += Array(repeating: [], count: product + 1 - missing.count) }
        if missing[product].isEmpty { missing[product] = [Int32](repeating: 0, count: count) }
        missing[product].withUnsafeMutableBufferPointer { counts in
            for entry in entries { counts[Int(entry)] += 1 }
        }
    }

    /// Adds another slice's counts.
    mutating func add(_ other: Tally) {
        unchecked.merge(other.unchecked, uniquingKeysWith: { $0.union($1) })
        decided += other.decided
        partlyDecided += other.partlyDecided
        unknown += other.unknown
        exploited += other.exploited
        overdue += other.overdue
        unsupported += other.unsupported
        unsupportedLegacy += other.unsupportedLegacy
        supportUnknown += other.supportUnknown
        smb1 += other.smb1
        fixedByReleaseOrder += other.fixedByReleaseOrder
        overdueYears.merge(other.overdueYears, uniquingKeysWith: +)
        for (level, hosts) in other.levels { levels[level, default: .init()].merge(hosts) }
        for (product, counts) in other.missing.enumerated() where !counts.isEmpty {
            if missing.count <= product { missing += Array(repeating: [], count: product + 1 - missing.count) }
            missing[product] = missing[product].isEmpty ? counts : zip(missing[product], counts).map { $0 + $1 }
        }
    }

    /// Per advisory (index into ``AdvisoryIndex/advisories``), hosts missing it, across products.
    func hostsMissing(_ index: AdvisoryIndex) -> [Int: Int] {
        var byAdvisory: [Int: Int] = [:]
        for (product, counts) in missing.enumerated() {
            for (entry, count) in counts.enumerated() where count > 0 {
                byAdvisory[index.products[product].entries[entry].advisory, default: 0] += Int(count)
            }
        }
        return byAdvisory
    }

    func metrics(hosts: Int, advisoriesMissing: Int) -> [Metric] {
        [
            Metric(id: "updates.hosts", label: "Hosts inventoried", value: hosts),
            Metric(
                id: "updates.hosts-decided", label: "Hosts whose update state was decided", value: decided, total: hosts
            ),
            Metric(
                id: "updates.hosts-missing-exploited", label: "Hosts missing fixes for known exploited vulnerabilities",
                value: exploited, total: hosts, rules: [.updateMissingExploited]),
            Metric(
                id: "updates.hosts-overdue",
                label:
                    "Hosts missing a fix for a known exploited vulnerability or a critical or high update released more than 14 days ago",
                value: overdue, total: hosts, rules: [.updateMissingExploited, .updateOverdue],
                note:
                    "Distinct hosts: VGL-UPD-OVERDUE alone counts only the hosts whose overdue updates include one not known to be exploited; the others are under VGL-UPD-MISSING-EXPLOITED."
            ),
            Metric(
                id: "updates.hosts-overdue-oldest",
                label: "Hosts whose oldest such update was released more than the whole years the headline states",
                value: overdueOldest, total: hosts,
                note:
                    "A subset of updates.hosts-overdue: the hosts exposed longest, by the release of their oldest missing fix."
            ),
            Metric(
                id: "updates.hosts-unsupported", label: "Hosts on an unsupported operating system", value: unsupported,
                total: hosts, rules: [.unsupportedSystem]),
            Metric(
                id: "updates.hosts-unsupported-legacy", label: "Hosts on Windows 8.1, Server 2012 R2 or older",
                value: unsupportedLegacy, total: hosts,
                note: "The hosts of VGL-UPD-UNSUPPORTED-OS at critical (escalation legacy-system)."),
            Metric(
                id: "updates.hosts-support-unknown",
                label: "Hosts whose operating system support is not known (no inventory gave their release)",
                value: supportUnknown, total: hosts),
            Metric(
                id: "updates.hosts-smb1", label: "Hosts with SMBv1 enabled", value: smb1, total: hosts,
                rules: [.smbVersion1Enabled]),
            Metric(
                id: "updates.hosts-unknown", label: "Hosts whose update state is unknown", value: unknown, total: hosts,
                rules: [.updateStateUnknown]),
            Metric(
                id: "updates.advisories-missing", label: "Distinct advisories missing somewhere",
                value: advisoriesMissing),
        ]
    }

    /// The hosts whose oldest overdue fix is the most whole years old (at least one), as the headline states them.
    var overdueOldest: Int {
        guard let years = overdueYears.keys.max() else { return 0 }
        return overdueYears.filter { $0.key >= max(years, 1) }.values.reduce(0, +)
    }

    func headlines(hosts: Int) -> [Headline] {
        var headlines: [Headline] = []
        if overdue > 0, let years = overdueYears.keys.max() {
            let atLeast = overdueOldest
            var used = ["updates.hosts-overdue-oldest", "updates.hosts"]
            var text: String
            if years >= 1 {
                text =
                    "\(Wording.count(atLeast, "host")) of \(Wording.number(hosts)) \(atLeast == 1 ? "misses" : "miss") critical or high security updates released more than \(Wording.count(years, "year")) ago"
                if overdue > atLeast {
                    text += "; \(Wording.number(overdue)) miss such updates for more than 14 days"
                    used.append("updates.hosts-overdue")
                }
            } else {
                text =
                    "\(Wording.count(overdue, "host")) of \(Wording.number(hosts)) \(overdue == 1 ? "misses" : "miss") critical or high security updates released more than 14 days ago"
                used = ["updates.hosts-overdue", "updates.hosts"]
            }
            if exploited > 0 {
                text +=
                    "; \(Wording.number(exploited)) \(exploited == 1 ? "lacks" : "lack") fixes for vulnerabilities being exploited"
                used.append("updates.hosts-missing-exploited")
            }
            headlines.append(
                Headline(
                    area: .updates, text: text + ".", severity: exploited > 0 ? .critical : .high, metrics: used))
        } else if decided > 0 {
            headlines.append(
                Headline(
                    area: .updates,
                    text:
                        "No host misses a critical or high security update released more than 14 days ago (\(Wording.count(decided, "host")) decided).",
                    severity: nil, metrics: ["updates.hosts-overdue", "updates.hosts-decided"]))
        }
        if unsupported > 0 {
            headlines.append(
                Headline(
                    area: .updates,
                    text:
                        "\(Wording.count(unsupported, "host")) \(unsupported == 1 ? "runs" : "run") an operating system past its end of support\(unsupportedLegacy > 0 ? ", \(Wording.number(unsupportedLegacy)) of them Windows 8.1, Server 2012 R2 or older" : "").",
                    severity: unsupportedLegacy > 0 ? .critical : .high,
                    metrics: ["updates.hosts-unsupported"]
                        + (unsupportedLegacy > 0 ? ["updates.hosts-unsupported-legacy"] : [])))
        }
        if smb1 > 0 {
            headlines.append(
                Headline(
                    area: .updates, text: "\(Wording.count(smb1, "host")) \(smb1 == 1 ? "has" : "have") SMBv1 enabled.",
                    severity: .high, metrics: ["updates.hosts-smb1"]))
        }
        if unknown > 0 {
            headlines.append(
                Headline(
                    area: .updates,
                    text: "The update state of \(Wording.count(unknown, "host")) cannot be decided from the evidence.",
                    severity: .low, metrics: ["updates.hosts-unknown"]))
        }
        return headlines
    }
}
