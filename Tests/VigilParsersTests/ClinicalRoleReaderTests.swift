import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilParsers

/// One date cell and the day it must give (`nil` for open-ended), or a rejection.
struct RoleDateCase: Sendable, CustomTestStringConvertible {
    let text: String?
    let expected: Result<String?, ClinicalRoleDateProblem>

    var testDescription: String { text ?? "blank" }
}

@Suite("Clinical role readers: role assignments and role → permission maps (CSV)")
struct ClinicalRoleReaderTests {
    static func read(_ reader: some EvidenceReader, _ fixture: String) throws -> EvidenceFragment {
        try reader.read(path: Fixtures.url("clinical-roles/\(fixture)").path, file: fixture, progress: nil)
    }

    @Test(
        "each fixture is recognised as its own format by the sniffer",
        arguments: [
            ("role-assignments.csv", "role-assignments-csv"), ("role-permissions.csv", "role-permissions-csv"),
            ("cis-positions.csv", "role-assignments-csv"), ("cis-role-activities.csv", "role-permissions-csv"),
        ])
    func recognised(fixture: String, format: String) throws {
        let verdict = try FormatSniffer().examine(path: Fixtures.url("clinical-roles/\(fixture)").path)
        guard case .recognised(let reader) = verdict else {
            Issue.record("\(fixture) was not recognised")
            return
        }
        #expect(reader.format.id == format)
    }

