import Foundation
import VigilCore

/// Who of those who can read patient data used it (issue 15, items 5 and 6): per share, the staff who can read its
/// confidential files against those of them the access logs show using it in the window; per permission and per
/// account, access granted and never used. Without logs, or for a share the logs never mention, all of this is "not
/// assessed", never "unused".
extension AccessAnalyzer {
    /// One share's readers and their use.
    struct ShareUsage {
        /// The share's path.
        var path: String
        /// Confidential files in it.
        var files: Int
        /// Enabled staff who can read at least one of them.
        var readers: AccessBitset
        /// Whether the logs hold any event on the share (anyone, any outcome, any time).
        var logged: Bool
        /// Readers who used it successfully in the window.
        var used: AccessBitset
    }

    /// Every share with confidential files, most readers first (the order of ``AccessReach/shares()``), with its use.
    static func shareUsage(_ reach: AccessReach, usage: AccessUsage?) -> [ShareUsage] {
        var byShare: [String: (files: Int, readers: AccessBitset)] = [:]
        for file in reach.files {
            var entry = byShare[file.share] ?? (0, AccessBitset(capacity: reach.accountCount))
            entry.files += 1
            if var readers = file.readers {
                readers.formIntersection(reach.staff)
                entry.readers.formUnion(readers)
            }
            byShare[file.share] = entry
        }
        return byShare.map { path, entry -> ShareUsage in
            var used = AccessBitset(capacity: reach.accountCount)
            var logged = false
            if let usage {
                let found = usage.usage(under: path)
                logged = found.logged
                used = found.users
                used.formIntersection(entry.readers)
            }
            return ShareUsage(path: path, files: entry.files, readers: entry.readers, logged: logged, used: used)
        }
        .sorted { ($1.readers.count, $0.path) < ($0.readers.count, $1.path) }
    }

    /// Each clinical application the opening roles name, as a ``ShareUsage`` whose readers are the staff who can read
    /// patient data through it and whose use is the logs' events on that application (a FHIR AuditEvent's
    /// `source.observer`, a CSV log's resource column) in the window. Most staff first.
    static func applicationUsage(_ reach: AccessReach, usage: AccessUsage?, resources: [Resource]) -> [ShareUsage] {
        reach.roles.staffByApplication.map { application in
            var used = AccessBitset(capacity: reach.accountCount)
            var logged = false
            if let usage {
                let found = usage.usage(ofApplication: applicationNames(application.name, resources: resources))
                logged = found.logged
                used = found.users
                used.formIntersection(application.staff)
            }
            return ShareUsage(
                path: application.name, files: 0, readers: application.staff, logged: logged, used: used)
        }
    }

    /// The names the logs may give an application: as the role exports write it, and the id and name of the
    /// application `vigil.yaml` lists under either (a FHIR server's `source.observer` is often a system id, `epr-prod`,
    /// where the role export says `EPR`).
    static func applicationNames(_ name: String, resources: [Resource]) -> [String] {
        let key = ClinicalRoleReach.key(name)
        return [name]
            + resources.filter {
                ($0.kind == .application || $0.kind == .database)
                    && (ClinicalRoleReach.key($0.id) == key || ClinicalRoleReach.key($0.name) == key)
            }.flatMap { [$0.id, $0.name] }
    }

    /// "Through clinical roles, … used it" for the headline: the staff who can read patient data through the
    /// applications the logs cover, and those of them who used those applications in the window. Empty without
    /// applications or without logs (the shares' sentence says there are none).
    static func applicationSentence(_ applications: [ShareUsage], usage: AccessUsage?, capacity: Int) -> String {
        guard let usage, !applications.isEmpty else { return "" }
        let totals = loggedTotals(applications, capacity: capacity)
        guard totals.shares > 0 else {
            return "; use of \(names(applications)) is not assessed (the access logs hold no event on it)"
        }
        let logged = applications.filter(\.logged)
        let covering =
            logged.count == applications.count
            ? ""
            : " (the logs cover \(Wording.number(logged.count)) of the \(Wording.count(applications.count, "application")))"
        return
            "; through clinical roles, \(Wording.number(totals.used)) of the \(Wording.count(totals.readers, "staff", plural: "staff")) (\(Wording.percent(totals.used, of: totals.readers))) used \(names(logged)) \(usage.period)\(covering)"
    }

    /// Up to two applications by name, and how many more.
    private static func names(_ applications: [ShareUsage]) -> String {
        let shown = applications.prefix(2).map(\.path).joined(separator: " and ")
        return applications.count > 2 ? "\(shown) and \(applications.count - 2) more" : shown
    }

