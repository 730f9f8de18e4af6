import ArgumentParser
import Foundation
import VigilAnalyzers
import VigilCore
import VigilServer
import VigilStore

extension AdminCommand {
    /// `vigil admin issue-alert`: a national alert with its two clocks, matched at once against every organisation's
    /// current tickets.
    struct IssueAlert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue-alert",
            abstract: "Issue an alert to every organisation: linked rules and advisories, two clocks.",
            discussion: """
                An alert applies to an organisation when its submissions show a current ticket that matches: the \
                ticket's rule is one of --rule (any rule when none is given) and its finding names one of the \
                --cve or --advisory ids (any when none is given). A bulletin (MS17-010) matches through its CVEs, \
                which Vigil knows for the bulletins of its built-in catalogue. The alert closes for an organisation \
                only when a later submission covers every matching subject and no longer shows the finding; an \
                acknowledgement or a not-applicable declaration stops only the acknowledgement clock.

                The remediation clock is --remediate-by (a day, the same for everyone), or --remediate-within (days \
                from when each organisation's evidence first shows it affected), or, when neither is given, days by \
                severity: 14 for a known-exploited vulnerability (--kev, or an alert linking \
                VGL-UPD-MISSING-EXPLOITED), 15 critical, 30 high, 60 medium, 90 low; --remediation-days changes \
                those (kev=10,medium=45). A missed clock escalates: acknowledgement missed (level 1), remediation \
                missed (2), remediation missed by 14 days or more, or with no acknowledgement (3, national).

                Exit codes: 0 issued (its id is printed); 64 a bad option or value (unknown rule, malformed CVE or \
                advisory, a day or time the calendar does not have, a remediation date before issue); 69 the \
                database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "One line, at most 200 characters.")
        var title: String

        @Option(help: "critical, high, medium, low or info.")
        var severity: String

        @Option(name: .customLong("rule"), help: ArgumentHelp("A linked rule (repeatable).", valueName: "VGL-…"))
        var rules: [String] = []

        @Option(
            name: .customLong("advisory"),
            help: ArgumentHelp(
                "A linked bulletin Vigil knows, MS17-010 (matched by its CVEs), or an update, KB5034441 (matched by findings that name it as the update to install, and resolved only when they are fixed: prefer the bulletin or --cve) (repeatable).",
                valueName: "id"))
        var advisories: [String] = []

        @Option(name: .customLong("cve"), help: ArgumentHelp("A linked CVE (repeatable).", valueName: "CVE-…"))
        var cves: [String] = []

        @Option(
            help: ArgumentHelp(
                "How long organisations have to acknowledge: hours or days, 48h or 2d.", valueName: "duration"))
        var acknowledgeWithin = "48h"

        @Option(
            help: ArgumentHelp(
                "The day affected organisations must have fixed it by (UTC, inclusive).", valueName: "YYYY-MM-DD"))
        var remediateBy: String?

        @Option(
            help: ArgumentHelp(
                "Days each organisation has from when its evidence shows it affected, 30d (instead of --remediate-by).",
                valueName: "days"))
        var remediateWithin: String?

        @Option(
            help: ArgumentHelp(
                "Days by severity when no clock is given: kev=14,critical=15,high=30,medium=60,low=90 (any subset).",
                valueName: "list"))
        var remediationDays: String?

        @Flag(help: "The alert is about a known-exploited vulnerability (CISA KEV): the KEV clock applies.")
        var kev = false

        @Option(
            help: ArgumentHelp(
                "The time of issue, ISO 8601 with a zone (default: now), for an alert issued before it was entered.",
                valueName: "time"))
        var issuedAt: String?

        func validate() throws {
            _ = try alert()
        }

        func run() async throws {
            let alert = try alert()
            let (issued, statuses) = try await store.withStore(creating: true) { store in
                let issued = try await store.issueAlert(alert)
                try await store.audit(
                    AuditEntry(.issueAlert, actor: "operator", origin: .operatorNow(), detail: "alert \(issued.id)"))
                return (issued, try await store.alertStatuses(alert: issued.id, at: issued.issuedAt))
            }
            let affected = statuses.filter { $0.applicability == .affected }.count
            print(
                "Issued alert \(issued.id) to \(statuses.count) organisations; \(affected) affected by their current evidence."
            )
        }

        /// The alert the options describe, or a usage error naming the option.
        func alert() throws -> NewAlert {
            guard let severity = Severity(rawValue: severity) else {
                throw ValidationError("--severity is one of critical, high, medium, low, info")
            }
            let known = Set(RuleCatalogue.all.map(\.id))
            let rules = rules.map { RuleID(rawValue: $0.uppercased()) }
            if let unknown = rules.first(where: { !known.contains($0) }) {
                throw ValidationError("--rule \(unknown.rawValue) is not a Vigil rule (see `vigil rules`)")
            }
            let advisories = advisories.map { $0.uppercased() }
            var cves = cves.map { $0.uppercased() }
            for advisory in advisories where advisory.hasPrefix("MS") {
                // A bulletin matches through its CVEs: one Vigil does not know would match no organisation.
                guard let named = NamedVulnerability.all.first(where: { $0.name == advisory }) else {
                    let known = NamedVulnerability.all.map(\.name).filter { $0.hasPrefix("MS") }.joined(separator: ", ")
                    throw ValidationError(
                        "--advisory \(advisory) is not a bulletin Vigil knows (\(known)): name its CVEs with --cve")
                }
                cves += named.cves
            }
            guard !(rules.isEmpty && cves.isEmpty && advisories.isEmpty) else {
                throw ValidationError("give at least one --rule, --cve or --advisory")
            }
            guard let within = Self.duration(acknowledgeWithin) else {
                throw ValidationError("--acknowledge-within is a number of hours or days, 48h or 2d (at most 365d)")
            }
            let issued: Date
            if let issuedAt {
                let date = try DateArgument.time(issuedAt, option: "--issued-at")
                // For an alert issued before it was entered: a time ahead of now would let no evidence close it.
                guard date <= Date().addingTimeInterval(300) else {
                    throw ValidationError("--issued-at must not be in the future")
                }
                issued = date
            } else {
                issued = Date()
            }
            let knownExploited = kev || rules.contains(.updateMissingExploited)
            let (remediateBy, days) = try remediationClock(
                issued: issued, severity: severity, knownExploited: knownExploited)
            if let remediateBy, issued.addingTimeInterval(within) > remediateBy {
                throw ValidationError(
                    "--acknowledge-within must end by --remediate-by: organisations acknowledge before they must have fixed it"
                )
            }
            let alert = NewAlert(
                title: title, severity: severity, rules: rules, cves: cves, advisories: advisories, issuedAt: issued,
                acknowledgeBy: issued.addingTimeInterval(within), remediateBy: remediateBy, remediationDays: days,
                knownExploited: knownExploited)
            do {
                return try SQLNationalStore.validated(alert)
            } catch let error as StoreError {
                throw ValidationError(error.message)
            }
        }

        /// The remediation clock the options give: a date (the end of --remediate-by's day), or days
        /// (--remediate-within, else the policy's days for the severity, with --remediation-days applied).
        func remediationClock(issued: Date, severity: Severity, knownExploited: Bool) throws -> (Date?, Int?) {
            if let remediateBy {
                guard remediateWithin == nil else {
                    throw ValidationError("give --remediate-by or --remediate-within, not both")
                }
                let day = try DateArgument.day(remediateBy, option: "--remediate-by")
                // Due at the end of the day given: the next day's midnight, UTC.
                let due = day.addingTimeInterval(86_400)
                guard due > issued else { throw ValidationError("--remediate-by must be on or after the day of issue") }
                return (due, nil)
            }
            if let remediateWithin {
                guard remediateWithin.hasSuffix("d"), let seconds = Self.duration(remediateWithin) else {
                    throw ValidationError("--remediate-within is a number of days, 30d (at most 365d)")
                }
                return (nil, Int(seconds / 86_400))
            }
            var policy = RemediationPolicy()
            if let remediationDays {
                switch policy.overriding(remediationDays) {
                case .success(let changed): policy = changed
                case .failure(let error): throw ValidationError("--remediation-days: \(error.message)")
                }
            }
            return (nil, policy.days(severity: severity, knownExploited: knownExploited))
        }

        /// `48h` or `2d` in seconds, at most a year.
        static func duration(_ text: String) -> TimeInterval? {
            guard let unit = text.last, let count = Int(text.dropLast()), count > 0 else { return nil }
            let seconds: Int
            switch unit {
            case "h": seconds = count.multipliedReportingOverflow(by: 3_600).partialValue
            case "d": seconds = count.multipliedReportingOverflow(by: 86_400).partialValue
            default: return nil
            }
            guard count <= 365 * 24, seconds <= 365 * 86_400 else { return nil }
            return TimeInterval(seconds)
        }
    }

    /// `vigil admin list-alerts`.
    struct ListAlerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list-alerts",
            abstract: "List the alerts, newest first, with how many organisations are affected, closed and overdue.",
            discussion: """
                One line per alert, tab-separated: id, issue time, severity, affected, closed, overdue (each out of \
                every organisation, the clocks read at --at), acknowledgement due, remediation due, links, title.

