public import VigilCore

/// The access analysis' clinical-application stages: findings for roles that open patient data to a large part of
/// staff, their metrics, the table by role, what coverage says of them, and the widest openings (share permissions and
/// roles together) the headline names.
extension AccessAnalyzer {
    /// One opening the headline names: a share's permission or a clinical role, with the metric that states its staff.
    struct Opening {
        var text: String
        var staff: Int
        var metric: String
    }

    /// The three widest openings of patient data, permissions on shares and clinical roles together, most staff first
    /// (a permission before a role when they open it to as many).
    static func widest(_ reach: AccessReach, grants: [AccessReach.OpeningGrant]) -> [Opening] {
        let permissions = grants.prefix(3).enumerated().map { rank, grant in
            Opening(
                text:
                    "\(grant.principal): \(title(grant.right)) on \(grant.path) → \(Wording.count(grant.staff, "staff", plural: "staff"))",
                staff: grant.staff, metric: "access.widest-grant-\(rank + 1)")
        }
        let roles = reach.roles.openingRoles().prefix(3).enumerated().map { rank, role in
            Opening(
                text:
                    "Role \(role.label): \(permissionList(role.permissions)) → \(Wording.count(role.staff, "staff", plural: "staff"))",
                staff: role.staff, metric: "access.widest-role-\(rank + 1)")
        }
        return Array(
            (permissions + roles).enumerated().sorted { ($1.element.staff, $0.offset) < ($0.element.staff, $1.offset) }
                .map(\.element).prefix(3))
    }

    /// Up to two permissions by name, and how many more.
    static func permissionList(_ permissions: [String]) -> String {
        let shown = permissions.prefix(2).joined(separator: ", ")
        return permissions.count > 2 ? "\(shown) and \(permissions.count - 2) more" : shown
    }

    /// A finding per role (at one scope) held now by a quarter or more of enabled staff and granting a patient-data
    /// permission; critical when more than half hold it.
    static func roleFindings(_ reach: AccessReach) -> [Finding] {
        let staff = reach.staffCount
        guard staff > 0 else { return [] }
        return reach.roles.openingRoles().filter { Double($0.staff) >= Double(staff) * wideShare }.map { role in
            let application = role.application ?? "the clinical system"
            let subject = Subject(
                kind: .resource, id: ClinicalRoleReach.subjectID(role), name: "Role \(role.label) in \(application)")
            return Finding(
                rule: .accessWideRole, escalation: Double(role.staff) > Double(staff) / 2 ? "most-staff" : nil,
                subject: subject,
                detail:
                    "Role \(role.label) in \(application) grants \(permissionList(role.permissions)) and is held now by \(Wording.count(role.staff, "enabled staff login")) of \(Wording.number(staff)) (\(Wording.percent(role.staff, of: staff))).",
                evidence: [role.source],
                facts: [
                    "staff": String(role.staff), "staffTotal": String(staff), "role": role.role,
                    "scope": role.scope ?? "all sites", "application": application,
                    "permissions": role.permissions.joined(separator: "; "),
                ])
        }
    }

    /// The widest roles, the staff who reach patient data through roles, and what the join could not match.
    static func roleMetrics(_ reach: AccessReach) -> [Metric] {
        let roles = reach.roles
        guard roles.assignments > 0 else { return [] }
        let widest = roles.openingRoles().prefix(3).enumerated().map { rank, role in
            Metric(
                id: "access.widest-role-\(rank + 1)",
                label: "Widest clinical role \(rank + 1) on patient data (\(role.label)): staff who hold it",
                value: role.staff, total: reach.staffCount,
                note: "enabled staff with an active assignment of this role at this scope")
        }
        return widest + [
            Metric(
                id: "access.staff-reach-patient-data-roles",
                label: "Enabled staff logins that can read patient data through clinical roles",
                value: roles.reaching.count, total: reach.staffCount,
                note:
                    "an assignment active on the assessment day of a role granting a permission whose sensitivity is patient data (or blank, in an application vigil.yaml classifies as patient data)"
            ),
            Metric(
                id: "access.role-assignments", label: "Clinical role assignments read", value: roles.assignments,
                note: "rows of the role-assignment exports"),
            Metric(
                id: "access.role-assignments-active", label: "Clinical role assignments active on the assessment day",
                value: roles.active, total: roles.assignments),
            Metric(
                id: "access.role-assignments-user-unknown",
                label: "Clinical role assignments whose user the directory does not hold", value: roles.unknownUsers,
                total: roles.assignments, note: "not counted in who can read patient data"),
            Metric(
                id: "access.role-assignments-role-unknown",
                label: "Clinical role assignments whose role no role → permission map lists",
                value: roles.unknownRoles, total: roles.assignments,
                note: "what the role allows is not known, so it is not counted"),
            Metric(
                id: "access.wide-roles", label: "Clinical roles opening patient data to a quarter or more of staff",
                value: reach.staffCount == 0
                    ? 0
                    : roles.openingRoles().filter { Double($0.staff) >= Double(reach.staffCount) * wideShare }.count,
                rules: [.accessWideRole]),
        ]
    }