    /// The metrics of the applications' use: over every application the logs cover, and per application (first ten).
    static func applicationMetrics(_ applications: [ShareUsage], usage: AccessUsage?, capacity: Int) -> [Metric] {
        guard let usage, !applications.isEmpty else { return [] }
        let totals = loggedTotals(applications, capacity: capacity)
        var metrics = [
            Metric(
                id: "access.staff-used-patient-data-roles",
                label:
                    "Staff who can read patient data through clinical roles and used the application in the access window",
                value: totals.used, total: totals.readers,
                note:
                    "enabled staff with a successful access \(usage.period) to a clinical application in which they hold a role granting a patient-data permission, of those who hold such roles in the applications the logs cover"
            ),
            Metric(
                id: "access.applications-logged",
                label: "Clinical applications opening patient data the access logs cover",
                value: totals.shares, total: applications.count,
                note:
                    "applications with at least one log event (FHIR source.observer, a CSV log's resource); use of the others is not assessed"
            ),
        ]
        for (rank, application) in applications.prefix(10).enumerated() where application.logged {
            metrics.append(
                Metric(
                    id: "access.application-\(rank + 1)-used",
                    label:
                        "Staff who used \(application.path) in the access window, of those who can read patient data through it",
                    value: application.used.count, total: application.readers.count,
                    note:
                        "of the enabled staff with an active role in the application granting a patient-data permission"
                ))
        }
        return metrics
    }

    /// Readers and users over the shares the logs cover.
    static func loggedTotals(_ shares: [ShareUsage], capacity: Int) -> (shares: Int, readers: Int, used: Int) {
        var readers = AccessBitset(capacity: capacity)
        var used = AccessBitset(capacity: capacity)
        var count = 0
        for share in shares where share.logged {
            count += 1
            readers.formUnion(share.readers)
            used.formUnion(share.used)
        }
        return (count, readers.count, used.count)
    }

    /// "Used it in the window" for the headline: the share of readers who used what they can read.
    static func usageSentence(_ shares: [ShareUsage], usage: AccessUsage?, capacity: Int) -> String {
        guard let usage else { return "; who used it is not assessed (no access logs)" }
        let totals = loggedTotals(shares, capacity: capacity)
        guard totals.shares > 0 else {
            return "; who used it is not assessed (the access logs hold no event on these shares)"
        }
        let covering =
            totals.shares == shares.count
            ? "" : " (the logs cover \(Wording.number(totals.shares)) of the \(Wording.count(shares.count, "share")))"
        return
            "; \(Wording.number(totals.used)) of the \(Wording.count(totals.readers, "reader")) (\(Wording.percent(totals.used, of: totals.readers))) used it \(usage.period)\(covering)"
    }

    /// The usage metrics: overall, per share (for the chart), and the logs' matching.
    static func usageMetrics(
        _ shares: [ShareUsage], usage: AccessUsage?, capacity: Int, applications: [ShareUsage] = []
    ) -> [Metric] {
        guard let usage else { return [] }
        // Only clinical roles: the applications' metrics say who used what; none about shares there are not.
        if shares.isEmpty, !applications.isEmpty { return logMetrics(usage) }
        let totals = loggedTotals(shares, capacity: capacity)
        var metrics =
            [
                Metric(
                    id: "access.staff-used-patient-data",
                    label: "Staff who can read patient data and used it in the access window",
                    value: totals.used, total: totals.readers,
                    note:
                        "enabled staff with a successful access \(usage.period) to a share whose confidential files they can read, of those who can read the shares the logs cover"
                ),
                Metric(
                    id: "access.shares-logged", label: "Shares with patient data the access logs cover",
                    value: totals.shares, total: shares.count,
                    note: "shares with at least one log event; use of the others is not assessed"),
            ] + logMetrics(usage) + [
                Metric(
                    id: "access.staff-unused-patient-data",
                    label: "Staff who can read patient data on shares the logs cover and used none of it",
                    value: unusedAccounts(shares, capacity: capacity).count, total: totals.readers,
                    note: "enabled staff with no successful access in the window to any logged share they can read")
            ]
        // Per share, beside `access.share-N` (same order, same first ten), for the chart.
        for (rank, share) in shares.prefix(10).enumerated() where share.logged {
            metrics.append(
                Metric(
                    id: "access.share-\(rank + 1)-used",
                    label: "Staff who used patient data on \(share.path) in the access window",
                    value: share.used.count, total: share.readers.count,
                    note: "of the staff who can read the share's confidential files"))
        }
        return metrics
    }

