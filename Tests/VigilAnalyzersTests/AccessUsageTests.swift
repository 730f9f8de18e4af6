import Foundation
import Testing
import VigilAnalyzers
import VigilCore

/// Usage from access logs, worked out by hand on a small trust: ten staff (one disabled), three shares with patient data
/// — Clinical open to Domain Users, Finance to a team of two, Referrals to Domain Users but in no log.
@Suite("Access usage: who used what, unused access and the least-privilege proposal")
struct AccessUsageTests {
    static let asOf = CivilDate.date(year: 2026, month: 11, day: 1)
    static let domainSID = "S-1-5-21-1-2-3"
    static let root = "D:\\Shares\\Trust"

    static func sid(_ user: Int) -> String { "\(domainSID)-\(1100 + user)" }

    static func day(_ offset: Int) -> Date { asOf.addingTimeInterval(Double(offset) * 86_400) }

    /// The trust, with `events` as its access logs.
    static func estate(events: [AccessEvent]) -> Estate {
        let source = EvidenceReference(file: "directory.ldif", line: 1)
        let accounts = (0..<10).map { user in
            Account(
                name: "u\(user)", domain: "NHSTRUST", distinguishedName: "CN=u\(user),OU=Staff,DC=trust,DC=example",
                sid: SecurityIdentifier(sid(user)),
                control: user == 9 ? AccountControl([.normalAccount, .disabled]) : AccountControl.normalAccount,
                primaryGroupID: 513, source: source)
        }
        func group(_ name: String, rid: Int, members: [Int]) -> DirectoryGroup {
            DirectoryGroup(
                distinguishedName: "CN=\(name),OU=Groups,DC=trust,DC=example", name: name,
                sid: SecurityIdentifier("\(domainSID)-\(rid)"),
                members: members.map { "CN=u\($0),OU=Staff,DC=trust,DC=example" }, source: source)
        }
        let groups = [
            group("Domain Users", rid: 513, members: []),
            group("Outpatients-Admin", rid: 2001, members: [0, 1, 2]),
            group("All Clinical", rid: 2002, members: [0, 1, 2, 3, 4]),
            group("Finance Team", rid: 2003, members: [5, 6]),
        ]
        let tree = Grant.Scope(object: true, files: true, folders: true)
        let acl = EvidenceReference(file: "acl.txt", line: 3)
        let shares = ["Clinical", "Finance", "Referrals"]
        let grants = [
            Grant(
                resourceID: "\(root)\\Clinical", principal: "NHSTRUST\\Domain Users", right: .read, appliesTo: tree,
                source: acl),
            Grant(
                resourceID: "\(root)\\Finance", principal: "NHSTRUST\\Finance Team", right: .read, appliesTo: tree,
                source: acl),
            Grant(
                resourceID: "\(root)\\Referrals", principal: "NHSTRUST\\Domain Users", right: .read, appliesTo: tree,
                source: acl),
        ]
        return Estate(
            organisation: .unnamed, accounts: accounts, groups: groups,
            resources: shares.map {
                Resource(
                    id: "\(root)\\\($0)", name: $0, kind: .folder, classification: .unclassified, source: acl)
            },
            grants: grants, accessEvents: events,
            fileScans: shares.map {
                FileScanRecord(
                    root: $0.lowercased(), aclRoot: "\(root)\\\($0)", host: "FS01", files: 1, bytes: 1_000,
                    filesRead: 1, filesSkipped: 0, filesFailed: 0)
            },
            patientData: shares.map { share in
                PatientDataExposure(
                    path: "\(share.lowercased())/list.csv", aclPath: "\(root)\\\(share)\\list.csv", bytes: 1_000,
                    format: "csv", classification: .patientList, patients: 10, confidence: .high,
                    identifiers: [
                        IdentifierTally(
                            kind: .nhsNumber, count: 10, distinct: 10, confidence: .high, sample: "401 *** **37",
                            location: ContentLocation(line: 2))
                    ])
            })
    }

    static func event(_ user: String, _ path: String, day: Int, succeeded: Bool = true, line: Int) -> AccessEvent {
        AccessEvent(
            time: Self.day(day), principal: user, resourceID: path, action: "read", succeeded: succeeded,
            source: EvidenceReference(file: "log.csv", line: line))
    }

