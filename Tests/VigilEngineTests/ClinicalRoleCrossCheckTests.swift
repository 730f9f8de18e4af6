import Foundation
import Testing
import VigilAnalyzers
import VigilCore

@testable import VigilEngine

@Suite("Cross checks: clinical role assignments the directory or the maps cannot match are counted, never quoted")
struct ClinicalRoleCrossCheckTests {
    @Test("unknown users and unknown roles each give one diagnostic at the first; a half export says what is missing")
    func unmatched() {
        let accounts = [Account(name: "ann", domain: "T", source: .init(file: "d.ldif", line: 5))]
        let assignments = [
            RoleAssignment(user: "T\\ann", role: "Clerk", source: .init(file: "roles.csv", line: 2)),
            RoleAssignment(user: "secret.person", role: "Clerk", source: .init(file: "roles.csv", line: 3)),
            RoleAssignment(user: "ann", role: "Hidden Role", source: .init(file: "roles.csv", line: 4)),
            RoleAssignment(user: "other.person", role: "Hidden Role", source: .init(file: "roles.csv", line: 5)),
        ]
        let map = [
            RolePermission(
                role: "clerk", permission: "Read patient record", sensitivity: .patientConfidential,
                source: .init(file: "map.csv", line: 2))
        ]
        let estate = Estate(
            organisation: .unnamed, accounts: accounts, roleAssignments: assignments, rolePermissions: map)
        let diagnostics = CrossChecks.clinicalRoles(context(estate))
        #expect(diagnostics.map(\.code) == ["cross.role-user-unknown", "cross.role-unknown"])
        #expect(diagnostics[0].location == EvidenceReference(file: "roles.csv", line: 3))
        #expect(diagnostics[0].message.hasPrefix("2 role assignments"))
        #expect(diagnostics[1].location == EvidenceReference(file: "roles.csv", line: 4))
        #expect(diagnostics[1].message.hasPrefix("2 role assignments"))
        for content in ["secret.person", "other.person", "Hidden Role"] {
            #expect(diagnostics.allSatisfy { !$0.message.contains(content) })
        }
        let half = Estate(organisation: .unnamed, accounts: accounts, roleAssignments: assignments)
        #expect(CrossChecks.clinicalRoles(context(half)).map(\.code).first == "cross.roles-without-map")
        #expect(CrossChecks.clinicalRoles(context(Estate(organisation: .unnamed, accounts: accounts))).isEmpty)
    }
}

/// A context for `estate` (the cross-checks read no date).
private func context(_ estate: Estate) -> AnalysisContext {
    AnalysisContext(estate: estate, asOf: Date(timeIntervalSince1970: 0))
}