    /// What the logs held and how well they matched the directory.
    static func logMetrics(_ usage: AccessUsage) -> [Metric] {
        [
            Metric(
                id: "access.log-events", label: "Access log events kept (repeated rows folded)", value: usage.events),
            Metric(
                id: "access.log-users-unmatched", label: "Users in the access logs that no directory account matches",
                value: usage.unmatchedUsers,
                note: "matched by SID, user principal name, DOMAIN\\name or a sAMAccountName only one account has"),
            Metric(
                id: "access.log-window-days-covered", label: "Days of the access window the logs span",
                value: usage.coveredDays, total: usage.windowDays),
        ]
    }

    /// Accounts that can read confidential files on logged shares and used none of those shares in the window.
    static func unusedAccounts(_ shares: [ShareUsage], capacity: Int) -> AccessBitset {
        var readers = AccessBitset(capacity: capacity)
        var used = AccessBitset(capacity: capacity)
        for share in shares where share.logged {
            readers.formUnion(share.readers)
            used.formUnion(share.used)
        }
        readers.subtract(used)
        return readers
    }

    /// One finding per permission whose staff include some who did not use what it opens in the window (only where the
    /// logs cover the permission's path).
    static func unusedFindings(
        _ reach: AccessReach, grants: [AccessReach.OpeningGrant], usage: AccessUsage?
    ) -> [Finding] {
        guard let usage, reach.staffCount > 0 else { return [] }
        return grants.compactMap { grant -> Finding? in
            let found = usage.usage(under: grant.path)
            guard found.logged else { return nil }
            var unused = grant.staffSet
            unused.subtract(found.users)
            let unusedCount = unused.count
            guard unusedCount > 0 else { return nil }
            let usedCount = grant.staff - unusedCount
            let many = Double(unusedCount) >= Double(reach.staffCount) * wideShare
            // `usage:` keeps the subject apart from the permission's own: it is covered only by logs that name the
            // path (CoveredSubjects+Context), so an assessment without logs leaves it unverified, never fixed.
            let subject = Subject(
                kind: .resource, id: "usage:\(grant.path.lowercased())|\(grant.principal.lowercased())",
                name: "\(grant.principal) on \(grant.path)")
            return Finding(
                rule: .accessUnusedAccess, escalation: many ? "many-staff" : nil, subject: subject,
                detail:
                    "\(grant.principal) has \(title(grant.right)) on \(grant.path): of the \(Wording.count(grant.staff, "enabled staff login")) it lets read patient data, \(Wording.number(unusedCount)) did not use it in the last \(Wording.count(usage.windowDays, "day")) (\(Wording.number(usedCount)) did; the logs span \(Wording.number(usage.coveredDays)) of those days).",
                evidence: [grant.source],
                related: [Subject(kind: .group, id: grant.principal.lowercased(), name: grant.principal)],
                facts: [
                    "staff": String(grant.staff), "staffUnused": String(unusedCount), "staffUsed": String(usedCount),
                    "windowDays": String(usage.windowDays), "coveredDays": String(usage.coveredDays),
                    "principal": grant.principal, "path": grant.path, "right": grant.right.rawValue,
                ])
        }
    }

    /// Per account, the logged shares it can read and did not use: the list a directory team reviews
    /// (`unused-access.csv`; not drawn in the HTML report, where it would run to thousands of rows).
    static func unusedTable(_ shares: [ShareUsage], accounts: [Account], usage: AccessUsage?) -> SummaryTable? {
        guard let usage else { return nil }
        let logged = shares.filter(\.logged)
        guard !logged.isEmpty else { return nil }
        var unusedByAccount: [Int: [String]] = [:]
        var usedByAccount: [Int: Int] = [:]
        for share in logged.sorted(by: { $0.path < $1.path }) {
            var unused = share.readers
            unused.subtract(share.used)
            for account in unused.members { unusedByAccount[account, default: []].append(share.path) }
            for account in share.used.members { usedByAccount[account, default: 0] += 1 }
        }
        let rows = unusedByAccount.keys.sorted { accounts[$0].qualifiedName < accounts[$1].qualifiedName }.map {
            index in
            [
                accounts[index].qualifiedName, Wording.number(usedByAccount[index] ?? 0),
                unusedByAccount[index]?.joined(separator: "; ") ?? "",
            ]
        }
        return SummaryTable(
            id: unusedTableID, area: .access, title: "Access to patient data granted and not used, by account",
            columns: ["Account", "Shares used in the window", "Shares readable but not used in the window"],
            rows: rows,
            note:
                "Enabled staff who can read confidential files on a share the access logs cover and made no successful access to it \(usage.period). Shares the logs never mention are not listed: their use is not assessed."
        )
    }

    /// The id of the per-account unused-access table (written as `unused-access.csv`).
    public static let unusedTableID = "access.unused-by-account"
}
