import Foundation
import Testing
import VigilAnalyzers
import VigilCore
import VigilParsers
import VigilTestSupport

@Suite("Access to patient data through clinical roles: the join, the headline, wide roles and weak passwords")
struct ClinicalRoleAccessTests {
    static let asOf = CivilDate.date(year: 2026, month: 11, day: 1)
    static let domainSID = "S-1-5-21-1000-2000-3000"

    /// The directory the role fixtures name: nine enabled staff, one disabled (`ivy.jones`), `hal.irwin` known by SID.
    static func accounts() -> [Account] {
        let names = ["amy.hall", "ben.cole", "carl.diaz", "dee.ellis", "eve.fox", "gus.hart", "ann.ives", "kim.lee"]
        var accounts = names.enumerated().map { index, name in
            Account(
                name: name, domain: "RIVERSIDE", sid: SecurityIdentifier("\(domainSID)-\(1100 + index)"),
                source: .init(file: "d.ldif", line: 10 * (index + 1)))
        }
        accounts.append(
            Account(
                name: "ivy.jones", domain: "RIVERSIDE", sid: SecurityIdentifier("\(domainSID)-1108"),
                control: [.normalAccount, .disabled], source: .init(file: "d.ldif", line: 90)))
        accounts.append(
            Account(
                name: "hal.irwin", domain: "RIVERSIDE", sid: SecurityIdentifier("\(domainSID)-1109"),
                source: .init(file: "d.ldif", line: 100)))
        return accounts
    }

    /// The directory with the two role fixtures read through their readers.
    static func fixtureEstate(resources: [Resource] = []) throws -> Estate {
        var estate = Estate(organisation: .unnamed, accounts: accounts(), resources: resources)
        for (reader, file) in [
            (RoleAssignmentReader() as any EvidenceReader, "role-assignments.csv"),
            (RolePermissionReader(), "role-permissions.csv"),
        ] {
            estate.append(
                contentsOf: try reader.read(
                    path: Fixtures.url("clinical-roles/\(file)").path, file: file, progress: nil))
        }
        return estate
    }

