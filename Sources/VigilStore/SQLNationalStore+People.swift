import Crypto
public import Foundation
import HummingbirdBcrypt
import SQLKit
import VigilCore

extension SQLNationalStore {
    public func createUser(_ user: NewUser, password: String, origin: Origin) async throws -> UserRecord {
        let login = try Self.validLogin(user.login)
        let displayName = user.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(displayName.count), !displayName.unicodeScalars.contains(where: Self.isControl)
        else {
            throw StoreError(.invalidUser, "a display name is 1 to 200 characters on one line")
        }
        try Self.checkPassword(password)
        switch user.role {
        case .nationalAnalyst:
            guard user.organisation == nil, user.region == nil else {
                throw StoreError(.invalidUser, "a national analyst has neither an organisation nor a region")
            }
        case .regionalViewer:
            guard user.organisation == nil, let region = user.region, Self.isODSCode(region) else {
                throw StoreError(.invalidUser, "a regional viewer has a region or ICB code and no organisation")
            }
        case .organisationMember:
            guard user.region == nil, user.organisation != nil else {
                throw StoreError(.invalidUser, "an organisation member has an organisation and no region")
            }
        }
        // bcrypt is slow on purpose; it runs before the transaction so no lock is held while it works.
        let cost = policy.passwordCost
        let hash = await Self.offCooperativePool { Bcrypt.hash(password, cost: cost) }
        return try await transaction { database in
            var organisation: OrganisationRecord?
            if let code = user.organisation {
                organisation = try await database.raw(
                    "SELECT id, ods_code, name, kind, path FROM organisations WHERE ods_code = \(bind: code)"
                ).first().map(Self.organisation(row:))
                guard organisation != nil else {
                    throw StoreError(.unknownOrganisation, "no organisation has that ODS code")
                }
            }
            if let region = user.region {
                // A viewer of a code no organisation stands under would see nothing, and a typing mistake would
                // go unnoticed until an organisation was filed under it.
                let pattern = "%/" + region + "/%"
                guard
                    try await database.raw(
                        "SELECT id FROM organisations WHERE ('/' || path) LIKE \(bind: pattern) LIMIT 1"
                    ).first() != nil
                else {
                    throw StoreError(.unknownOrganisation, "no organisation stands under that region or ICB code")
                }
            }
            guard try await database.raw("SELECT id FROM users WHERE login = \(bind: login)").first() == nil else {
                throw StoreError(.duplicateUser, "a person with that sign-in name exists")
            }
            let at = Int64(origin.at.timeIntervalSince1970)
            let row = try await database.raw(
                """
                INSERT INTO users (login, display_name, role, organisation_id, region, password_hash, created_at)
                VALUES (\(bind: login), \(bind: displayName), \(bind: user.role.rawValue), \(bind: organisation?.id),
                \(bind: user.region), \(bind: hash), \(bind: at)) RETURNING id
                """
            ).first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else {
                throw StoreError(.corrupt, "the new person's id was not returned")
            }
            try await Self.append(
                AuditEntry(
                    .createUser, actor: "operator", organisation: organisation?.id, origin: origin,
                    detail: ([login, user.role.rawValue] + (user.region.map { [$0] } ?? [])).joined(separator: " ")),
                to: database)
            return UserRecord(
                id: id, login: login, displayName: displayName, role: user.role, organisation: organisation,
                region: user.region, createdAt: Self.date(at))
        }
    }

    public func users() async throws -> [UserRecord] {
        try await snapshot { database in
            try await database.raw("\(unsafeRaw: Self.userQuery) ORDER BY u.login").all().map(Self.user(row:))
        }
    }