    /// u0 by SID and u1 by UPN (on a file below the share) use Clinical; u2 only before the window; u3 fails; an
    /// unknown user reads it; u5 uses Finance by `DOMAIN\name`.
    static let events = [
        event(sid(0), "\(root)\\Clinical\\list.csv", day: -3, line: 2),
        event("u1@trust.example", "\(root)\\Clinical\\Letters\\a.docx", day: -40, line: 3),
        event("NHSTRUST\\u2", "\(root)\\Clinical\\list.csv", day: -100, line: 4),
        event("u3", "\(root)\\Clinical\\list.csv", day: -5, succeeded: false, line: 5),
        event("ghost.user", "\(root)\\Clinical\\list.csv", day: -5, line: 6),
        event("nhstrust\\U5", "\(root)\\Finance\\list.csv", day: -10, line: 7),
    ]

    func analyze(_ estate: Estate, window: Int = 90) -> AnalyzerOutput {
        AccessAnalyzer().analyze(
            AnalysisContext(estate: estate, asOf: Self.asOf, settings: AnalysisSettings(accessWindowDays: window)))
    }

    @Test("users are matched by SID, user principal name, DOMAIN\\name and a unique sAMAccountName")
    func matching() {
        let estate = Self.estate(events: [])
        let matcher = AccessLogMatcher(accounts: estate.accounts)
        #expect(matcher.account(for: Self.sid(4)) == 4)
        #expect(matcher.account(for: Self.sid(4).lowercased()) == 4)
        #expect(matcher.account(for: "u4@trust.example") == 4)
        #expect(matcher.account(for: "U4@TRUST.EXAMPLE") == 4)
        #expect(matcher.account(for: "NHSTRUST\\u4") == 4)
        #expect(matcher.account(for: "TRUST.EXAMPLE\\u4") == 4)
        #expect(matcher.account(for: " u4 ") == 4)
        #expect(matcher.account(for: "u44") == nil)
        // Under another organisation's domain the same name is another person, never the local account.
        #expect(matcher.account(for: "OTHERTRUST\\u4") == nil)
        #expect(matcher.account(for: "nhs.net\\u4") == nil)
        #expect(matcher.account(for: "u4@othertrust.nhs.uk") == nil)
        // A UPN suffix of the account's own organisation (its DNS name's first label) is the account.
        #expect(matcher.account(for: "u4@trust.nhs.uk") == 4)
        #expect(matcher.account(for: "nhstrust.local\\u4") == 4)
        // A directory under `ad.riverside.nhs.uk`: its NetBIOS name is often the organisation's label, not the first.
        let riverside = AccessLogMatcher(accounts: [
            Account(
                name: "jsmith", domain: "AD", distinguishedName: "CN=jsmith,OU=Staff,DC=ad,DC=riverside,DC=nhs,DC=uk",
                source: EvidenceReference(file: "d.ldif", line: 1))
        ])
        #expect(riverside.account(for: "RIVERSIDE\\jsmith") == 0)
        #expect(riverside.account(for: "jsmith@riverside.nhs.uk") == 0)
        #expect(riverside.account(for: "NHS\\jsmith") == nil)
        #expect(riverside.account(for: "jsmith@nhs.net") == nil)
        #expect(matcher.account(for: "\(Self.domainSID)-9999") == nil)
        // The same sAMAccountName in two domains is ambiguous alone, but not with its domain.
        var twin = estate.accounts[4]
        twin.domain = "OTHER"
        twin.distinguishedName = "CN=u4,OU=Staff,DC=other,DC=example"
        twin.sid = nil
        let both = AccessLogMatcher(accounts: estate.accounts + [twin])
        #expect(both.account(for: "u4") == nil)
        #expect(both.account(for: "OTHER\\u4") == 10)
        #expect(both.account(for: "u4@other.example") == 10)
    }

