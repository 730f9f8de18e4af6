import Foundation
public import VigilCore

/// Who can reach patient data: the files the scan found identifiers in (confidential resources, rolled up to shares),
/// joined with the ACL exports and the directory's nesting to give each file's effective readers, and from them the
/// headline "N of M enabled staff logins (P%) can read patient data" with the permissions that open most of it.
///
/// It judges only when all three kinds of evidence are there (directory, permissions, scan); otherwise the area is
/// "not assessed" and says which is missing. Usage (who did read) comes from access logs (``AccessUsage``): without
/// them, or for a share they never mention, use and unused access are stated as not assessed, never as unused.
public struct AccessAnalyzer: Analyzer {
    public let name = "access"
    public let rules: [RuleID] = [
        .accessWideGrant, .accessWideRole, .accessWeakPasswordReachesPatientData, .accessUnusedAccess,
    ]

    /// The share of enabled staff a single permission must open patient data to before it is a finding.
    static let wideShare = 0.25

    public init() {}

    public func analyze(_ context: AnalysisContext) -> AnalyzerOutput {
        let estate = context.estate
        if let missing = Self.missingEvidence(estate) {
            return AnalyzerOutput(coverage: [Coverage(area: .access, status: .notAssessed, basis: missing)])
        }
        let reach = context.shared.accessReach()
        let grants = reach.openingGrants()
        // A share no event in the window names (logs that stopped before it) is not assessed for use, never "unused".
        let usage =
            estate.accessEvents.isEmpty
            ? nil
            : AccessUsage(estate: estate, asOf: context.asOf, windowDays: context.settings.accessWindowDays)
        let shares = Self.shareUsage(reach, usage: usage)
        let applications = Self.applicationUsage(reach, usage: usage, resources: estate.resources)
        let proposals = Self.proposals(reach, shares: shares, grants: grants, accounts: estate.accounts)
        return AnalyzerOutput(
            findings: Self.findings(reach, grants: grants) + Self.roleFindings(reach)
                + Self.unusedFindings(reach, grants: grants, usage: usage),
            metrics: Self.metrics(reach) + Self.roleMetrics(reach)
                + Self.usageMetrics(shares, usage: usage, capacity: reach.accountCount, applications: applications)
                + Self.applicationMetrics(applications, usage: usage, capacity: reach.accountCount),
            coverage: [
                Self.coverage(
                    reach, filesMissing: Self.missingFileEvidence(estate), shares: shares, applications: applications,
                    usage: usage)
            ],
            headlines: Self.headlines(reach, grants: grants, shares: shares, applications: applications, usage: usage),
            tables: Self.tables(reach, shares: shares, usage: usage) + Self.roleTables(reach)
                + [
                    Self.proposalTable(
                        proposals, reach: reach,
                        period: usage?.period
                            ?? "in the last \(Wording.count(context.settings.accessWindowDays, "day"))"),
                    Self.changesTable(proposals, accounts: estate.accounts),
                    Self.unusedTable(shares, accounts: estate.accounts, usage: usage),
                ].compactMap { $0 })
    }

    /// What is missing for the area to be assessed, or `nil` when the directory is there with either the permissions
    /// and the scan, or clinical role exports (assignments and their role → permission map).
    static func missingEvidence(_ estate: Estate) -> String? {
        var missing: [String] = []
        if estate.accounts.isEmpty { missing.append("a directory export (LDIF) to say who is in which group") }
        if !ClinicalRoleReach.hasRoleExports(estate), let files = missingFileEvidence(estate) {
            missing.append(files)
        }
        guard !missing.isEmpty else { return nil }
        return
            "Who can read patient data needs the directory, the permissions and the scan together (or the directory and clinical role exports); missing: "
            + missing.joined(separator: "; ")
    }

    /// What the file-share half of the analysis lacks (permissions, or where patient data is), or `nil`.
    static func missingFileEvidence(_ estate: Estate) -> String? {
        var missing: [String] = []
        if estate.grants.isEmpty { missing.append("ACL exports (icacls, Get-Acl) of the shares") }
        if estate.fileScans.isEmpty && estate.patientData.isEmpty
            && !estate.resources.contains(where: {
                $0.classification == .patientConfidential && $0.kind != .application && $0.kind != .database
            })
        {
            missing.append(
                "a file-share scan (vigil scan or a scan: section in vigil.yaml) to say where patient data is")
        }
        return missing.isEmpty ? nil : missing.joined(separator: "; ")
    }

    // MARK: Stages