    @Test("the fixtures' staff who can read patient data, worked out by hand")
    func fixtureReach() throws {
        let estate = try Self.fixtureEstate()
        let output = AccessAnalyzer().analyze(AnalysisContext(estate: estate, asOf: Self.asOf))
        let metrics = Dictionary(uniqueKeysWithValues: output.metrics.map { ($0.id, $0.value) })
        // amy (all sites), ben (all sites, `*`), carl (Ward 7, by UPN), dee and hal (Consultant, hal by SID). Not eve
        // (ended the day before), ann (starts in 2027), gus (Porter: no patient-data permission), ivy (disabled),
        // kim (Radiographer: no map lists it), zed (not in the directory).
        #expect(metrics["access.staff-enabled"] == 9)
        #expect(metrics["access.staff-reach-patient-data"] == 5)
        #expect(metrics["access.staff-reach-patient-data-roles"] == 5)
        #expect(metrics["access.role-assignments"] == 11)
        #expect(metrics["access.role-assignments-active"] == 9)
        #expect(metrics["access.role-assignments-user-unknown"] == 1)
        #expect(metrics["access.role-assignments-role-unknown"] == 1)
        #expect(metrics["access.widest-role-1"] == 2 && metrics["access.widest-role-3"] == 1)
        let reach = AccessReach(estate: estate, asOf: Self.asOf)
        #expect(
            reach.roles.openingRoles().map { "\($0.label) \($0.staff)" } == [
                "Consultant (Site A) 2", "Ward Clerk (all sites) 2", "Ward Clerk (Ward 7) 1",
            ])
        #expect(reach.roles.openingRoles()[0].permissions == ["Prescribe", "Read patient record"])
        // Two of nine is under a quarter: no wide-role finding.
        #expect(output.findings.isEmpty)
        let headline = try #require(output.headlines.first)
        #expect(headline.text.hasPrefix("5 of 9 enabled staff logins"))
        #expect(headline.text.contains("Role Consultant (Site A): Prescribe, Read patient record → 2 staff"))
        #expect(headline.metrics.contains("access.widest-role-1"))
        // Roles without permissions or a scan: assessed for the application, the file shares not.
        #expect(output.coverage.map(\.status) == [.partial])
        #expect(output.coverage.first?.basis.hasPrefix("File shares not assessed") == true)
        #expect(output.coverage.first?.basis.contains("1 name users the directory does not hold") == true)
        #expect(output.tables.first { $0.id == "access.roles" }?.rows.count == 3)
    }

    @Test(
        "who of those who can read patient data through EPR used it: FHIR AuditEvents by source.observer, worked by hand"
    )
    func applicationUsage() throws {
        var estate = try Self.fixtureEstate()
        let log = try FHIRAuditEventReader().read(
            path: Fixtures.url("fhir/epr-usage.ndjson").path, file: "epr-usage.ndjson", progress: nil)
        #expect(log.log.recordsRejected == 0)
        estate.append(contentsOf: log)
        let output = AccessAnalyzer().analyze(AnalysisContext(estate: estate, asOf: Self.asOf))
        let metrics = Dictionary(uniqueKeysWithValues: output.metrics.map { ($0.id, $0) })
        // EPR's holders of a patient-data role: amy, ben, carl, dee, hal. Used in the window (from 2026-08-03): amy and
        // dee. Not carl (a failed access), hal (before the window), ben (only PACS), gus (no patient-data role), zed
        // (not in the directory).
        #expect(metrics["access.staff-used-patient-data-roles"]?.value == 2)
        #expect(metrics["access.staff-used-patient-data-roles"]?.total == 5)
        #expect(metrics["access.applications-logged"]?.value == 1)
        #expect(metrics["access.applications-logged"]?.total == 1)
        #expect(metrics["access.application-1-used"]?.value == 2)
        #expect(metrics["access.application-1-used"]?.label.contains("EPR") == true)
        // zed.unknown only: carl's UPN (carl.diaz@riverside.nhs.uk) is RIVERSIDE's carl.diaz, its suffix's first label
        // being his domain's name, as the role join takes it too.
        #expect(metrics["access.log-users-unmatched"]?.value == 1)
        let headline = try #require(output.headlines.first)
        #expect(
            headline.text.hasSuffix(
                // From the window's start (2026-08-03) to the last event (2026-10-22 07:05): 80 days and 7 hours.
                "; through clinical roles, 2 of the 5 staff (40%) used EPR in the 81 days the logs span (of the last 90 days)."
            ))
        // With no shares, no sentence about shares the logs do not cover.
        #expect(!headline.text.contains("shares"))
        #expect(headline.metrics.contains("access.staff-used-patient-data-roles"))
        #expect(!headline.metrics.contains("access.staff-used-patient-data"))
        // Without the log, use is not assessed: no application metric, and the headline says why.
        let unlogged = AccessAnalyzer().analyze(AnalysisContext(estate: try Self.fixtureEstate(), asOf: Self.asOf))
        #expect(!unlogged.metrics.contains { $0.id.hasPrefix("access.application") })
        #expect(unlogged.headlines.first?.text.hasSuffix("; who used it is not assessed (no access logs).") == true)
    }

    @Test("an application the logs never name is not assessed, never unused")
    func applicationNotLogged() throws {
        var estate = try Self.fixtureEstate()
        estate.accessEvents = [
            AccessEvent(
                time: CivilDate.date(year: 2026, month: 10, day: 1), principal: "amy.hall", resourceID: "PACS",
                action: "read", succeeded: true, source: .init(file: "log.csv", line: 2))
        ]
        let output = AccessAnalyzer().analyze(AnalysisContext(estate: estate, asOf: Self.asOf))
        let headline = try #require(output.headlines.first)
        #expect(headline.text.hasSuffix("; use of EPR is not assessed (the access logs hold no event on it)."))
        let logged = try #require(output.metrics.first { $0.id == "access.applications-logged" })
        #expect(logged.value == 0 && logged.total == 1)
        #expect(output.metrics.first { $0.id == "access.staff-used-patient-data-roles" }?.total == 0)
        #expect(!output.metrics.contains { $0.id == "access.application-1-used" })
    }

    @Test("an application is matched by its exact name, or by the id vigil.yaml gives it, never by a path below it")
    func applicationNames() throws {
        func event(_ user: String, _ resource: String, line: Int) -> AccessEvent {
            AccessEvent(
                time: CivilDate.date(year: 2026, month: 10, day: 1), principal: user, resourceID: resource,
                action: "read", succeeded: true, source: .init(file: "log.csv", line: line))
        }
        func used(_ events: [AccessEvent], resources: [Resource] = []) throws -> (Int?, String) {
            var estate = try Self.fixtureEstate(resources: resources)
            estate.accessEvents = events
            let output = AccessAnalyzer().analyze(AnalysisContext(estate: estate, asOf: Self.asOf))
            return (
                output.metrics.first { $0.id == "access.staff-used-patient-data-roles" }?.value,
                output.coverage.first?.basis ?? ""
            )
        }
        // Case and surrounding blanks do not matter; a resource below the name is another thing.
        #expect(try used([event("amy.hall", " epr ", line: 2), event("ben.cole", "EPR/Admin", line: 3)]).0 == 1)
        #expect(try used([event("amy.hall", "EPR\\Test", line: 2)]).0 == 0)
        // A FHIR observer's system id, which vigil.yaml lists as the application EPR.
        let epr = Resource(
            id: "epr-prod", name: "EPR", kind: .application, classification: .patientConfidential,
            source: .init(file: "vigil.yaml", line: 4))
        #expect(try used([event("amy.hall", "epr-prod", line: 2)], resources: [epr]).0 == 1)
        #expect(try used([event("amy.hall", "epr-prod", line: 2)]).0 == 0)
        let (_, basis) = try used([event("amy.hall", "EPR", line: 2)])
        #expect(basis.contains("use of clinical applications assessed for 1 of the 1 application"))
        #expect(!basis.contains("shares the logs cover"))
    }

    @Test("roles exported without an application belong to the one application vigil.yaml names")
    func unnamedApplication() throws {
        let assignments = ["amy.hall", "ben.cole", "dee.ellis"].enumerated().map { row, user in
            RoleAssignment(
                user: user, role: "Ward Clerk", source: .init(file: "roles.csv", line: row + 2))
        }
        let permission = RolePermission(
            role: "Ward Clerk", permission: "Read patient record", sensitivity: .patientConfidential,
            source: .init(file: "map.csv", line: 2))
        let pas = Resource(
            id: "PAS", name: "Patient administration", kind: .application, classification: .patientConfidential,
            source: .init(file: "vigil.yaml", line: 4))
        var estate = Estate(organisation: .unnamed, accounts: Self.accounts(), resources: [pas])
        estate.roleAssignments = assignments
        estate.rolePermissions = [permission]
        estate.accessEvents = [
            AccessEvent(
                time: CivilDate.date(year: 2026, month: 10, day: 1), principal: "dee.ellis", resourceID: "pas",
                action: "read", succeeded: true, source: .init(file: "log.csv", line: 2))
        ]
        let output = AccessAnalyzer().analyze(AnalysisContext(estate: estate, asOf: Self.asOf))
        let metric = try #require(output.metrics.first { $0.id == "access.application-1-used" })
        #expect(metric.value == 1 && metric.total == 3)
        #expect(output.headlines.first?.text.contains("1 of the 3 staff (33%) used Patient administration") == true)
        // Without vigil.yaml's application the roles name none, and no log can be matched to them.
        estate.resources = []
        let unnamed = AccessAnalyzer().analyze(AnalysisContext(estate: estate, asOf: Self.asOf))
        #expect(!unnamed.metrics.contains { $0.id.hasPrefix("access.application") })
    }

    @Test("a clinical audit report naming no resource is use of the one application vigil.yaml names, and of none else")
    func auditReportWithoutResource() throws {
        let epr = Resource(
            id: "EPR", name: "Electronic patient record", kind: .application, classification: .patientConfidential,
            source: .init(file: "vigil.yaml", line: 4))
        // An EHR's own audit report: who, when, what, no system column (the system is the report's).
        let events = ["amy.hall", "dee.ellis"].enumerated().map { position, user in
            AccessEvent(
                time: Self.asOf.addingTimeInterval(-86_400 * Double(position + 2)), principal: "RIVERSIDE\\\(user)",
                resourceID: "", action: "read", succeeded: true, source: .init(file: "ehr.csv", line: position + 2))
        }
        var named = try Self.fixtureEstate(resources: [epr])
        named.accessEvents = events
        let metrics = Dictionary(
            uniqueKeysWithValues: AccessAnalyzer().analyze(AnalysisContext(estate: named, asOf: Self.asOf)).metrics.map
            {
                ($0.id, $0)
            })
        #expect(metrics["access.applications-logged"]?.value == 1)
        #expect(metrics["access.staff-used-patient-data-roles"]?.value == 2)
        // A blank cell in a file whose other rows name resources (a logon row in a file-share log) is no use of EPR.
        var mixed = named
        mixed.accessEvents[0].resourceID = "D:\\Shares\\Clinical\\list.csv"
        let mixedMetrics = Dictionary(
            uniqueKeysWithValues: AccessAnalyzer().analyze(AnalysisContext(estate: mixed, asOf: Self.asOf)).metrics.map
            {
                ($0.id, $0)
            })
        #expect(mixedMetrics["access.staff-used-patient-data-roles"]?.value == 0)
        // Without vigil.yaml naming the one application, the rows are nobody's use of anything.
        var unnamed = try Self.fixtureEstate()
        unnamed.accessEvents = events
        let none = Dictionary(
            uniqueKeysWithValues: AccessAnalyzer().analyze(AnalysisContext(estate: unnamed, asOf: Self.asOf)).metrics
                .map { ($0.id, $0) })
        #expect(none["access.applications-logged"]?.value == 0)
    }

    @Test("a blank sensitivity takes the classification vigil.yaml gives the application")
    func blankSensitivity() throws {
        let epr = Resource(
            id: "EPR", name: "Electronic patient record", kind: .application, classification: .patientConfidential,
            source: .init(file: "vigil.yaml", line: 4))
        let reach = AccessReach(estate: try Self.fixtureEstate(resources: [epr]), asOf: Self.asOf)
        #expect(
            reach.roles.openingRoles()[0].permissions == ["Prescribe", "Print discharge letter", "Read patient record"])
        #expect(reach.roles.patientPermissions == 4)
        #expect(AccessReach(estate: try Self.fixtureEstate(), asOf: Self.asOf).roles.patientPermissions == 3)
    }

    @Test(
        "a map whose sensitivities are all blank, with nothing classified in vigil.yaml, is not assessed: never '0 of N'"
    )
    func allSensitivitiesBlank() throws {
        var estate = Self.wideEstate()
        for index in estate.rolePermissions.indices { estate.rolePermissions[index].sensitivity = nil }
        let reach = AccessReach(estate: estate, asOf: Self.asOf)
        #expect(!reach.roles.assessed)
        #expect(reach.roles.unclassifiedPermissions == 3)
        let output = AccessAnalyzer().analyze(AnalysisContext(estate: estate, asOf: Self.asOf))
        #expect(output.headlines.isEmpty, "\(output.headlines.map(\.text))")
        let coverage = try #require(output.coverage.first)
        #expect(coverage.status == .partial)
        #expect(
            coverage.basis.contains(
                "no permission of the role → permission maps is known to open patient data: 3 permissions have no sensitivity"
            ), "\(coverage.basis)")
        #expect(!coverage.basis.contains("needs its role assignments"), "\(coverage.basis)")
        // One permission classified is enough to count who reaches it; the blank ones are then a stated floor.
        estate.rolePermissions[0].sensitivity = .patientConfidential
        let partly = AccessAnalyzer().analyze(AnalysisContext(estate: estate, asOf: Self.asOf))
        #expect(
            partly.headlines.first?.text.hasPrefix("3 of 4 enabled staff logins (75%) can read patient data") == true)
        #expect(partly.coverage.first?.status == .partial)
        #expect(partly.coverage.first?.basis.contains("2 permissions with no sensitivity") == true)
    }

    /// Four staff: three hold Clerk everywhere, one Nurse on Ward 7; a Clerk of another application is not confused
    /// with it.
    static func wideEstate() -> Estate {
        let accounts = (0..<4).map {
            Account(
                name: "u\($0)", domain: "T", sid: SecurityIdentifier("\(domainSID)-\(2000 + $0)"),
                source: .init(file: "d.ldif", line: $0 + 1))
        }
        let source = EvidenceReference(file: "roles.csv", line: 2)
        return Estate(
            organisation: .unnamed, accounts: accounts,
            roleAssignments: [
                RoleAssignment(user: "u0", role: "Clerk", application: "PAS", source: source),
                RoleAssignment(user: "T\\u1", role: "clerk ", application: "pas", source: source),
                RoleAssignment(user: "u2", role: "Clerk", application: "PAS", source: source),
                RoleAssignment(user: "u3", role: "Nurse", scope: "Ward 7", application: "PAS", source: source),
                RoleAssignment(user: "u3", role: "Clerk", application: "Pharmacy", source: source),
            ],
            rolePermissions: [
                RolePermission(
                    role: "Clerk", permission: "Read patient record", sensitivity: .patientConfidential,
                    application: "PAS", source: source),
                RolePermission(
                    role: "Nurse", permission: "Record observations", sensitivity: .patientConfidential,
                    application: "PAS", source: source),
                RolePermission(
                    role: "Clerk", permission: "Order stock", sensitivity: .internalUse, application: "Pharmacy",
                    source: source),
            ])
    }

    @Test("a role most staff hold is critical, one a quarter hold is high; roles stay within their application")
    func wideRoles() throws {
        let output = AccessAnalyzer().analyze(AnalysisContext(estate: Self.wideEstate(), asOf: Self.asOf))
        let findings = output.findings.filter { $0.rule == .accessWideRole }
        #expect(findings.map(\.severity) == [.critical, .high])
        let clerk = try #require(findings.first)
        #expect(clerk.facts["staff"] == "3" && clerk.facts["staffTotal"] == "4")
        #expect(clerk.facts["scope"] == "all sites" && clerk.facts["application"] == "PAS")
        #expect(clerk.facts["permissions"] == "Read patient record")
        #expect(clerk.facts[Finding.escalationFact] == "most-staff")
        #expect(clerk.subject.kind == .resource && clerk.subject.id == "role:pas|clerk|")
        #expect(findings[1].subject.name == "Role Nurse (Ward 7) in PAS")
        // u3's Pharmacy Clerk role opens no patient data; u3 reaches it as a nurse only.
        #expect(output.metrics.first { $0.id == "access.staff-reach-patient-data" }?.value == 4)
        #expect(output.metrics.first { $0.id == "access.wide-roles" }?.value == 2)
        #expect(output.metrics.first { $0.id == "access.role-assignments-role-unknown" }?.value == 0)
        #expect(ClinicalRoleReach.coveredSubjectIDs(Self.wideEstate()).contains(clerk.subject.id))
        #expect(output.headlines.first?.severity == .critical)
    }

    @Test("a weak password on an account that reaches patient data only through a role is joined, and ranks first")
    func weakPasswordThroughRole() throws {
        var estate = Self.wideEstate()
        estate.roleAssignments.removeAll { $0.role == "Nurse" }
        let context = AnalysisContext(estate: estate, asOf: Self.asOf)
        let evidence = [EvidenceReference(file: "ntds.txt", line: 1)]
        let reaching = Subject.account(estate.accounts[0])
        let outside = Subject.account(estate.accounts[3])
        let credential = [
            Finding(rule: .breachedPassword, subject: reaching, detail: "", evidence: evidence),
            Finding(
                rule: .breachedPassword, escalation: .privileged, subject: outside, detail: "", evidence: evidence),
        ]
        let joined = AccessJoin.findings(credential, context: context)
        #expect(joined.findings.map(\.subject) == [reaching])
        #expect(joined.findings.first?.detail.contains("through its clinical roles") == true)
        // The account that reaches patient data comes before the same weakness without it, even a privileged one.
        let ordered = Finding.inReportOrder(credential + joined.findings)
        #expect(ordered.first?.rule == .accessWeakPasswordReachesPatientData)
        #expect(ordered.first?.subject == reaching)
    }

    @Test("a shared-password group larger than a finding's related list gives every member the reach of one")
    func largeSharedGroup() throws {
        let count = Finding.relatedLimit + 10
        let accounts = (0..<count).map {
            Account(
                name: String(format: "user%02d", $0), domain: "T",
                sid: SecurityIdentifier("\(Self.domainSID)-\(3000 + $0)"),
                source: .init(file: "d.ldif", line: $0 + 1))
        }
        let source = EvidenceReference(file: "roles.csv", line: 2)
        // Only the last member (by name) reaches patient data: it is in no other member's first 20 related accounts.
        let estate = Estate(
            organisation: .unnamed, accounts: accounts,
            roleAssignments: [RoleAssignment(user: accounts[count - 1].name, role: "Clerk", source: source)],
            rolePermissions: [
                RolePermission(
                    role: "Clerk", permission: "Read patient record", sensitivity: .patientConfidential,
                    source: source)
            ])
        let subjects = accounts.map(Subject.account)
        let shared = subjects.indices.map { index in
            Finding(
                rule: .sharedPassword, subject: subjects[index], detail: "", evidence: [source],
                related: subjects.indices.filter { $0 != index }.map { subjects[$0] },
                facts: ["sharedGroup": "shared-password group 1", "groupSize": String(count)])
        }
        #expect(shared[0].related.count == Finding.relatedLimit)
        #expect(!shared[0].related.contains(subjects[count - 1]))
        let joined = AccessJoin.findings(shared, context: AnalysisContext(estate: estate, asOf: Self.asOf))
        #expect(joined.findings.count == count)
        #expect(joined.metrics.first?.value == count)
        let carried = joined.findings.filter { $0.facts["reachThrough"] == subjects[count - 1].name }
        #expect(carried.count == count - 1)
        // Another group with no member reaching patient data gives nothing.
        let other = shared.map { finding in
            var copy = finding
            copy.facts["sharedGroup"] = "shared-password group 2"
            return copy
        }.dropLast()
        #expect(
            AccessJoin.findings(Array(other), context: AnalysisContext(estate: estate, asOf: Self.asOf)).findings
                .isEmpty)
    }
}