    @Test("per share, the readers who used it in the window; a share no log names is not assessed")
    func shares() throws {
        let output = analyze(Self.estate(events: Self.events))
        let table = try #require(output.tables.first { $0.id == "access.shares" })
        let rows = Dictionary(uniqueKeysWithValues: table.rows.map { ($0[0], $0) })
        #expect(rows["\(Self.root)\\Clinical"]?[2] == "9")
        #expect(rows["\(Self.root)\\Clinical"]?[3] == "2 (22%)")
        #expect(rows["\(Self.root)\\Finance"]?[2] == "2")
        #expect(rows["\(Self.root)\\Finance"]?[3] == "1 (50%)")
        #expect(rows["\(Self.root)\\Referrals"]?[3] == "not assessed (no log event in the window names it)")
        let metrics = Dictionary(uniqueKeysWithValues: output.metrics.map { ($0.id, $0) })
        #expect(metrics["access.staff-used-patient-data"]?.value == 3)
        #expect(metrics["access.staff-used-patient-data"]?.total == 9)
        #expect(metrics["access.shares-logged"]?.value == 2)
        #expect(metrics["access.log-users-unmatched"]?.value == 1)
        #expect(metrics["access.staff-unused-patient-data"]?.value == 6)
        let headline = try #require(output.headlines.first)
        #expect(
            headline.text.contains(
                // The events run from before the window (u2, day -100) to u0's, 3 days ago: 87 of its 90 days.
                "; 3 of the 9 readers (33%) used it in the 87 days the logs span (of the last 90 days) (the logs cover 2 of the 3 shares)."
            ),
            "\(headline.text)")
        #expect(headline.metrics.contains("access.staff-used-patient-data"))
    }

    @Test("a log whose users the directory does not hold assesses no share: never every reader 'unused'")
    func unmatchedLogAssessesNothing() throws {
        // A log exported from another domain: every row is a successful read of Clinical by a user no account matches.
        let events = (0..<5).map {
            Self.event("OTHER-DOMAIN-USER-\($0)", "\(Self.root)\\Clinical\\list.csv", day: -$0 - 1, line: $0 + 2)
        }
        let usage = AccessUsage(estate: Self.estate(events: events), asOf: Self.asOf, windowDays: 90)
        #expect(!usage.usage(under: "\(Self.root)\\Clinical").logged)
        #expect(usage.unmatchedUsers == 5)
        let output = analyze(Self.estate(events: events))
        let metrics = Dictionary(uniqueKeysWithValues: output.metrics.map { ($0.id, $0) })
        #expect(metrics["access.shares-logged"]?.value == 0)
        #expect(!output.findings.contains { $0.rule == .accessUnusedAccess })
    }

    /// Logs written by hand in the forms Windows tools give a UNC path: the long-path `\\?\UNC\` prefix, another
    /// case, a trailing separator, forward slashes; each names a file on `\\FS01\Clinical` or the share itself.
    @Test(
        "UNC paths in the logs match the share however they are written",
        arguments: [
            #"\\?\UNC\FS01\Clinical\list.csv"#, #"\\?\unc\fs01\clinical\"#, #"\\fs01\CLINICAL\Letters\"#,
            "//FS01/Clinical/list.csv", #"\\FS01\Clinical"#,
        ])
    func uncPaths(path: String) {
        let events = [Self.event(Self.sid(0), path, day: -3, line: 2)]
        let usage = AccessUsage(estate: Self.estate(events: events), asOf: Self.asOf, windowDays: 90)
        let clinical = usage.usage(under: #"\\FS01\Clinical\"#)
        #expect(clinical.logged)
        #expect(clinical.users.count == 1 && clinical.users.contains(0))
        // A share whose name only begins the same is another share.
        #expect(!usage.usage(under: #"\\FS01\Clinic"#).logged)
        #expect(!usage.usage(under: #"\\FS02\Clinical"#).logged)
    }

    @Test("the days the logs span run from their first to their last event inside the window, and are stated")
    func span() throws {
        let usage = { (days: [Int]) in
            AccessUsage(
                estate: Self.estate(
                    events: days.enumerated().map {
                        Self.event(Self.sid(0), "\(Self.root)\\Clinical", day: $1, line: $0)
                    }),
                asOf: Self.asOf, windowDays: 90)
        }
        // Logs that stopped 75 days before the assessment: from the window's start (day -90) to day -75, 15 days, not 90.
        let stopped = usage([-105, -90, -75])
        #expect(stopped.coveredDays == 15)
        #expect(stopped.period == "in the 15 days the logs span (of the last 90 days)")
        #expect(usage([-200, -1]).coveredDays == 89)
        #expect(usage([-90, 0]).period == "in the last 90 days of logs")
        #expect(usage([-3]).coveredDays == 1)
        #expect(usage([-120]).coveredDays == 0)
        // A placeholder time by a user the directory does not hold stretches nothing.
        let placeholder = AccessUsage(
            estate: Self.estate(events: [
                Self.event(Self.sid(0), "\(Self.root)\\Clinical", day: -3, line: 2),
                Self.event("svc-backup", "\(Self.root)\\Finance", day: -20_000, line: 3),
            ]),
            asOf: Self.asOf, windowDays: 90)
        #expect(placeholder.coveredDays == 1)
        // Logs with no event in the window assess no use: no unused access, no proposal, and the coverage says why.
        let output = analyze(
            Self.estate(events: [Self.event(Self.sid(0), "\(Self.root)\\Clinical", day: -120, line: 2)]))
        #expect(output.findings.filter { $0.rule == .accessUnusedAccess }.isEmpty)
        #expect(output.tables.first { $0.id == "access.least-privilege" } == nil)
        let coverage = try #require(output.coverage.first)
        #expect(coverage.basis.contains("access logs: 1 event spanning 0 of the window's 90 days"), "\(coverage.basis)")
        let shares = try #require(output.tables.first { $0.id == "access.shares" })
        #expect(
            shares.rows.allSatisfy { $0[3] == "not assessed (no log event in the window names it)" }, "\(shares.rows)")
        #expect(output.headlines.first?.text.contains("who used it is not assessed") == true)
    }

    @Test("a long-path prefix on a drive path is the drive path")
    func longDrivePath() {
        let events = [Self.event(Self.sid(0), #"\\?\D:\Shares\Trust\Clinical\list.csv"#, day: -3, line: 2)]
        let usage = AccessUsage(estate: Self.estate(events: events), asOf: Self.asOf, windowDays: 90)
        #expect(usage.usage(under: "\(Self.root)\\Clinical").users.contains(0))
    }

    @Test("unused access per permission, only where the logs cover its folder")
    func unused() throws {
        let output = analyze(Self.estate(events: Self.events))
        let findings = output.findings.filter { $0.rule == .accessUnusedAccess }
        #expect(
            findings.map {
                "\($0.subject.name) \($0.facts["staffUnused"] ?? "") \($0.facts["staffUsed"] ?? "") \($0.severity)"
            }
            .sorted() == [
                "NHSTRUST\\Domain Users on \(Self.root)\\Clinical 7 2 medium",
                "NHSTRUST\\Finance Team on \(Self.root)\\Finance 1 1 low",
            ])
        let table = try #require(output.tables.first { $0.id == AccessAnalyzer.unusedTableID })
        #expect(
            table.rows.map(\.[0]) == [
                "NHSTRUST\\u2", "NHSTRUST\\u3", "NHSTRUST\\u4", "NHSTRUST\\u5", "NHSTRUST\\u6", "NHSTRUST\\u7",
                "NHSTRUST\\u8",
            ])
        #expect(table.rows.first { $0[0] == "NHSTRUST\\u6" }?[2] == "\(Self.root)\\Clinical; \(Self.root)\\Finance")
        #expect(table.rows.first { $0[0] == "NHSTRUST\\u5" }?[1] == "1")
    }

    @Test("a shorter window turns use before it into unused access")
    func window() throws {
        let output = analyze(Self.estate(events: Self.events), window: 7)
        let metrics = Dictionary(uniqueKeysWithValues: output.metrics.map { ($0.id, $0) })
        // Only u0 (3 days ago) used anything in the last 7 days.
        #expect(metrics["access.staff-used-patient-data"]?.value == 1)
        // The window's first day (7 days ago) to the last event (u0's, 3 days ago).
        #expect(metrics["access.log-window-days-covered"]?.value == 4)
    }

    @Test("without logs: use, unused access and the proposal are not assessed, never unused")
    func noLogs() throws {
        let output = analyze(Self.estate(events: []))
        #expect(!output.findings.contains { $0.rule == .accessUnusedAccess })
        #expect(!output.tables.contains { $0.id == "access.least-privilege" || $0.id == AccessAnalyzer.unusedTableID })
        let table = try #require(output.tables.first { $0.id == "access.shares" })
        #expect(table.rows.allSatisfy { $0[3] == "not assessed (no access logs)" })
        #expect(output.headlines.first?.text.contains("who used it is not assessed (no access logs)") == true)
        #expect(
            output.coverage.first?.basis.contains("need access logs, which were not provided (not assessed)") == true)
    }

    @Test(
        "the least-privilege proposal per share: existing groups, or a new group of named members; every user keeps access"
    )
    func proposal() throws {
        let output = analyze(Self.estate(events: Self.events))
        let table = try #require(output.tables.first { $0.id == "access.least-privilege" })
        let rows = Dictionary(uniqueKeysWithValues: table.rows.map { ($0[0], $0[3]) })
        #expect(
            rows["\(Self.root)\\Clinical"]
                == "replace NHSTRUST\\Domain Users with Outpatients-Admin: 9 → 3 staff; 0 active users lose access")
        #expect(
            rows["\(Self.root)\\Finance"]
                == "replace NHSTRUST\\Finance Team with a new group Finance-Readers of the 1 user who used it: 2 → 1 staff; 0 active users lose access"
        )
        #expect(rows["\(Self.root)\\Referrals"] == nil)
        let changes = try #require(output.tables.first { $0.id == AccessAnalyzer.changesTableID })
        #expect(
            changes.rows.map { $0.prefix(4).joined(separator: "|") } == [
                "\(Self.root)\\Clinical|remove-entry|NHSTRUST\\Domain Users|",
                "\(Self.root)\\Clinical|grant-read|Outpatients-Admin|",
                "\(Self.root)\\Finance|remove-entry|NHSTRUST\\Finance Team|",
                "\(Self.root)\\Finance|create-group|Finance-Readers|",
                "\(Self.root)\\Finance|grant-read|Finance-Readers|",
                "\(Self.root)\\Finance|add-member|Finance-Readers|NHSTRUST\\u5",
            ])
        // Each grant is where the entry it replaces was.
        let removed = Set(changes.rows.filter { $0[1] == "remove-entry" }.map { $0[4] })
        #expect(changes.rows.filter { $0[1] == "grant-read" }.allSatisfy { removed.contains($0[4]) })
        // Deterministic: the same estate gives the same proposal.
        let again = analyze(Self.estate(events: Self.events))
        #expect(again.tables.first { $0.id == "access.least-privilege" }?.rows == table.rows)
    }

    @Test(
        "one scan of the whole share: the new group is granted read where Domain Users was, not on the share above Finance"
    )
    func grantsWhereTheEntryWas() throws {
        // The share is scanned from its root, so Clinical, Finance and Referrals roll up to one share. Domain Users on
        // Clinical and Referrals is replaced; Finance stays its team's: a grant on the root would be inherited by it.
        var estate = Self.estate(events: Self.events)
        estate.fileScans = [
            FileScanRecord(
                root: "trust", aclRoot: Self.root, host: "FS01", files: 3, bytes: 3_000, filesRead: 3,
                filesSkipped: 0, filesFailed: 0)
        ]
        estate.patientData = estate.patientData.map { exposure in
            var moved = exposure
            moved.path = "trust/" + exposure.path
            return moved
        }
        let output = analyze(estate)
        let changes = try #require(output.tables.first { $0.id == AccessAnalyzer.changesTableID })
        let grants = changes.rows.filter { $0[1] == "grant-read" }
        #expect(!grants.isEmpty)
        #expect(grants.allSatisfy { $0[0] == Self.root }, "\(changes.rows)")
        #expect(
            Set(grants.map { $0[4] }) == ["\(Self.root)\\Clinical", "\(Self.root)\\Referrals"], "\(changes.rows)")
        #expect(!grants.contains { $0[4] == Self.root || $0[4].hasSuffix("Finance") })
    }

    @Test("a service account with a shared password that Domain Users lets read patient data is joined, as staff are")
    func serviceAccountReach() {
        var estate = Self.estate(events: [])
        // svc_backup: a service account in Domain Users (its primary group), which reads Clinical; not staff.
        estate.accounts.append(
            Account(
                name: "svc_backup", domain: "NHSTRUST",
                distinguishedName: "CN=svc_backup,OU=Service,DC=trust,DC=example",
                sid: SecurityIdentifier(Self.sid(50)), kind: .service, primaryGroupID: 513,
                source: EvidenceReference(file: "directory.ldif", line: 60)))
        let context = AnalysisContext(estate: estate, asOf: Self.asOf)
        let service = Subject.account(estate.accounts[10])
        let finding = Finding(
            rule: .sharedPassword, subject: service, detail: "", evidence: [.init(file: "ntds.txt", line: 4)],
            facts: ["sharedGroup": "1"])
        let joined = AccessJoin.findings([finding], context: context).findings
        #expect(joined.map(\.subject) == [service])
        #expect(joined.first?.detail.contains("can read files holding patient identifiers") == true)
        // Not counted as staff: the reach of staff is the ten users' (one disabled) through Domain Users and teams.
        let reach = AccessReach(estate: estate, asOf: Self.asOf)
        #expect(!reach.reaches(10) && reach.canRead(10))
        #expect(reach.staffCount == 9)
    }
}
