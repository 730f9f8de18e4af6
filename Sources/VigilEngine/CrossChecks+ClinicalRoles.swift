import Foundation
import VigilAnalyzers
import VigilCore

extension CrossChecks {
    /// What the clinical-role join could not match, each summarised in one diagnostic pointing at the first instance:
    /// assignments naming users the directory does not hold, assignments naming roles no role → permission map lists,
    /// and a role export without its other half. Users and roles are never quoted.
    static func clinicalRoles(_ context: AnalysisContext) -> [Diagnostic] {
        let estate = context.estate
        guard !estate.roleAssignments.isEmpty || !estate.rolePermissions.isEmpty else { return [] }
        var diagnostics: [Diagnostic] = []
        if estate.rolePermissions.isEmpty, let first = estate.roleAssignments.map(\.source).min() {
            diagnostics.append(
                Diagnostic(
                    level: .warning, code: "cross.roles-without-map", location: first,
                    message:
                        "role assignments were read but no role → permission map (role, permission, sensitivity) says what the roles allow; access through clinical roles is not assessed"
                ))
        }
        if estate.roleAssignments.isEmpty, let first = estate.rolePermissions.map(\.source).min() {
            diagnostics.append(
                Diagnostic(
                    level: .warning, code: "cross.map-without-roles", location: first,
                    message:
                        "a role → permission map was read but no role assignments (user, role, scope, start, end) say who holds the roles; access through clinical roles is not assessed"
                ))
        }
        if !estate.accounts.isEmpty {
            let users = ClinicalRoleReach.assignmentsWithUnknownUsers(context)
            if let first = users.min() {
                diagnostics.append(
                    Diagnostic(
                        level: .warning, code: "cross.role-user-unknown", location: first,
                        message:
                            "\(Wording.count(users.count, "role assignment")) name users the directory export does not hold (first here); they are left out of who can read patient data"
                    ))
            }
        }
        if !estate.rolePermissions.isEmpty {
            let roles = ClinicalRoleReach.assignmentsWithUnknownRoles(estate)
            if let first = roles.min() {
                diagnostics.append(
                    Diagnostic(
                        level: .warning, code: "cross.role-unknown", location: first,
                        message:
                            "\(Wording.count(roles.count, "role assignment")) name roles no role → permission map lists (first here); what they allow is not known, so they are left out of who can read patient data"
                    ))
            }
        }
        return diagnostics
    }
}