                Exit codes: 0 listed; 64 a bad option or value; 66 the database does not exist; 69 the database \
                cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Option(
            help: ArgumentHelp(
                "Read the clocks at this time: ISO 8601 with a zone, or a day YYYY-MM-DD (UTC); default now.",
                valueName: "time"))
        var at: String?

        func validate() throws {
            _ = try AlertStatusCommand.clock(at)
        }

        func run() async throws {
            let now = try AlertStatusCommand.clock(at)
            let rows = try await store.withStore { store in
                var rows: [(AlertRecord, [AlertStatus])] = []
                for alert in try await store.alerts() {
                    rows.append((alert, try await store.alertStatuses(alert: alert.id, at: now)))
                }
                return rows.map { Row(alert: $0.0, statuses: $0.1) }
            }
            for row in rows {
                let alert = row.alert
                let total = row.statuses.count
                let affected = row.statuses.filter { $0.applicability == .affected }.count
                let closed = row.statuses.filter { $0.state == .closed }.count
                let overdue = row.statuses.filter(\.overdue).count
                let links = (alert.rules.map(\.rawValue) + alert.advisories + alert.cves).joined(separator: " ")
                print(
                    [
                        String(alert.id), Self.iso(alert.issuedAt), alert.severity.rawValue,
                        "affected \(affected)/\(total)",
                        "closed \(closed)/\(total)", "overdue \(overdue)/\(total)", Self.iso(alert.acknowledgeBy),
                        alert.remediateBy.map { "by " + DeadlineDay.string($0) }
                            ?? "\(alert.remediationDays ?? 0)d from affected", links,
                        alert.title,
                    ].joined(separator: "\t"))
            }
        }