    public func signIn(login: String, password: String, origin: Origin) async throws -> SignInOutcome {
        let name = (try? Self.validLogin(login)) ?? ""
        let now = Int64(origin.at.timeIntervalSince1970)
        let policy = policy
        // First, under the database's lock: refuse without a check when the address or the account is held back.
        let candidate: (user: UserRecord, hash: String)?
        switch try await transaction({ database in
            try await Self.precheck(login: name, now: now, origin: origin, policy: policy, database: database)
        }) {
        case .refused(let outcome): return outcome
        case .proceed(let found): candidate = found
        }
        // Then the slow part, outside any transaction. An unknown name costs the same bcrypt work as a known one, so
        // timing does not tell which names exist.
        // bcrypt reads only 72 bytes, so a longer try whose start is the password would pass: such a try is wrong by
        // definition (no password is longer), and costs the same work as any other.
        let acceptable = Self.passwordBytes.contains(password.utf8.count)
        let verified = await Self.offCooperativePool {
            guard let candidate, acceptable else {
                _ = Bcrypt.hash(password, cost: policy.passwordCost)
                return false
            }
            return Bcrypt.verify(password, hash: candidate.hash)
        }
        return try await transaction { database in
            guard verified, let user = candidate?.user else {
                try await Self.recordFailure(
                    user: candidate?.user, now: now, origin: origin, policy: policy, database: database)
                return .rejected
            }
            try await database.raw("UPDATE users SET failed_count = 0 WHERE id = \(bind: user.id)").run()
            // The person's sessions that ended without being presented again are removed here, so no timer is
            // needed. Only theirs: a server whose clock runs ahead must not end other people's sessions.
            try await database.raw(
                """
                DELETE FROM sessions WHERE user_id = \(bind: user.id) AND (expires_at <= \(bind: now)
                OR last_seen_at <= \(bind: now - Int64(policy.idleTimeout)))
                """
            ).run()
            let token = Self.randomHex(bytes: 32)
            let csrf = Self.randomHex(bytes: 32)
            let expires = now + Int64(policy.sessionLifetime)
            try await database.raw(
                """
                INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen_at, expires_at)
                VALUES (\(bind: Self.tokenHash(token)), \(bind: user.id), \(bind: csrf), \(bind: now), \(bind: now),
                \(bind: expires))
                """
            ).run()
            try await Self.append(
                AuditEntry(.signIn, user: user.id, organisation: user.organisation?.id, origin: origin), to: database)
            return .signedIn(Session(token: token, csrf: csrf, user: user, expiresAt: Self.date(expires)))
        }
    }

    /// The session `token` opens at `date`, if it is still live. Read from a snapshot: a page view writes only when
    /// the session ended (its row is deleted) or its last activity is a ``activityGranularity`` or more old, so most
    /// views never wait for the writer. Idle sessions therefore end up to that much early, never late.
    public func session(token: String, at date: Date) async throws -> Session? {
        guard Self.isHexToken(token) else { return nil }
        let hash = Self.tokenHash(token)
        let now = Int64(date.timeIntervalSince1970)
        let idle = Int64(policy.idleTimeout)
        let found = try await snapshot { database -> SessionLookup in
            guard
                let row = try await database.raw(
                    "SELECT user_id, csrf, last_seen_at, expires_at FROM sessions WHERE id_hash = \(bind: hash)"
                ).first()
            else { return .missing }
            let lastSeen = try row.decode(column: "last_seen_at", as: Int64.self)
            let expires = try row.decode(column: "expires_at", as: Int64.self)
            guard now < expires, now < lastSeen + idle else { return .ended }
            let userID = try row.decode(column: "user_id", as: Int64.self)
            guard
                let user = try await database.raw(
                    "\(unsafeRaw: Self.userQuery) WHERE u.id = \(bind: userID) AND u.disabled_at IS NULL"
                ).first().map(Self.user(row:))
            else { return .missing }
            let session = Session(
                token: token, csrf: try row.decode(column: "csrf", as: String.self), user: user,
                expiresAt: Self.date(expires))
            return .live(session, lastSeen: lastSeen)
        }
        switch found {
        case .ended:
            // Its row goes.
            // Only if it has still ended: another server may have recorded activity since the snapshot.
            try await transaction(priority: .interactive) { database in
                try await database.raw(
                    """
                    DELETE FROM sessions WHERE id_hash = \(bind: hash)
                    AND (expires_at <= \(bind: now) OR last_seen_at + \(bind: idle) <= \(bind: now))
                    """
                ).run()
            }
            return nil
        case .missing:
            return nil
        case .live(let session, let lastSeen):
            // Never moved backwards: two servers' clocks may differ by a little.
            if now >= lastSeen + Self.activityGranularity {
                try await transaction(priority: .interactive) { database in
                    try await database.raw(
                        """
                        UPDATE sessions SET last_seen_at = \(bind: now)
                        WHERE id_hash = \(bind: hash) AND last_seen_at < \(bind: now)
                        """
                    ).run()
                }
            }
            return session
        }
    }