    static func findings(_ reach: AccessReach, grants: [AccessReach.OpeningGrant]) -> [Finding] {
        let staff = reach.staffCount
        guard staff > 0 else { return [] }
        return grants.filter { Double($0.staff) >= Double(staff) * wideShare }.map { grant in
            let most = Double(grant.staff) > Double(staff) / 2
            let subject = Subject(
                kind: .resource, id: "\(grant.path.lowercased())|\(grant.principal.lowercased())",
                name: "\(grant.principal) on \(grant.path)")
            return Finding(
                rule: .accessWideGrant, escalation: most ? "most-staff" : nil, subject: subject,
                detail:
                    "\(grant.principal) has \(title(grant.right)) on \(grant.path): this one entry lets \(Wording.count(grant.staff, "enabled staff login")) of \(Wording.number(staff)) (\(Wording.percent(grant.staff, of: staff))) read \(Wording.count(grant.files, "file")) holding patient identifiers.",
                evidence: [grant.source],
                related: [Subject(kind: .group, id: grant.principal.lowercased(), name: grant.principal)],
                facts: [
                    "staff": String(grant.staff), "staffTotal": String(staff), "files": String(grant.files),
                    "principal": grant.principal, "path": grant.path, "right": grant.right.rawValue,
                ])
        }
    }

    static func metrics(_ reach: AccessReach) -> [Metric] {
        let ranks = ["widest", "second widest", "third widest"]
        let widest = reach.openingGrants().prefix(3).enumerated().map { rank, grant in
            Metric(
                id: "access.widest-grant-\(rank + 1)",
                label:
                    "Staff the \(ranks[rank]) permission on patient data opens it to (\(grant.principal) on \(grant.path))",
                value: grant.staff, total: reach.staffCount,
                note: "enabled staff who can read at least one confidential file through this entry")
        }
        let shares = reach.shares().prefix(10).enumerated().map { rank, share in
            Metric(
                id: "access.share-\(rank + 1)", label: "Staff who can read patient data on \(share.path)",
                value: share.staff, total: reach.staffCount,
                note:
                    "enabled staff who can read at least one of the share's \(Wording.count(share.files, "confidential file"))"
            )
        }
        return widest + shares + [
            Metric(
                id: "access.staff-enabled", label: "Enabled staff logins (user accounts)", value: reach.staffCount,
                note: "enabled accounts of kind user; services, computers and built-in accounts are not staff"),
            Metric(
                id: "access.staff-reach-patient-data", label: "Enabled staff logins that can read patient data",
                value: reach.reachingStaff, total: reach.staffCount,
                note:
                    "effective read access, through nested and primary groups and well-known principals, after deny entries, to at least one file the scan found patient identifiers in"
            ),
            Metric(
                id: "access.confidential-files",
                label:
                    "Confidential resources: files with patient identifiers, and folders vigil.yaml names as patient data",
                value: reach.files.count),
            Metric(
                id: "access.confidential-files-permissions-unknown",
                label: "Confidential files no permission export covers", value: reach.uncovered,
                total: reach.files.count),
            Metric(
                id: "access.grants-unknown-principal",
                label:
                    "Permission entries (lines of the exports) reaching confidential files that name a principal the directory does not hold",
                value: reach.unknownPrincipals),
            Metric(
                id: "access.grants-inheritance-unstated",
                label: "Entries not followed down because the export does not state their inheritance",
                value: reach.heldBack),
            Metric(id: "access.group-cycles", label: "Cycles of nested groups", value: reach.cycles),
            Metric(
                id: "access.members-unresolved", label: "Group members that name no account or group of the export",
                value: reach.unresolvedMembers),
            Metric(
                id: "access.wide-grants", label: "Permissions opening patient data to a quarter or more of staff",
                value: reach.staffCount == 0
                    ? 0
                    : reach.openingGrants().filter { Double($0.staff) >= Double(reach.staffCount) * wideShare }.count,
                rules: [.accessWideGrant]),
        ]
    }

    /// A right as people say it.
    static func title(_ right: Grant.Right) -> String {
        switch right {
        case .read: "Read"
        case .write: "Write"
        case .modify: "Modify"
        case .fullControl: "Full control"
        }
    }