        struct Row: Sendable {
            var alert: AlertRecord
            var statuses: [AlertStatus]
        }

        static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
    }

    /// `vigil admin alert-status ID`.
    struct AlertStatusCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alert-status",
            abstract: "One alert's state per organisation: answer, evidence, overdue clocks, time to closure.",
            discussion: """
                Every organisation, by path: its state (open, acknowledged, not-applicable, closed), whether its \
                evidence shows it affected, the matching tickets still open, when it acknowledged, its \
                not-applicable reason, the time from issue to the evidence that closed it, and whether each clock \
                is overdue at --at. text is a table for people (tab-separated, empty cells where nothing applies); \
                csv and json carry every column, the closing submission's id too.

                Exit codes: 0 shown; 64 a bad option or value, or no alert has that id; 66 the database does not \
                exist; 69 the database cannot be used.
                """)

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The alert's id, as issue-alert and list-alerts print it.", valueName: "alert-id"))
        var alert: Int64

        @Option(help: "text, csv or json.")
        var format = "text"

        @Option(
            help: ArgumentHelp(
                "Read the clocks at this time: ISO 8601 with a zone, or a day YYYY-MM-DD (UTC); default now.",
                valueName: "time"))
        var at: String?

        func validate() throws {
            guard ["text", "csv", "json"].contains(format) else {
                throw ValidationError("--format is text, csv or json")
            }
            _ = try Self.clock(at)
        }

        func run() async throws {
            let now = try Self.clock(at)
            let alert = alert
            let statuses = try await store.withStore { try await $0.alertStatuses(alert: alert, at: now) }
            switch format {
            case "csv":
                print(AlertStatusExport.csv(statuses), terminator: "")
            case "json":
                print(String(decoding: try AlertStatusExport.json(statuses), as: UTF8.self))
            default:
                for status in statuses {
                    var clocks: [String] = []
                    if status.acknowledgementOverdue { clocks.append("acknowledgement overdue") }
                    if status.remediationOverdue { clocks.append("remediation overdue") }
                    let closure = status.timeToClosure.map { "closed in \(Self.days($0)) days" } ?? ""
                    let acknowledged = status.acknowledgedAt.map { "acknowledged \(ListAlerts.iso($0))" } ?? ""
                    // The organisation's own words: one line, with no terminal control characters.
                    let reason = status.notApplicableReason.map { "not applicable: " + $0 } ?? ""
                    print(
                        [
                            status.organisation.path, status.state.rawValue, status.applicability.rawValue,
                            "open matches \(status.openMatches)", acknowledged, reason, closure,
                            clocks.joined(separator: ", "),
                        ].map(TerminalText.name).joined(separator: "\t"))
                }
            }
        }

        /// Seconds as days with one decimal.
        static func days(_ seconds: Int64) -> String {
            String(format: "%.1f", Double(seconds) / 86_400)
        }

        /// `--at` as a date (a day is its midnight UTC), now when absent.
        static func clock(_ text: String?) throws -> Date {
            try DateArgument.time(text, option: "--at")
        }
    }
}