    /// Who can read patient records, by clinical role.
    static func roleTables(_ reach: AccessReach) -> [SummaryTable] {
        let roles = reach.roles.openingRoles()
        guard !roles.isEmpty else { return [] }
        return [
            SummaryTable(
                id: "access.roles", area: .access, title: "Who can read patient records, by clinical role",
                columns: ["Role", "Scope", "Application", "Patient-data permissions", "Staff who hold it now"],
                rows: roles.prefix(250).map {
                    [
                        $0.role, $0.scope ?? "all sites", $0.application ?? "", permissionList($0.permissions),
                        Wording.number($0.staff),
                    ]
                },
                note:
                    "Staff: enabled user accounts with an assignment of the role active on the assessment day (start and end dates included)."
            )
        ]
    }

    /// What coverage says about clinical roles, or `nil` when none were read.
    static func roleCoverage(_ reach: AccessReach) -> String? {
        let roles = reach.roles
        guard roles.assignments > 0 else { return nil }
        guard roles.assessed else {
            guard roles.unclassifiedPermissions == 0 else {
                return
                    "\(Wording.count(roles.assignments, "clinical role assignment")) read, but no permission of the role → permission maps is known to open patient data: \(Wording.count(roles.unclassifiedPermissions, "permission")) have no sensitivity and vigil.yaml classifies none of their applications (not assessed: fill the map's sensitivity column, or name the application in vigil.yaml's resources: as patient-confidential)"
            }
            return
                "\(Wording.count(roles.assignments, "clinical role assignment")) read, but no role → permission map says what the roles allow (not assessed)"
        }
        var text =
            "\(Wording.count(roles.assignments, "clinical role assignment")) (\(Wording.number(roles.active)) active) joined with the role → permission maps: \(Wording.count(roles.patientPermissions, "permission")) open patient data"
        if roles.unknownUsers > 0 {
            text += "; \(Wording.number(roles.unknownUsers)) name users the directory does not hold (not counted)"
        }
        if roles.unknownRoles > 0 {
            text += "; \(Wording.number(roles.unknownRoles)) name roles no map lists (not counted)"
        }
        if roles.unclassifiedPermissions > 0 {
            text +=
                "; \(Wording.count(roles.unclassifiedPermissions, "permission")) with no sensitivity, in applications vigil.yaml does not classify, not counted (a floor)"
        }
        return text
    }
}

extension ClinicalRoleReach {
    /// Whether the estate holds both halves of a clinical-role export: assignments and a role → permission map.
    static func hasRoleExports(_ estate: Estate) -> Bool {
        !estate.roleAssignments.isEmpty && !estate.rolePermissions.isEmpty
    }

    /// The subject keys of every role, at every scope, the role exports list (none without a role → permission map):
    /// what a later assessment can say a wide-role finding is fixed for.
    public static func coveredSubjectIDs(_ estate: Estate) -> [String] {
        guard hasRoleExports(estate) else { return [] }
        // Each spelling once: exports repeat a few roles and scopes over every row.
        let spellings = Set(
            estate.roleAssignments.map { RoleSpelling(role: $0.role, application: $0.application, scope: $0.scope) })
        return Set(
            spellings.map { "role:\(key($0.application ?? ""))|\(key($0.role))|\(key($0.scope ?? ""))" }
        ).sorted()
    }

    /// The finding subject's key for a role at a scope: `role:application|role|scope`, lower case.
    public static func subjectID(_ role: OpeningRole) -> String {
        "role:\(key(role.application ?? ""))|\(key(role.role))|\(key(role.scope ?? ""))"
    }
}
