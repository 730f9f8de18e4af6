import Foundation
import Testing
import VigilCore

@testable import VigilStore

/// People, sessions, sign-in limits and the audit log in the conformance suite, on every configured backend. The clock
/// is the `Origin` each call passes (no sleeps); every test uses sign-in names and client addresses of its own, so
/// tests share a PostgreSQL database without counting each other's failures.
@Suite("national store conformance: people")
struct PeopleConformanceTests {
    static let password = "correct horse battery"
    static let start = Scenario.start

    /// A sign-in name and a client address no other test uses.
    static func unique(_ prefix: String) -> (login: String, address: String) {
        let tag = String(UInt32.random(in: 0 ... .max), radix: 16)
        return ("\(prefix).\(tag)@example.nhs.uk", "10.\(tag)")
    }

    static func at(_ seconds: TimeInterval, from address: String) -> Origin {
        Origin(address: address, at: start.addingTimeInterval(seconds))
    }

    static func member(_ store: SQLNationalStore, of organisation: OrganisationRecord, login: String) async throws
        -> UserRecord
    {
        try await store.createUser(
            NewUser(
                login: login, displayName: "Ada Member", role: .organisationMember, organisation: organisation.code),
            password: password, origin: Origin(address: "cli", at: start))
    }

    @Test("people of every role are created once, named lower-case, and scoped by role", arguments: Backend.available)
    func users(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let other = try await Scenario.organisation(in: store)
            let names = (Self.unique("a").login, Self.unique("r").login, Self.unique("m").login)
            let origin = Origin(address: "cli", at: Self.start)
            let analyst = try await store.createUser(
                NewUser(login: names.0.uppercased(), displayName: "Nat", role: .nationalAnalyst),
                password: Self.password, origin: origin)
            let viewer = try await store.createUser(
                NewUser(login: names.1, displayName: "Reg", role: .regionalViewer, region: "QE1"),
                password: Self.password, origin: origin)
            let member = try await Self.member(store, of: organisation, login: names.2)
            #expect(analyst.login == names.0 && analyst.scope == .nation)
            #expect(viewer.scope == .region("QE1"))
            #expect(member.organisation == organisation && member.scope == .organisation(organisation.id))
            #expect(member.scope.includes(organisation) && !member.scope.includes(other))
            #expect(viewer.scope.includes(organisation) && !Scope.region("Y99").includes(organisation))
            // A region is matched above the organisation, never as the organisation's own code.
            #expect(!Scope.region(organisation.code).includes(organisation))
            let listed = try await store.users()
            #expect([analyst, viewer, member].allSatisfy(listed.contains))
            await #expect(throws: StoreError.self) {
                _ = try await store.createUser(
                    NewUser(login: names.0, displayName: "Again", role: .nationalAnalyst), password: Self.password,
                    origin: origin)
            }
        }
    }

    @Test(
        "a person's role, name and password are checked before anything is stored",
        arguments: [
            (NewUser(login: "x1@example.nhs.uk", displayName: "M", role: .organisationMember), "long enough pw"),
            (NewUser(login: "x2@example.nhs.uk", displayName: "R", role: .regionalViewer), "long enough pw"),
            (
                NewUser(login: "x3@example.nhs.uk", displayName: "N", role: .nationalAnalyst, region: "Y56"),
                "long enough pw"
            ),
            (
                NewUser(
                    login: "x4@example.nhs.uk", displayName: "M", role: .organisationMember, organisation: "NOSUCH9"),
                "long enough pw"
            ),
            (NewUser(login: "no spaces", displayName: "N", role: .nationalAnalyst), "long enough pw"),
            (NewUser(login: "x5@example.nhs.uk", displayName: "two\nlines", role: .nationalAnalyst), "long enough pw"),
            (NewUser(login: "x6@example.nhs.uk", displayName: "N", role: .nationalAnalyst), "too short"),
            (
                NewUser(login: "x7@example.nhs.uk", displayName: "N", role: .nationalAnalyst),
                String(repeating: "p", count: 73)
            ),
        ])
    func invalidUsers(_ user: NewUser, _ password: String) async throws {
        try await Backend.sqlite.withStore { store async throws in
            await #expect(throws: StoreError.self) {
                _ = try await store.createUser(user, password: password, origin: .operatorNow())
            }
            #expect(try await store.users().isEmpty)
        }
    }

    @Test(
        "the right password starts a session bound to a CSRF token; a wrong one or an unknown name is rejected alike",
        arguments: Backend.available)
    func signIn(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let (login, address) = Self.unique("sign")
            let member = try await Self.member(store, of: organisation, login: login)
            #expect(
                try await store.signIn(login: login, password: "wrong password!", origin: Self.at(1, from: address))
                    == .rejected)
            // bcrypt would read only the first 72 bytes: a longer try starting with the password is still wrong.
            let long = try await store.createUser(
                NewUser(login: login + ".long", displayName: "Long", role: .nationalAnalyst),
                password: String(repeating: "p", count: 72), origin: Origin(address: "cli", at: Self.start))
            #expect(
                try await store.signIn(
                    login: long.login, password: String(repeating: "p", count: 80), origin: Self.at(1, from: address))
                    == .rejected)
            #expect(
                try await store.signIn(
                    login: "nobody@example.nhs.uk", password: Self.password, origin: Self.at(2, from: address))
                    == .rejected)
            guard
                case .signedIn(let session) = try await store.signIn(
                    login: login.uppercased(), password: Self.password, origin: Self.at(3, from: address))
            else {
                Issue.record("the right password did not sign in")
                return
            }
            #expect(session.user == member)
            #expect(session.token.count == 64 && session.csrf.count == 64 && session.token != session.csrf)
            #expect(session.expiresAt == Self.start.addingTimeInterval(3 + 12 * 3_600))
            let found = try #require(
                try await store.session(token: session.token, at: Self.start.addingTimeInterval(4)))
            #expect(found.user == member && found.csrf == session.csrf)
            #expect(try await store.session(token: String(repeating: "0", count: 64), at: Self.start) == nil)
            #expect(try await store.session(token: "not a token", at: Self.start) == nil)

            let log = try await store.auditLog(since: Self.start).filter { $0.address == address }
            #expect(log.map(\.action) == [.signInFailed, .signInFailed, .signInFailed, .signIn])
            #expect(log.map(\.who) == [login, long.login, "unknown", login])
            #expect(log.map(\.organisation) == [organisation.code, nil, nil, organisation.code])
            // Nothing typed at the form is kept: neither the password nor the unknown name.
            for record in log {
                let text = "\(record)"
                #expect(!text.contains(Self.password) && !text.contains("wrong password") && !text.contains("nobody"))
            }
        }
    }

    @Test(
        "a session ends when idle too long, at its lifetime however active, and at sign-out",
        arguments: Backend.available)
    func sessionsExpire(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let (login, address) = Self.unique("expiry")
            _ = try await Self.member(store, of: organisation, login: login)
            func signIn(at seconds: TimeInterval) async throws -> Session {
                guard
                    case .signedIn(let session) = try await store.signIn(
                        login: login, password: Self.password, origin: Self.at(seconds, from: address))
                else { throw StoreError(.corrupt, "no session") }
                return session
            }
            let idle = try await signIn(at: 0)
            #expect(try await store.session(token: idle.token, at: Self.start.addingTimeInterval(29 * 60)) != nil)
            // Used at 29 minutes, so alive at 58; then unused for 30 minutes: gone, and gone for good.
            #expect(try await store.session(token: idle.token, at: Self.start.addingTimeInterval(58 * 60)) != nil)
            #expect(try await store.session(token: idle.token, at: Self.start.addingTimeInterval(88 * 60)) == nil)
            #expect(try await store.session(token: idle.token, at: Self.start.addingTimeInterval(60 * 60)) == nil)

            let busy = try await signIn(at: 0)
            var minute = 20
            while minute < 12 * 60 {
                #expect(
                    try await store.session(token: busy.token, at: Self.start.addingTimeInterval(Double(minute) * 60))
                        != nil)
                minute += 20
            }
            #expect(try await store.session(token: busy.token, at: Self.start.addingTimeInterval(12 * 3_600)) == nil)

            let ended = try await signIn(at: 100)
            try await store.signOut(token: ended.token, origin: Self.at(101, from: address))
            #expect(try await store.session(token: ended.token, at: Self.start.addingTimeInterval(102)) == nil)
            let log = try await store.auditLog(since: nil).filter { $0.address == address }
            #expect(log.map(\.action) == [.signIn, .signIn, .signIn, .signOut])

            // Activity is recorded at most once a minute: used at 29:59 and again at 30:30 after sign-in, the idle
            // clock runs from 29:59, so the session has ended at 60:00 (recording every use, it would last to 60:30):
            // up to a minute early, never late.
            let coarse = try await signIn(at: 300)
            #expect(try await store.session(token: coarse.token, at: Self.start.addingTimeInterval(300 + 1_799)) != nil)
            #expect(try await store.session(token: coarse.token, at: Self.start.addingTimeInterval(300 + 1_830)) != nil)
            #expect(try await store.session(token: coarse.token, at: Self.start.addingTimeInterval(300 + 3_600)) == nil)

            // A session never presented again is removed at its owner's next sign-in once it has ended.
            let abandoned = try await signIn(at: 200)
            _ = try await signIn(at: 200 + 31 * 60)
            let left = try await store.transaction { database in
                try await database.raw(
                    "SELECT COUNT(*) AS n FROM sessions WHERE id_hash = \(bind: SQLNationalStore.tokenHash(abandoned.token))"
                ).first()?.decode(column: "n", as: Int64.self)
            }
            #expect(left == 0)
        }
    }

    @Test(
        "five failures lock the account for fifteen minutes, even against the right password; then it signs in",
        arguments: Backend.available)
    func lockout(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let (login, address) = Self.unique("lock")
            _ = try await Self.member(store, of: organisation, login: login)
            for attempt in 1...5 {
                let outcome = try await store.signIn(
                    login: login, password: "not the password \(attempt)",
                    origin: Self.at(Double(attempt), from: address))
                #expect(outcome == .rejected)
            }
            let until = Self.start.addingTimeInterval(5 + 15 * 60)
            #expect(
                try await store.signIn(login: login, password: Self.password, origin: Self.at(6, from: address))
                    == .locked(until: until))
            #expect(
                try await store.signIn(
                    login: login, password: Self.password, origin: Self.at(5 + 15 * 60 - 1, from: address))
                    == .locked(until: until))
            guard
                case .signedIn = try await store.signIn(
                    login: login, password: Self.password, origin: Self.at(5 + 15 * 60, from: address))
            else {
                Issue.record("the lock did not end at its time")
                return
            }
            // The count started again: four more failures do not lock.
            for attempt in 1...4 {
                _ = try await store.signIn(
                    login: login, password: "wrong again", origin: Self.at(2_000 + Double(attempt), from: address))
            }
            guard
                case .signedIn = try await store.signIn(
                    login: login, password: Self.password, origin: Self.at(2_010, from: address))
            else {
                Issue.record("four failures after a lock locked the account")
                return
            }
            let actions = try await store.auditLog(since: nil).filter { $0.address == address }.map(\.action)
            #expect(actions.filter { $0 == .accountLocked }.count == 1)
            #expect(actions.filter { $0 == .signInLocked }.count == 2)
            #expect(actions.filter { $0 == .signInFailed }.count == 9)
        }
    }

    @Test(
        "a disabled person's sessions end at once and their right password is rejected as a wrong one; enabled again they sign in",
        arguments: Backend.available)
    func disabled(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let (login, address) = Self.unique("leaver")
            _ = try await Self.member(store, of: organisation, login: login)
            guard
                case .signedIn(let session) = try await store.signIn(
                    login: login, password: Self.password, origin: Self.at(1, from: address))
            else {
                Issue.record("the right password did not sign in")
                return
            }
            let disabled = try await store.setDisabled(
                login: login.uppercased(), true, origin: Origin(address: "cli", at: Self.start.addingTimeInterval(2)))
            #expect(disabled.disabledAt == Self.start.addingTimeInterval(2))
            #expect(try await store.session(token: session.token, at: Self.start.addingTimeInterval(3)) == nil)
            #expect(
                try await store.signIn(login: login, password: Self.password, origin: Self.at(4, from: address))
                    == .rejected)
            #expect(try await store.users().first { $0.login == login }?.disabledAt == disabled.disabledAt)
            _ = try await store.setDisabled(login: login, false, origin: Origin(address: "cli", at: Self.start))
            guard
                case .signedIn = try await store.signIn(
                    login: login, password: Self.password, origin: Self.at(5, from: address))
            else {
                Issue.record("an enabled person could not sign in")
                return
            }
            await #expect(throws: StoreError.self) {
                _ = try await store.setDisabled(login: "nobody.at.all@example.nhs.uk", true, origin: .operatorNow())
            }
            let log = try await store.auditLog(since: Self.start)
            #expect(
                log.filter { $0.address == address }.map(\.action) == [
                    .signIn, .signInDisabled, .signInFailed, .signIn,
                ])
            let operatorActs = log.filter { $0.detail == login }.map(\.action)
            #expect(operatorActs == [.disableUser, .enableUser])
            #expect(log.filter { $0.detail == login }.allSatisfy { $0.who == "operator" })
        }
    }

    @Test(
        "a revoked token authorises nothing; revoking names tokens by fingerprint, and a wrong fingerprint revokes none",
        arguments: Backend.available)
    func revokedTokens(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let first = try await store.issueToken(organisation: organisation.code, at: Self.start)
            let second = try await store.issueToken(
                organisation: organisation.code, at: Self.start.addingTimeInterval(1))
            let listed = try await store.tokens(organisation: organisation.code)
            #expect(
                listed.map(\.fingerprint)
                    == [first, second].map(SQLNationalStore.tokenFingerprint))
            #expect(listed.allSatisfy { $0.revokedAt == nil && $0.fingerprint.count == 12 })
            let origin = Origin(address: "cli", at: Self.start.addingTimeInterval(5))
            await #expect(throws: StoreError.self) {
                _ = try await store.revokeTokens(
                    organisation: organisation.code, fingerprint: "000000000000", origin: origin)
            }
            #expect(
                try await store.revokeTokens(
                    organisation: organisation.code, fingerprint: SQLNationalStore.tokenFingerprint(first).uppercased(),
                    origin: origin) == 1)
            #expect(try await store.organisation(token: first) == nil)
            #expect(try await store.organisation(token: second) == organisation)
            #expect(
                try await store.revokeTokens(organisation: organisation.code, fingerprint: nil, origin: origin) == 1)
            #expect(try await store.organisation(token: second) == nil)
            #expect(try await store.tokens(organisation: organisation.code).allSatisfy { $0.revokedAt == origin.at })
            await #expect(throws: StoreError.self) {
                _ = try await store.tokens(organisation: "NOSUCH1")
            }
        }
    }

    @Test("an address that failed too often is refused unchecked until its window passes", arguments: Backend.available)
    func addressRateLimit(_ backend: Backend) async throws {
        let policy = SignInPolicy(failuresPerAddress: 3, addressWindow: 600, passwordCost: 4)
        // Later than any other test's clock: the failures table is shared on PostgreSQL, and each sign-in prunes rows
        // older than its own clock's window, so a test at a later fake time would otherwise prune these.
        let base: TimeInterval = 1_000_000
        try await backend.withStore(policy: policy) { store in
            let organisation = try await Scenario.organisation(in: store)
            let (login, address) = Self.unique("limit")
            let elsewhere = Self.unique("other").address
            _ = try await Self.member(store, of: organisation, login: login)
            for attempt in 1...3 {
                _ = try await store.signIn(
                    login: "guess\(attempt)@example.nhs.uk", password: "whatever it is",
                    origin: Self.at(base + Double(attempt), from: address))
            }
            #expect(
                try await store.signIn(login: login, password: Self.password, origin: Self.at(base + 10, from: address))
                    == .rateLimited)
            guard
                case .signedIn = try await store.signIn(
                    login: login, password: Self.password, origin: Self.at(base + 11, from: elsewhere))
            else {
                Issue.record("another address was limited")
                return
            }
            guard
                case .signedIn = try await store.signIn(
                    login: login, password: Self.password, origin: Self.at(base + 604, from: address))
            else {
                Issue.record("the address stayed limited after its window")
                return
            }
            let actions = try await store.auditLog(since: nil).filter { $0.address == address }.map(\.action)
            #expect(actions == [.signInFailed, .signInFailed, .signInFailed, .signInRateLimited, .signIn])
        }
    }

    @Test(
        "the audit log reads from a time on, in order, and the database refuses to rewrite it",
        arguments: Backend.available)
    func auditLog(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let address = Self.unique("audit").address
            for (offset, action) in [AuditAction.viewOverview, .viewOrganisation, .issueAlert].enumerated() {
                try await store.audit(
                    AuditEntry(
                        action, actor: "operator", organisation: organisation.id,
                        origin: Self.at(Double(offset) * 100, from: address), detail: "n\(offset)"))
            }
            let later = try await store.auditLog(since: Self.start.addingTimeInterval(100)).filter {
                $0.address == address
            }
            #expect(later.map(\.action) == [.viewOrganisation, .issueAlert])
            #expect(later.map(\.detail) == ["n1", "n2"])
            #expect(later.allSatisfy { $0.who == "operator" && $0.organisation == organisation.code })
            #expect(later[0].id < later[1].id)
            for statement in ["UPDATE audit_log SET action = 'sign-in'", "DELETE FROM audit_log"] {
                await #expect(throws: (any Error).self) {
                    try await store.transaction { try await $0.raw("\(unsafeRaw: statement)").run() }
                }
            }
            #expect(try await store.auditLog(since: nil).filter { $0.address == address }.count == 3)
        }
    }
}