    @Test("role assignments: every good row read with its dates and scope, every bad one rejected with its line")
    func assignments() throws {
        let fragment = try Self.read(RoleAssignmentReader(), "role-assignments.csv")
        // Worked out by hand from the fixture (docs in SOURCES.md): lines 2–9, 14–16 are good; 10–13 are not.
        #expect(fragment.log.recordsRead == 11)
        #expect(fragment.log.recordsRejected == 4)
        #expect(
            fragment.log.diagnostics.map { "\($0.location.line ?? 0) \($0.code)" } == [
                "10 roles.bad-date", "11 roles.missing-user", "12 roles.missing-role", "13 roles.end-before-start",
            ])
        // Diagnostics give the position and what was expected, never a user, role or date from the file.
        for diagnostic in fragment.log.diagnostics {
            for content in ["ben.cole", "amy.hall", "fay.gold", "Ward Clerk", "31/02/2024", "2026-12-01"] {
                #expect(!diagnostic.message.contains(content))
            }
        }
        let rows = fragment.roleAssignments
        #expect(rows.map(\.source.line) == [2, 3, 4, 5, 6, 7, 8, 9, 14, 15, 16])
        #expect(rows[0].user == "RIVERSIDE\\amy.hall" && rows[0].scope == nil && rows[0].application == "EPR")
        #expect(rows[0].start == CivilDate.date(year: 2024, month: 1, day: 15) && rows[0].end == nil)
        // `*` and `All` mean everywhere; `none` means no end; UK dates are day first.
        #expect(rows[1].scope == nil && rows[1].end == nil)
        #expect(rows[1].start == CivilDate.date(year: 2023, month: 3, day: 15))
        #expect(rows[2].start == CivilDate.date(year: 2025, month: 6, day: 1))
        #expect(rows[2].end == CivilDate.date(year: 2027, month: 5, day: 31) && rows[2].scope == "Ward 7")
        #expect(rows[3].start == CivilDate.date(year: 2022, month: 1, day: 1))
        // A quoted scope keeps its comma.
        #expect(rows[8].scope == "Site A, Outpatients" && rows[8].role == "Medical Secretary")
        #expect(rows[8].start == CivilDate.date(year: 2021, month: 2, day: 1))
    }

    @Test("an assignment is active from its start day through the whole of its end day")
    func activeDays() {
        let role = RoleAssignment(
            user: "u", role: "r", start: CivilDate.date(year: 2026, month: 3, day: 1),
            end: CivilDate.date(year: 2026, month: 3, day: 31), source: .init(file: "r.csv", line: 2))
        #expect(!role.isActive(at: CivilDate.date(year: 2026, month: 2, day: 28)))
        #expect(role.isActive(at: CivilDate.date(year: 2026, month: 3, day: 1)))
        #expect(role.isActive(at: CivilDate.date(year: 2026, month: 3, day: 31).addingTimeInterval(86_399)))
        #expect(!role.isActive(at: CivilDate.date(year: 2026, month: 4, day: 1)))
        #expect(RoleAssignment(user: "u", role: "r", source: role.source).isActive(at: .distantFuture))
    }

    @Test("role → permission map: sensitivities read, blank kept blank, bad rows rejected with their line")
    func permissions() throws {
        let fragment = try Self.read(RolePermissionReader(), "role-permissions.csv")
        #expect(fragment.log.recordsRead == 8)
        #expect(
            fragment.log.diagnostics.map { "\($0.location.line ?? 0) \($0.code)" } == [
                "10 rolemap.missing-role", "11 rolemap.missing-permission", "12 rolemap.bad-sensitivity",
            ])
        #expect(fragment.log.diagnostics.allSatisfy { !$0.message.contains("top secret") })
        let sensitivities = fragment.rolePermissions.map { $0.sensitivity?.rawValue ?? "blank" }
        #expect(
            sensitivities == [
                "patient-confidential", "internal", "patient-confidential", "patient-confidential", "blank",
                "internal", "patient-confidential", "unclassified",
            ])
        #expect(fragment.rolePermissions.allSatisfy { $0.application == "EPR" })
    }

    @Test("Care Identity Service exports map onto the two formats by their column names")
    func careIdentityService() throws {
        let positions = try Self.read(RoleAssignmentReader(), "cis-positions.csv")
        #expect(positions.log.recordsRead == 3 && positions.log.recordsRejected == 0)
        #expect(positions.roleAssignments.map(\.role)[1] == "Clinical Practitioner - Trust wide")
        #expect(positions.roleAssignments.map(\.scope) == ["RXX01", "RXX", "RXX02"])
        #expect(positions.roleAssignments[0].start == CivilDate.date(year: 2024, month: 4, day: 1))
        #expect(positions.roleAssignments[2].end == CivilDate.date(year: 2026, month: 5, day: 4))
        let activities = try Self.read(RolePermissionReader(), "cis-role-activities.csv")
        #expect(activities.log.recordsRead == 3)
        // The position is the role and the activity's name (the first permission column) the permission.
        #expect(activities.rolePermissions.map(\.role)[0] == "Admin and Clerical - Outpatients")
        #expect(
            activities.rolePermissions.map(\.permission) == [
                "View Patient Demographics", "View Patient Demographics", "Amend Patient Demographics",
            ])
    }

    static let dates: [RoleDateCase] = [
        .init(text: nil, expected: .success(nil)), .init(text: "none", expected: .success(nil)),
        .init(text: "NULL", expected: .success(nil)), .init(text: "2024-03-01", expected: .success("2024-03-01")),
        .init(text: "2024-03-01T23:59:59+01:00", expected: .success("2024-03-01")),
        .init(text: "2024-03-01 09:00", expected: .success("2024-03-01")),
        .init(text: "01/03/2024", expected: .success("2024-03-01")),
        .init(text: "1/3/2024", expected: .success("2024-03-01")),
        .init(text: "29.02.2024", expected: .success("2024-02-29")),
        .init(text: "20240301", expected: .success("2024-03-01")),
        .init(text: "29/02/2023", expected: .failure(ClinicalRoleDateProblem())),
        .init(text: "03/13/2024", expected: .failure(ClinicalRoleDateProblem())),
        .init(text: "2024-3-1", expected: .failure(ClinicalRoleDateProblem())),
        .init(text: "yesterday", expected: .failure(ClinicalRoleDateProblem())),
        .init(text: "-1/03/2024", expected: .failure(ClinicalRoleDateProblem())),
        .init(text: "99999999999999999999", expected: .failure(ClinicalRoleDateProblem())),
    ]

    @Test("dates in the documented shapes give their day; anything else is a problem", arguments: dates)
    func day(_ sample: RoleDateCase) {
        let result = ClinicalRoleCSV.day(sample.text).map { $0.map(CivilDate.string) }
        switch (result, sample.expected) {
        case (.success(let day), .success(let expected)): #expect(day == expected)
        case (.failure, .failure): break
        default: Issue.record("\(sample.testDescription) gave \(result)")
        }
    }

    @Test("a file with no recognisable header gives one positioned diagnostic and no rows")
    func noHeader() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write("roles.csv", "name,colour\nann,red\nbob,blue\n")
        let fragment = try RoleAssignmentReader().read(path: url.path, file: "roles.csv", progress: nil)
        #expect(fragment.roleAssignments.isEmpty)
        #expect(fragment.log.diagnostics.map(\.code) == ["roles.no-header"])
        #expect(fragment.log.diagnostics.first?.location.line == 1)
        let open = try scratch.write("open.csv", "user,role,scope\nann,\"Clerk,Ward 7\n")
        let unterminated = try RoleAssignmentReader().read(path: open.path, file: "open.csv", progress: nil)
        #expect(unterminated.log.diagnostics.map(\.code) == ["roles.unterminated"])
        #expect(unterminated.roleAssignments.isEmpty)
    }
}