    /// What a session token finds.
    enum SessionLookup: Sendable {
        /// No session (or no user) has it.
        case missing
        /// Its session is past its lifetime or idle too long.
        case ended
        /// Its session is live; its last activity as recorded.
        case live(Session, lastSeen: Int64)
    }

    /// How stale a session's recorded last activity may grow before a page view writes it again, in seconds.
    static var activityGranularity: Int64 { 60 }

    public func signOut(token: String, origin: Origin) async throws {
        guard Self.isHexToken(token) else { return }
        let hash = Self.tokenHash(token)
        try await transaction { database in
            guard
                let row = try await database.raw(
                    """
                    SELECT s.user_id, u.organisation_id FROM sessions s JOIN users u ON u.id = s.user_id
                    WHERE s.id_hash = \(bind: hash)
                    """
                ).first()
            else { return }
            try await database.raw("DELETE FROM sessions WHERE id_hash = \(bind: hash)").run()
            try await Self.append(
                AuditEntry(
                    .signOut, user: try row.decode(column: "user_id", as: Int64.self),
                    organisation: try row.decode(column: "organisation_id", as: Int64?.self), origin: origin),
                to: database)
        }
    }

    // MARK: - Sign-in stages

    /// The first stage's answer: refuse now, or check the password of this account (`nil`: no such account).
    enum Precheck: Sendable {
        case refused(SignInOutcome)
        case proceed((user: UserRecord, hash: String)?)
    }

    /// Refuses an address that failed `failuresPerAddress` times within the window and an account still locked, each
    /// audited; otherwise returns the account to check.
    static func precheck(
        login: String, now: Int64, origin: Origin, policy: SignInPolicy, database: any SQLDatabase
    ) async throws -> Precheck {
        let windowStart = now - Int64(policy.addressWindow)
        // Old failures are no longer counted; removed here so the table stays small without any timer.
        try await database.raw("DELETE FROM sign_in_failures WHERE at < \(bind: windowStart)").run()
        let failures =
            try await database.raw(
                """
                SELECT COUNT(*) AS n FROM sign_in_failures WHERE address = \(bind: origin.address)
                AND at >= \(bind: windowStart)
                """
            ).first()?.decode(column: "n", as: Int64.self) ?? 0
        let row =
            login.isEmpty
            ? nil
            : try await database.raw(
                """
                SELECT \(unsafeRaw: userColumns), u.password_hash, u.locked_until \(unsafeRaw: userSource)
                WHERE u.login = \(bind: login)
                """
            ).first()
        let user = try row.map(Self.user(row:))
        if failures >= Int64(policy.failuresPerAddress) {
            try await append(
                AuditEntry(
                    .signInRateLimited, user: user?.id, actor: user == nil ? "unknown" : nil,
                    organisation: user?.organisation?.id, origin: origin), to: database)
            return .refused(.rateLimited)
        }
        guard let row, let user else { return .proceed(nil) }
        if let lockedUntil = try row.decode(column: "locked_until", as: Int64?.self), lockedUntil > now {
            try await append(
                AuditEntry(.signInLocked, user: user.id, organisation: user.organisation?.id, origin: origin),
                to: database)
            return .refused(.locked(until: date(lockedUntil)))
        }
        // A disabled account is checked like an unknown name (the same bcrypt work, the same answer, the address's
        // failure counted), so the answer does not tell it apart; the audit log says which it was.
        if user.disabledAt != nil {
            try await append(
                AuditEntry(.signInDisabled, user: user.id, organisation: user.organisation?.id, origin: origin),
                to: database)
            return .proceed(nil)
        }
        return .proceed((user, try row.decode(column: "password_hash", as: String.self)))
    }

