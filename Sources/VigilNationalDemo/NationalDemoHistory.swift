public import Foundation
public import VigilCore
public import VigilStore
public import VigilSubmission

/// A synthetic year of weekly submissions for the demo organisations, so that `vigil demo --serve` shows a national
/// picture with a past: some organisations improving, some getting worse, one that stopped submitting (stale), and
/// one alert that closes by evidence for the improving organisations and stays open for the others.
///
/// Each organisation's last week is its real demo assessment (its findings-only submission), with one change: an
/// improving organisation has fixed the alert's findings a few weeks after the alert. Earlier weeks are derived from it
/// deterministically (the same seed gives the same history):
/// - **improving**: every week shows the latest findings plus extra findings of the same rules on other subjects its
///   evidence covers; each extra is fixed in a week of its own, so open counts fall over the year and each fix is
///   verified by covering evidence;
/// - **worsening**: half of the latest findings are there from the start, the others appear week by week;
/// - **lapsed**: the latest findings every week, but its last four weeks were never submitted, so it is stale.
/// The alert's findings are present from the first week everywhere, so every organisation showing them is affected.
public struct NationalDemoHistory: Sendable {
    /// How an organisation's history runs.
    public enum Trend: String, Sendable, Hashable, CaseIterable {
        case improving, worsening, lapsed
    }

    /// One organisation and its history.
    public struct Member: Sendable {
        /// The organisation to create, with its place in the hierarchy.
        public var organisation: NewOrganisation
        /// Its real (latest) submission.
        public var latest: Submission
        /// How its history runs.
        public var trend: Trend
    }

    /// The regions and integrated care boards the demo organisations are placed under (region, ICB).
    public static let areas: [[String]] = [["Y56", "QMJ"], ["Y56", "QRV"], ["Y61", "QUE"]]
    /// Weeks a lapsed organisation has not submitted at the end of the year.
    public static let lapsedWeeks = 4
    /// The most extra findings an improving organisation starts with, so the demo loads in seconds.
    public static let extrasLimit = 400

    /// The organisations, in the order given.
    public let members: [Member]
    /// Weekly submissions per organisation, the last on its latest assessment's date.
    public let weeks: Int
    /// The week (0-based) the alert is issued in, before that week's submissions.
    public let alertWeek: Int
    /// The rule the alert names, when one rule shows in an improving and in another organisation.
    public let alertRule: RuleID?
    let seed: UInt64

    /// A history of `weeks` weekly submissions ending at each submission's own date. Trends go improving,
    /// worsening, improving…, the last of three or more organisations lapsed.
    public init(latest: [(organisation: Organisation, submission: Submission)], weeks: Int = 52, seed: UInt64 = 1) {
        let weeks = max(weeks, 8)
        self.weeks = weeks
        self.seed = seed
        self.alertWeek = weeks / 2
        var members: [Member] = []
        for (index, entry) in latest.enumerated() {
            let trend: Trend =
                latest.count >= 3 && index == latest.count - 1 ? .lapsed : (index % 2 == 0 ? .improving : .worsening)
            members.append(
                Member(
                    organisation: NewOrganisation(
                        code: entry.organisation.code, name: entry.organisation.name, kind: entry.organisation.kind,
                        parents: Self.areas[index % Self.areas.count]),
                    latest: entry.submission, trend: trend))
        }
        self.members = members
        self.alertRule = Self.chooseAlertRule(members)
    }

    /// The alert issued in ``alertWeek``: it names ``alertRule``, is due for remediation 30 days after issue.
    public func alert() -> NewAlert? {
        guard let rule = alertRule, let first = members.first else { return nil }
        let issued = date(week: alertWeek, of: first).addingTimeInterval(-86_400)
        return NewAlert(
            title: "Demo alert: fix every \(rule.rawValue) finding", severity: .high, rules: [rule], issuedAt: issued,
            remediateBy: issued.addingTimeInterval(30 * 86_400))
    }