    static func coverage(
        _ reach: AccessReach, filesMissing: String? = nil, shares: [ShareUsage] = [], applications: [ShareUsage] = [],
        usage: AccessUsage? = nil
    ) -> Coverage {
        var basis =
            "\(Wording.count(reach.files.count, "confidential file")) from the scan joined with the permissions and \(Wording.count(reach.accountCount, "directory account")): effective read access through nested and primary groups, after deny entries"
        var status: Coverage.Status = .assessed
        if let filesMissing {
            basis = "File shares not assessed (missing: \(filesMissing))"
            status = .partial
        }
        if let roles = roleCoverage(reach) {
            basis += "; " + roles
        }
        // A role export without its other half leaves the clinical applications unassessed.
        let rolesIncomplete =
            reach.roles.assignments > 0 && (!reach.roles.assessed || reach.roles.unclassifiedPermissions > 0)
        if rolesIncomplete { status = .partial }
        if reach.uncovered > 0 {
            status = .partial
            basis +=
                "; \(Wording.number(reach.uncovered)) of them \(reach.uncovered == 1 ? "has" : "have") no permission export (provide icacls or Get-Acl of their folders)"
        }
        if reach.unknownPrincipals > 0 {
            basis +=
                "; \(Wording.count(reach.unknownPrincipals, "permission entry", plural: "permission entries")) over files holding patient data name principals the directory does not hold (other domains, deleted accounts; the consistency check counts them over every folder)"
        }
        if reach.applicationsNamed > 0, !reach.roles.assessed,
            !(reach.roles.assignments > 0 && reach.roles.unclassifiedPermissions > 0)
        {
            basis +=
                "; access to the \(Wording.count(reach.applicationsNamed, "application")) vigil.yaml names needs its role assignments and role → permission map (not assessed)"
        }
        if let usage {
            let logged = shares.filter(\.logged).count
            basis +=
                "; access logs: \(Wording.count(usage.events, "event")) spanning \(Wording.number(usage.coveredDays)) of the window's \(Wording.count(usage.windowDays, "day")), \(Wording.count(usage.unmatchedUsers, "user")) the directory does not hold"
            if !shares.isEmpty || applications.isEmpty {
                basis +=
                    "; use, unused access and the least-privilege proposal assessed for the \(Wording.count(logged, "share")) the logs cover"
                if logged < shares.count {
                    basis +=
                        " (not assessed for the other \(Wording.number(shares.count - logged)): no log event in the window names them)"
                }
            }
            if !applications.isEmpty {
                let loggedApplications = applications.filter(\.logged).count
                basis +=
                    "; use of clinical applications assessed for \(Wording.number(loggedApplications)) of the \(Wording.count(applications.count, "application")) the roles open patient data through"
                if loggedApplications < applications.count {
                    basis +=
                        " (not assessed for the other \(Wording.number(applications.count - loggedApplications)): no log event in the window names them)"
                }
            }
        } else {
            basis +=
                "; who used the access, unused access and a least-privilege proposal need access logs, which were not provided (not assessed)"
        }
        return Coverage(
            area: .access, status: reach.files.isEmpty && filesMissing == nil && !rolesIncomplete ? .assessed : status,
            basis: basis)
    }

    static func headlines(
        _ reach: AccessReach, grants: [AccessReach.OpeningGrant], shares: [ShareUsage] = [],
        applications: [ShareUsage] = [], usage: AccessUsage? = nil
    ) -> [Headline] {
        guard reach.staffCount > 0, !reach.files.isEmpty || reach.roles.assessed else { return [] }
        var text =
            "\(Wording.number(reach.reachingStaff)) of \(Wording.count(reach.staffCount, "enabled staff login")) (\(Wording.percent(reach.reachingStaff, of: reach.staffCount))) can read patient data"
        // Shares' permissions and clinical roles side by side, widest first (a permission before a role on a tie).
        let top = widest(reach, grants: grants)
        if !top.isEmpty {
            text += "; the widest permissions: " + top.map(\.text).joined(separator: ", ")
        }
        // Shares' use, unless there are only clinical roles and logs (then the applications' use says it all).
        let rolesOnly = shares.isEmpty && !applications.isEmpty && usage != nil
        if !rolesOnly { text += usageSentence(shares, usage: usage, capacity: reach.accountCount) }
        let applicationText = applicationSentence(applications, usage: usage, capacity: reach.accountCount)
        text += applicationText + "."
        let wide = (grants.map(\.staff) + reach.roles.openingRoles().map(\.staff)).filter {
            Double($0) >= Double(reach.staffCount) * wideShare
        }
        let severity: Severity? =
            wide.contains { Double($0) > Double(reach.staffCount) / 2 } ? .critical : wide.isEmpty ? nil : .high
        return [
            Headline(
                area: .access, text: text, severity: severity,
                metrics: ["access.staff-reach-patient-data", "access.staff-enabled"] + top.map(\.metric)
                    + (usage == nil || rolesOnly ? [] : ["access.staff-used-patient-data", "access.shares-logged"])
                    // The days the logs span, when the sentence states them (fewer than the window's).
                    + (usage.map { $0.coveredDays < $0.windowDays && text.contains($0.period) } == true
                        ? ["access.log-window-days-covered"] : [])
                    + (applicationText.isEmpty
                        ? [] : ["access.staff-used-patient-data-roles", "access.applications-logged"]))
        ]
    }

    static func tables(_ reach: AccessReach, shares: [ShareUsage], usage: AccessUsage?) -> [SummaryTable] {
        guard !shares.isEmpty else { return [] }
        return [
            SummaryTable(
                id: "access.shares", area: .access, title: "Who can read patient data, by share",
                columns: ["Share", "Files with patient identifiers", "Staff who can read them", "Staff who used them"],
                rows: shares.map {
                    [$0.path, Wording.number($0.files), Wording.number($0.readers.count), used($0, usage: usage)]
                },
                note:
                    "Staff: enabled user accounts that can read at least one of the share's files with patient identifiers. "
                    + (usage.map {
                        "Used: of them, those with a successful access to the share \($0.period)."
                    } ?? "Use needs access logs.")
            )
        ]
    }

    /// The "used them" cell of a share: a count and share of its readers, or why it is not assessed.
    static func used(_ share: ShareUsage, usage: AccessUsage?) -> String {
        guard usage != nil else { return "not assessed (no access logs)" }
        guard share.logged else { return "not assessed (no log event in the window names it)" }
        return "\(Wording.number(share.used.count)) (\(Wording.percent(share.used.count, of: share.readers.count)))"
    }
}