    /// Counts a failure against the address and the account; the failure that reaches the limit locks the account
    /// and starts the count again.
    static func recordFailure(
        user: UserRecord?, now: Int64, origin: Origin, policy: SignInPolicy, database: any SQLDatabase
    ) async throws {
        try await database.raw(
            "INSERT INTO sign_in_failures (address, at) VALUES (\(bind: origin.address), \(bind: now))"
        ).run()
        try await append(
            AuditEntry(
                .signInFailed, user: user?.id, actor: user == nil ? "unknown" : nil,
                organisation: user?.organisation?.id, origin: origin), to: database)
        guard let user else { return }
        let count =
            try await database.raw(
                "UPDATE users SET failed_count = failed_count + 1 WHERE id = \(bind: user.id) RETURNING failed_count"
            ).first()?.decode(column: "failed_count", as: Int64.self) ?? 0
        guard count >= Int64(policy.failuresBeforeLockout) else { return }
        let until = now + Int64(policy.lockout)
        try await database.raw(
            "UPDATE users SET failed_count = 0, locked_until = \(bind: until) WHERE id = \(bind: user.id)"
        ).run()
        try await append(
            AuditEntry(
                .accountLocked, user: user.id, organisation: user.organisation?.id, origin: origin,
                detail: "\(policy.failuresBeforeLockout) failures; locked \(Int(policy.lockout)) s"), to: database)
    }

    // MARK: - Rows and checks

    /// A person's columns with their organisation's.
    static let userColumns = """
        u.id, u.login, u.display_name, u.role, u.region, u.created_at, u.disabled_at, o.id AS o_id, o.ods_code AS o_code,
        o.name AS o_name, o.kind AS o_kind, o.path AS o_path
        """
    /// Where a person and their organisation are read from.
    static let userSource = "FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id"
    /// A person with their organisation; callers add the WHERE clause.
    static let userQuery = "SELECT \(userColumns) \(userSource)"

    static func user(row: any SQLRow) throws -> UserRecord {
        guard let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else {
            throw StoreError(.corrupt, "a person has an unknown role")
        }
        var organisation: OrganisationRecord?
        if let id = try row.decode(column: "o_id", as: Int64?.self) {
            organisation = OrganisationRecord(
                id: id, code: try row.decode(column: "o_code", as: String.self),
                name: try row.decode(column: "o_name", as: String.self),
                kind: Organisation.Kind(rawValue: try row.decode(column: "o_kind", as: String.self)) ?? .other,
                path: try row.decode(column: "o_path", as: String.self))
        }
        return UserRecord(
            id: try row.decode(column: "id", as: Int64.self), login: try row.decode(column: "login", as: String.self),
            displayName: try row.decode(column: "display_name", as: String.self), role: role,
            organisation: organisation, region: try row.decode(column: "region", as: String?.self),
            createdAt: date(try row.decode(column: "created_at", as: Int64.self)),
            disabledAt: try row.decode(column: "disabled_at", as: Int64?.self).map(date))
    }

    /// `login` lower-cased when it is 3 to 254 of `a-z 0-9 . _ @ + -`, else an error that does not quote it.
    static func validLogin(_ login: String) throws -> String {
        let lowered = login.lowercased()
        guard (3...254).contains(lowered.utf8.count),
            lowered.utf8.allSatisfy({
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || Array("._@+-".utf8).contains($0)
            })
        else {
            throw StoreError(.invalidUser, "a sign-in name is 3 to 254 letters, digits and . _ @ + -")
        }
        return lowered
    }

    /// The shortest and longest passwords accepted: bcrypt reads only the first 72 bytes, so a longer one would be
    /// silently cut; refused instead.
    public static let passwordBytes = 12...72

    /// Refuses a password bcrypt cannot take whole, or one too short to resist guessing, without quoting it.
    static func checkPassword(_ password: String) throws {
        guard passwordBytes.contains(password.utf8.count), !password.contains("\u{0}") else {
            throw StoreError(
                .invalidUser,
                "a password is \(passwordBytes.lowerBound) to \(passwordBytes.upperBound) bytes without NUL")
        }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// A session cookie as the store makes them: 64 hex digits. Anything else is not looked up.
    static func isHexToken(_ token: String) -> Bool {
        token.utf8.count == 64 && token.utf8.allSatisfy { HexDigit.value($0) != nil }
    }

    /// Runs `work` (bcrypt: a quarter of a second of CPU by design) on a Dispatch thread, so that it does not hold one
    /// of Swift's few cooperative threads, which every other request of the server shares.
    static func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }

    /// `bytes` random bytes from the system's generator, as lower-case hex.
    static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return HexDigit.encode((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
