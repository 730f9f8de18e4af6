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
        let hosts = context.estate.hosts.sorted { $0.id < $1.id }
        guard !hosts.isEmpty else { return AnalyzerOutput() }
        let index = AdvisoryIndex(context.estate.advisories + context.reference.advisories)
        var matcher = UpdateMatcher(index: index)
        var findings: [Finding] = []
        var tally = Tally()
        for host in hosts {
            let state = matcher.match(host)
            findings += lifecycleFindings(host, state: state, context: context, tally: &tally)
            if let reason = state.unknownReason {
                tally.unknown += 1
                findings.append(unknownFinding(host, reason: reason, state: state, index: index))
                continue
            }
            tally.decided += 1
            tally.fixedByReleaseOrder += state.fixedByReleaseOrder
            findings += missingFindings(
                host, state: state, index: index, matcher: &matcher, context: context, tally: &tally)
        }
        return AnalyzerOutput(
            findings: findings, metrics: tally.metrics(hosts: hosts.count),
            coverage: [coverage(hosts: hosts.count, tally: tally, index: index, context: context)],
            headlines: tally.headlines(hosts: hosts.count),
            tables: [advisoryTable(tally, index: index, context: context)])
    }

    // MARK: Per host

    /// The host cannot be decided; when the advisory data is only older than its updates, say what the data alone
    /// would call missing (raised to high when that includes exploited vulnerabilities), so that it is not hidden.
    private func unknownFinding(_ host: Machine, reason: String, state: HostUpdateState, index: AdvisoryIndex)
        -> Finding
    {
        var detail = "Whether \(host.name) is up to date cannot be decided: \(reason)."
        var facts = ["reason": reason]
        let exploited = state.missing.filter { index.advisories[$0.advisory].exploitation != nil }
        if !state.missing.isEmpty {
            facts["possiblyMissing"] = String(state.missing.count)
            facts["possiblyMissingExploited"] = String(exploited.count)
            detail +=
                " The advisory data alone would call \(Wording.count(state.missing.count, "vulnerability", plural: "vulnerabilities")) unfixed\(exploited.isEmpty ? "" : ", \(Wording.number(exploited.count)) of them known to be exploited (\(exploited.prefix(3).map { index.advisories[$0.advisory].id }.joined(separator: ", ")))"), unless its newer updates contain the fixes."
        }
        return Finding(
            rule: .updateStateUnknown, severity: exploited.isEmpty ? nil : .high, subject: Self.subject(host),
            detail: detail, evidence: host.sources, facts: facts)
    }

    private func lifecycleFindings(
        _ host: Machine, state: HostUpdateState, context: AnalysisContext, tally: inout Tally
    ) -> [Finding] {
        var findings: [Finding] = []
        if let release = state.release, let end = release.endOfSupport, end < context.asOf {
            tally.unsupported += 1
            if release.isLegacy { tally.unsupportedLegacy += 1 }
            let days = context.daysSince(end)
            findings.append(
                Finding(
                    rule: .unsupportedSystem, severity: release.isLegacy ? .critical : .high,
                    subject: Self.subject(host),
                    detail:
                        "\(host.name) runs \(release.name), whose support ended on \(CivilDate.string(end)) (\(Wording.count(days, "day")) ago): it gets no security updates unless enrolled in Extended Security Updates.",
                    evidence: [host.operatingSystemSource ?? host.sources.first].compactMap { $0 },
                    facts: [
                        "release": release.name, "endOfSupport": CivilDate.string(end), "daysUnsupported": String(days),
                    ]
                ))
        }
        if host.smbVersion1Enabled == true {
            tally.smb1 += 1
            findings.append(
                Finding(
                    rule: .smbVersion1Enabled, subject: Self.subject(host),
                    detail: "\(host.name) has the SMB 1.0 server enabled, the protocol WannaCry spread through.",
                    evidence: host.sources, facts: [:]))
        }
        return findings
    }

    private func missingFindings(
        _ host: Machine, state: HostUpdateState, index: AdvisoryIndex, matcher: inout UpdateMatcher,
        context: AnalysisContext, tally: inout Tally
    ) -> [Finding] {
        guard !state.missing.isEmpty, let product = state.product else { return [] }
        var exploited: [MissingFix] = []
        var overdue: [MissingFix] = []
        var other: [MissingFix] = []
        for fix in state.missing {
            let advisory = index.advisories[fix.advisory]
            tally.missing[fix.advisory, default: 0] += 1
            if advisory.exploitation != nil {
                exploited.append(fix)
            } else if Self.isHighRisk(advisory), let published = advisory.published,
                context.daysSince(published) > Self.windowDays
            {
                overdue.append(fix)
            } else {
                other.append(fix)
            }
        }
        if !exploited.isEmpty { tally.exploited += 1 }
        if !exploited.isEmpty || !overdue.isEmpty {
            tally.overdue += 1
            let overdueOldest = (exploited + overdue).compactMap { index.advisories[$0.advisory].published }.min()
            let years = overdueOldest.map { context.daysSince($0) / 365 } ?? 0
            tally.overdueYears[years, default: 0] += 1
        }
        var findings: [Finding] = []
        for (rule, fixes) in [
            (RuleID.updateMissingExploited, exploited), (.updateOverdue, overdue), (.updateMissing, other),
        ]
        where !fixes.isEmpty {
            findings.append(
                finding(
                    rule, host: host, fixes: fixes, product: product, index: index, matcher: &matcher, context: context)
            )
        }
        return findings
    }

    /// One finding for the advisories of one rule a host misses: the worst first, the proof of the first three.
    private func finding(
        _ rule: RuleID, host: Machine, fixes: [MissingFix], product: String, index: AdvisoryIndex,
        matcher: inout UpdateMatcher, context: AnalysisContext
    ) -> Finding {
        let ordered = fixes.sorted { Self.priority(index.advisories[$0.advisory], index.advisories[$1.advisory]) }
        let advisories = ordered.map { index.advisories[$0.advisory] }
        let oldest = advisories.compactMap(\.published).min()
        let days = oldest.map(context.daysSince)
        var detail =
            "\(host.name) (\(product)) lacks every fix for \(Wording.count(advisories.count, "vulnerability", plural: "vulnerabilities"))"
        let named = advisories.prefix(5).map(\.id).joined(separator: ", ")
        detail += " (\(named)\(advisories.count > 5 ? ", …" : ""))"
        if let oldest, let days {
            detail += "; the oldest fix was released on \(CivilDate.string(oldest)), \(Wording.count(days, "day")) ago"
        }
        var facts: [String: String] = [
            "vulnerabilities": String(advisories.count),
            "listed": advisories.prefix(context.settings.listAllMissingUpdates ? .max : Self.listed).map(\.id).joined(
                separator: ","),
            "product": product,
        ]
        if let days { facts["daysExposed"] = String(days) }
        if rule == .updateMissingExploited {
            let dues = advisories.compactMap(\.exploitation?.dueDate)
            if let due = dues.min() {
                facts["kevDueDate"] = CivilDate.string(due)
                detail +=
                    due < context.asOf
                    ? "; CISA's remediation due date passed on \(CivilDate.string(due))"
                    : "; CISA's due date is \(CivilDate.string(due))"
            }
            if advisories.contains(where: { $0.exploitation?.knownRansomwareUse == true }) {
                facts["ransomware"] = "known"
                detail += "; used in ransomware campaigns"
            }
        }
        if let install = Self.suggestedUpdate(ordered, index: index) {
            facts["install"] = install
            detail += ". Installing \(install) (or a later cumulative update) fixes the newest of them"
        }
        for (position, fix) in ordered.prefix(3).enumerated() {
            facts["proof\(position + 1)"] =
                "\(index.advisories[fix.advisory].id): " + matcher.proof(fix, host: host, product: product)
        }
        let evidence =
            [host.operatingSystemSource].compactMap { $0 } + Array(host.installedUpdates.prefix(1).map(\.source))
        return Finding(
            rule: rule, subject: Self.subject(host), detail: detail + ".",
            evidence: evidence.isEmpty ? host.sources : evidence, facts: facts)
    }

    /// The newest fixing update among `fixes`, which (being cumulative where the product is) usually fixes them all.
    static func suggestedUpdate(_ fixes: [MissingFix], index: AdvisoryIndex) -> String? {
        fixes.flatMap(\.fixingKBs).max().map { "KB\($0)" }
    }

    /// Critical or high risk: CVSS 7 or more, or rated Critical or Important by the vendor (Microsoft's "Important"
    /// covers most CVSS 7 to 8.8 vulnerabilities).
    static func isHighRisk(_ advisory: Advisory) -> Bool {
        if let score = advisory.cvssScore, score >= 7 { return true }
        let rating = advisory.vendorSeverity?.lowercased() ?? ""
        return rating == "critical" || rating == "important" || rating == "high"
    }

    /// Known exploited first, then highest score or rating, then oldest, then identifier.
    static func priority(_ lhs: Advisory, _ rhs: Advisory) -> Bool {
        if (lhs.exploitation != nil) != (rhs.exploitation != nil) { return lhs.exploitation != nil }
        let left = rank(lhs)
        let right = rank(rhs)
        if left != right { return left > right }
        if lhs.published != rhs.published {
            return (lhs.published ?? .distantFuture) < (rhs.published ?? .distantFuture)
        }
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
        if tally.unknown > 0 {
            basis += "; \(Wording.number(tally.unknown)) could not be decided (see VGL-UPD-UNKNOWN)"
        }
        return Coverage(area: .updates, status: tally.unknown == 0 ? .assessed : .partial, basis: basis)
    }

    private func advisoryTable(_ tally: Tally, index: AdvisoryIndex, context: AnalysisContext) -> SummaryTable {
        let ordered = tally.missing.sorted { lhs, rhs in
            let (left, right) = (index.advisories[lhs.key], index.advisories[rhs.key])
            if (left.exploitation != nil) != (right.exploitation != nil) { return left.exploitation != nil }
            if lhs.value != rhs.value { return lhs.value > rhs.value }
            return Self.priority(left, right)
        }
        let rows = ordered.prefix(Self.tableRows).map { entry -> [String] in
            let advisory = index.advisories[entry.key]
            let released = advisory.published.map(CivilDate.string) ?? "unknown"
            let age = advisory.published.map { Wording.count(context.daysSince($0), "day") } ?? ""
            let kev =
                advisory.exploitation.map { exploited in
                    "yes" + (exploited.dueDate.map { ", due \(CivilDate.string($0))" } ?? "")
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

/// Counts across hosts, for metrics, headlines and the advisory table.
private struct Tally {
    var decided = 0
    var unknown = 0
    var exploited = 0
    var overdue = 0
    var unsupported = 0
    var unsupportedLegacy = 0
    var smb1 = 0
    var fixedByReleaseOrder = 0
    /// Hosts with overdue updates, by the age in whole years of their oldest overdue fix.
    var overdueYears: [Int: Int] = [:]
    /// Per advisory (index), hosts missing it.
    var missing: [Int: Int] = [:]

    func metrics(hosts: Int) -> [Metric] {
        [
            Metric(id: "updates.hosts", label: "Hosts inventoried", value: hosts),
            Metric(
                id: "updates.hosts-decided", label: "Hosts whose update state was decided", value: decided, total: hosts
            ),
            Metric(
                id: "updates.hosts-missing-exploited", label: "Hosts missing fixes for known exploited vulnerabilities",
                value: exploited, total: hosts),
            Metric(
                id: "updates.hosts-overdue", label: "Hosts missing critical or high updates for more than 14 days",
                value: overdue, total: hosts),
            Metric(
                id: "updates.hosts-unsupported", label: "Hosts on an unsupported operating system", value: unsupported,
                total: hosts),
            Metric(id: "updates.hosts-smb1", label: "Hosts with SMBv1 enabled", value: smb1, total: hosts),
            Metric(
                id: "updates.hosts-unknown", label: "Hosts whose update state is unknown", value: unknown, total: hosts),
            Metric(
                id: "updates.advisories-missing", label: "Distinct advisories missing somewhere", value: missing.count),
        ]
    }

    func headlines(hosts: Int) -> [Headline] {
        var headlines: [Headline] = []
        if overdue > 0, let years = overdueYears.keys.max() {
            let atLeast = overdueYears.filter { $0.key >= max(years, 1) }.values.reduce(0, +)
            var text: String
            if years >= 1 {
                text =
                    "\(Wording.count(atLeast, "host")) of \(Wording.number(hosts)) \(atLeast == 1 ? "misses" : "miss") critical or high security updates released more than \(Wording.count(years, "year")) ago"
                if overdue > atLeast {
                    text += "; \(Wording.number(overdue)) miss such updates for more than 14 days"
                }
            } else {
                text =
                    "\(Wording.count(overdue, "host")) of \(Wording.number(hosts)) \(overdue == 1 ? "misses" : "miss") critical or high security updates released more than 14 days ago"
            }
            if exploited > 0 {
                text +=
                    "; \(Wording.number(exploited)) \(exploited == 1 ? "lacks" : "lack") fixes for vulnerabilities being exploited"
            }
            headlines.append(Headline(area: .updates, text: text + ".", severity: exploited > 0 ? .critical : .high))
        } else if decided > 0 {
            headlines.append(
                Headline(
                    area: .updates,
                    text:
                        "No host misses a critical or high security update released more than 14 days ago (\(Wording.count(decided, "host")) decided).",
                    severity: nil))
        }
        if unsupported > 0 {
            headlines.append(
                Headline(
                    area: .updates,
                    text:
                        "\(Wording.count(unsupported, "host")) \(unsupported == 1 ? "runs" : "run") an operating system past its end of support\(unsupportedLegacy > 0 ? ", \(Wording.number(unsupportedLegacy)) of them Windows 8.1, Server 2012 R2 or older" : "").",
                    severity: unsupportedLegacy > 0 ? .critical : .high))
        }
        if smb1 > 0 {
            headlines.append(
                Headline(
                    area: .updates, text: "\(Wording.count(smb1, "host")) \(smb1 == 1 ? "has" : "have") SMBv1 enabled.",
                    severity: .high))
        }
        if unknown > 0 {
            headlines.append(
                Headline(
                    area: .updates,
                    text: "The update state of \(Wording.count(unknown, "host")) cannot be decided from the evidence.",
                    severity: .low))
        }
        return headlines
    }
}