    /// How many of organisation `index`'s latest findings its last week no longer shows: an improving organisation's
    /// findings of the alert's rule, fixed in the story in week ``fixWeek(of:)`` though its report (the demo's
    /// assessment, the evidence the story starts from) still shows them; 0 for the others. The national pages show it
    /// lower than its report by exactly these, and the demo says so.
    public func fixedSinceReport(of index: Int) -> Int {
        guard members.indices.contains(index), members[index].trend == .improving, let alertRule else { return 0 }
        let latest = members[index].latest
        return latest.findings.count { $0.rule == alertRule && Self.covered($0, by: latest) }
    }

    /// The week (0-based) from which an improving organisation `index`'s submissions no longer show the alert's
    /// findings, two to five weeks after the alert; `nil` without an alert. (Only improving organisations fix them.)
    func fixWeek(of index: Int) -> Int? {
        alertRule.map { _ in alertWeek + 2 + Int(mix(UInt64(index), 7) % 4) }
    }

    /// The date of the submission in which organisation `index` fixed the alert's findings, for the demo's notes; `nil`
    /// for an organisation that fixed none.
    public func fixDate(of index: Int) -> Date? {
        guard fixedSinceReport(of: index) > 0, let week = fixWeek(of: index) else { return nil }
        return date(week: week, of: members[index])
    }

    /// Organisation `index`'s submissions, oldest first (a lapsed organisation's last weeks are missing).
    public func submissions(of index: Int) -> [Submission] {
        guard members.indices.contains(index) else { return [] }
        let member = members[index]
        let last = member.trend == .lapsed ? weeks - Self.lapsedWeeks : weeks
        let extras = member.trend == .improving ? self.extras(of: member) : []
        let fixWeek = fixWeek(of: index)
        return (0..<last).map { week in
            var findings: [Submission.SubmittedFinding]
            switch member.trend {
            case .improving:
                findings = member.latest.findings.filter { finding in
                    !(finding.rule == alertRule && fixWeek.map { week >= $0 } == true
                        && Self.covered(finding, by: member.latest))
                }
                findings += extras.filter { $0.fixedIn > week }.map(\.finding)
            case .worsening:
                findings = member.latest.findings.filter { finding in
                    finding.rule == alertRule || appearance(of: finding, in: member) <= week
                }
            case .lapsed:
                findings = member.latest.findings
            }
            var submission = Submission(
                tool: member.latest.tool, organisation: member.latest.organisation,
                assessedAt: date(week: week, of: member), areas: member.latest.areas, findings: findings,
                coverage: member.latest.coverage, metrics: member.latest.metrics)
            submission.keyFingerprint = member.latest.keyFingerprint
            return submission
        }
    }

    /// What loading made.
    public struct Loaded: Sendable {
        /// The organisations created, in the order of ``members``.
        public var organisations: [OrganisationRecord]
        /// The alert issued, if any.
        public var alert: AlertRecord?
        /// Submissions ingested.
        public var submissions: Int
    }

    /// Creates the organisations in `store` and ingests the history week by week, issuing the alert in its week and
    /// acknowledging it for the improving organisations a day later.
    public func load(into store: some NationalStore) async throws -> Loaded {
        var organisations: [OrganisationRecord] = []
        for member in members {
            organisations.append(try await store.createOrganisation(member.organisation))
        }
        let histories = members.indices.map(submissions(of:))
        var alert: AlertRecord?
        var count = 0
        for week in 0..<weeks {
            if week == alertWeek, let newAlert = self.alert() {
                let issued = try await store.issueAlert(newAlert)
                alert = issued
                for (member, organisation) in zip(members, organisations) where member.trend == .improving {
                    _ = try await store.acknowledgeAlert(
                        issued.id, organisation: organisation.id, at: newAlert.issuedAt.addingTimeInterval(86_400))
                }
            }
            for (history, organisation) in zip(histories, organisations) where history.indices.contains(week) {
                let submission = history[week]
                _ = try await store.ingest(
                    submission, organisation: organisation.id,
                    receivedAt: submission.assessedAt.addingTimeInterval(3_600))
                count += 1
            }
        }
        return Loaded(organisations: organisations, alert: alert, submissions: count)
    }

    /// The date of `week` for `member`: weekly, ending at its latest assessment.
    func date(week: Int, of member: Member) -> Date {
        member.latest.assessedAt.addingTimeInterval(-Double(weeks - 1 - week) * 7 * 86_400)
    }

    /// An extra finding and the week whose submission first no longer shows it.
    struct Extra {
        var finding: Submission.SubmittedFinding
        var fixedIn: Int
    }

    /// Extra findings of the latest findings' rules on other covered subjects: listed keys of the same coverage
    /// group, or made-up keys where the group is complete. Permissions (keyed by folder) are left alone.
    func extras(of member: Member) -> [Extra] {
        let taken = Set(member.latest.findings.map { "\($0.rule.rawValue) \($0.subject)" })
        var extras: [Extra] = []
        var used = Set<String>()
        for (position, finding) in member.latest.findings.enumerated() where finding.kind != .resource {
            guard extras.count < Self.extrasLimit, finding.rule != alertRule,
                let group = member.latest.coverage.first(where: {
                    $0.area == finding.area && $0.kind == finding.kind && $0.applies(to: finding.rule)
                })
            else { continue }
            let salt = mix(UInt64(position), 11)
            let subject: String
            if group.complete {
                subject = Self.hex(mix(salt, 1)) + Self.hex(mix(salt, 2))
            } else if !group.subjects.isEmpty {
                subject = group.subjects[Int(salt % UInt64(group.subjects.count))]
            } else {
                continue
            }
            let key = "\(finding.rule.rawValue) \(subject)"
            guard !taken.contains(key), used.insert(key).inserted else { continue }
            var extra = finding
            extra.subject = subject
            extras.append(Extra(finding: extra, fixedIn: 2 + Int(mix(salt, 3) % UInt64(weeks - 4))))
        }
        return extras
    }

    /// The week a worsening organisation's finding first shows: half from the start, the rest spread over the year.
    func appearance(of finding: Submission.SubmittedFinding, in member: Member) -> Int {
        let value = mix(Self.fold(finding.rule.rawValue + finding.subject), 5)
        return value % 2 == 0 ? 0 : Int(value / 2 % UInt64(weeks))
    }

    /// The rule of the alert: shown by an improving organisation whose evidence covers every such finding (so fixing
    /// them can be verified) and by at least one other organisation; the most severe, then the most shown.
    static func chooseAlertRule(_ members: [Member]) -> RuleID? {
        var candidates: [RuleID: (severity: Severity, count: Int)] = [:]
        for member in members where member.trend == .improving {
            let byRule = Dictionary(grouping: member.latest.findings.filter { $0.kind != .resource }, by: \.rule)
            for (rule, findings) in byRule where findings.allSatisfy({ covered($0, by: member.latest) }) {
                let shownElsewhere = members.contains {
                    $0.trend != .improving && $0.latest.findings.contains { $0.rule == rule }
                }
                guard shownElsewhere, let worst = findings.map(\.severity).max() else { continue }
                let count = (candidates[rule]?.count ?? 0) + findings.count
                candidates[rule] = (max(worst, candidates[rule]?.severity ?? worst), count)
            }
        }
        return candidates.max { first, second in
            (first.value.severity, first.value.count, second.key.rawValue)
                < (second.value.severity, second.value.count, first.key.rawValue)
        }?.key
    }

    /// Whether `submission`'s coverage covers `finding`'s subject, so its absence later is a verified fix.
    static func covered(_ finding: Submission.SubmittedFinding, by submission: Submission) -> Bool {
        submission.coverage.contains {
            $0.area == finding.area && $0.kind == finding.kind && $0.applies(to: finding.rule)
                && $0.covers(finding.subject)
        }
    }

    /// SplitMix64 of the seed and `values`: the history's only source of variety.
    func mix(_ values: UInt64...) -> UInt64 {
        var state = seed
        for value in values {
            state = state &+ 0x9E37_79B9_7F4A_7C15 &+ value
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            state = z ^ (z >> 31)
        }
        return state
    }

    /// FNV-1a of `text`.
    static func fold(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    /// 16 lower-case hex digits.
    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
