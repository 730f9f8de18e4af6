public import Foundation
import SQLKit
import VigilCore

/// One submission token as the operator may see it: never the token, only a fingerprint of its hash.
public struct TokenRecord: Sendable, Hashable {
    /// The first 12 hex digits of the token's SHA-256: enough to tell an organisation's tokens apart, nothing to
    /// submit with.
    public var fingerprint: String
    /// When it was issued.
    public var createdAt: Date
    /// When it was revoked; `nil` while it still authorises submissions.
    public var revokedAt: Date?

    public init(fingerprint: String, createdAt: Date, revokedAt: Date?) {
        self.fingerprint = fingerprint
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// A token just issued: the token itself (to hand over once), its fingerprint, and those of the tokens it replaced.
public struct IssuedToken: Sendable, Hashable {
    /// The token: shown or written once, stored only hashed.
    public var token: String
    /// Its fingerprint, as `list-tokens` shows it.
    public var fingerprint: String
    /// The fingerprints of the organisation's tokens revoked in its place (`--replace`), oldest first.
    public var revoked: [String]

    public init(token: String, fingerprint: String, revoked: [String]) {
        self.token = token
        self.fingerprint = fingerprint
        self.revoked = revoked
    }
}

/// Taking access away: a leaked or retired submission token, a person who left. Both stay in the database (the audit
/// log names them), and both stop working at once.
extension SQLNationalStore {
    /// How many hex digits of a token's hash name it to the operator.
    public static let tokenFingerprintLength = 12

    /// The fingerprint `vigil admin list-tokens` shows for `token` (`issue-token` prints it beside the token).
    public static func tokenFingerprint(_ token: String) -> String {
        String(tokenHash(token).prefix(tokenFingerprintLength))
    }

    /// Makes a submission token for the organisation `code` and stores it (hashed), handing it to `deliver` within
    /// the same transaction, audited with `origin`; with `replacing`, the organisation's other live tokens are revoked
    /// in that transaction too.
    ///
    /// Why one transaction with the delivery in it: a token stored before its file could not be written was live and
    /// held by nobody, with its fingerprint never shown; one that `deliver` cannot hand over is now never stored, and
    /// no older token is revoked. The audit entries name the tokens by fingerprint (never the token), so a leaked one
    /// can be traced to its issue and its revocation.
    public func issueToken(
        organisation code: String, replacing: Bool, origin: Origin, deliver: @Sendable (IssuedToken) throws -> Void
    ) async throws -> IssuedToken {
        let token = Self.newToken()
        let hash = Self.tokenHash(token)
        let fingerprint = String(hash.prefix(Self.tokenFingerprintLength))
        let at = Int64(origin.at.timeIntervalSince1970)
        return try await transaction(priority: .interactive) { database in
            let id = try await Self.organisationID(code: code, in: database)
            var revoked: [String] = []
            if replacing {
                let live = try await database.raw(
                    """
                    SELECT token_hash FROM submission_tokens
                    WHERE organisation_id = \(bind: id) AND revoked_at IS NULL ORDER BY created_at, token_hash
                    """
                ).all().map { try $0.decode(column: "token_hash", as: String.self) }
                for old in live {
                    try await database.raw(
                        "UPDATE submission_tokens SET revoked_at = \(bind: at) WHERE token_hash = \(bind: old)"
                    ).run()
                }
                revoked = live.map { String($0.prefix(Self.tokenFingerprintLength)) }
            }
            try await database.raw(
                """
                INSERT INTO submission_tokens (token_hash, organisation_id, created_at)
                VALUES (\(bind: hash), \(bind: id), \(bind: at))
                """
            ).run()
            try await Self.append(
                AuditEntry(
                    .issueToken, actor: "operator", organisation: id, origin: origin,
                    detail: "token \(fingerprint)" + (replacing ? " (replacing the others)" : "")), to: database)
            if !revoked.isEmpty {
                try await Self.append(
                    AuditEntry(
                        .revokeToken, actor: "operator", organisation: id, origin: origin,
                        detail: Self.tokensDetail(revoked) + " (replaced by \(fingerprint))"), to: database)
            }
            let issued = IssuedToken(token: token, fingerprint: fingerprint, revoked: revoked)
            try deliver(issued)
            return issued
        }
    }

    /// `token 1a2b3c4d5e6f`, or `2 tokens: 1a2b3c4d5e6f, …`: revoked tokens named in the audit log by fingerprint.
    static func tokensDetail(_ fingerprints: [String]) -> String {
        switch fingerprints.count {
        case 0: "no token"
        case 1: "token \(fingerprints[0])"
        default: "\(fingerprints.count) tokens: " + fingerprints.joined(separator: ", ")
        }
    }

    /// The submission tokens of the organisation `code`, oldest first.
    public func tokens(organisation code: String) async throws -> [TokenRecord] {
        try await snapshot { database in
            let id = try await Self.organisationID(code: code, in: database)
            return try await database.raw(
                """
                SELECT token_hash, created_at, revoked_at FROM submission_tokens
                WHERE organisation_id = \(bind: id) ORDER BY created_at, token_hash
                """
            ).all().map { row in
                TokenRecord(
                    fingerprint: String(
                        try row.decode(column: "token_hash", as: String.self).prefix(Self.tokenFingerprintLength)),
                    createdAt: Self.date(try row.decode(column: "created_at", as: Int64.self)),
                    revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Self.date))
            }
        }
    }

    /// Revokes the organisation's live tokens whose fingerprint is `fingerprint` (every live one when `nil`), audited
    /// with `origin`; returns how many. A fingerprint that names no live token is an error, so a typing mistake is
    /// never taken for a revocation.
    public func revokeTokens(organisation code: String, fingerprint given: String?, origin: Origin) async throws -> Int
    {
        let fingerprint = given?.lowercased()
        if let fingerprint {
            guard fingerprint.utf8.count == Self.tokenFingerprintLength,
                fingerprint.utf8.allSatisfy({ HexDigit.value($0) != nil })
            else {
                throw StoreError(.unknownToken, "a fingerprint is \(Self.tokenFingerprintLength) hex digits")
            }
        }
        let at = Int64(origin.at.timeIntervalSince1970)
        return try await transaction(priority: .interactive) { database in
            let id = try await Self.organisationID(code: code, in: database)
            let live = try await database.raw(
                """
                SELECT token_hash FROM submission_tokens
                WHERE organisation_id = \(bind: id) AND revoked_at IS NULL
                """
            ).all().map { try $0.decode(column: "token_hash", as: String.self) }
            let chosen = live.filter { fingerprint.map($0.hasPrefix) ?? true }
            if fingerprint != nil, chosen.isEmpty {
                throw StoreError(.unknownToken, "no live token of the organisation has that fingerprint")
            }
            for hash in chosen {
                try await database.raw(
                    "UPDATE submission_tokens SET revoked_at = \(bind: at) WHERE token_hash = \(bind: hash)"
                ).run()
            }
            try await Self.append(
                AuditEntry(
                    .revokeToken, actor: "operator", organisation: id, origin: origin,
                    detail: Self.tokensDetail(chosen.map { String($0.prefix(Self.tokenFingerprintLength)) })),
                to: database)
            return chosen.count
        }
    }

    /// Disables (a leaver) or enables again the person `login`, audited with `origin`. Disabling ends their sessions
    /// at once; their audit history stays theirs. Returns the person as they now are.
    public func setDisabled(login: String, _ disabled: Bool, origin: Origin) async throws -> UserRecord {
        let name = try Self.validLogin(login)
        let at = Int64(origin.at.timeIntervalSince1970)
        return try await transaction(priority: .interactive) { database in
            guard
                let user = try await database.raw("\(unsafeRaw: Self.userQuery) WHERE u.login = \(bind: name)").first()
                    .map(Self.user(row:))
            else {
                throw StoreError(.unknownUser, "no person has that sign-in name")
            }
            if disabled {
                // Kept at the first date when disabled twice: the log says when access ended.
                try await database.raw(
                    "UPDATE users SET disabled_at = \(bind: at) WHERE id = \(bind: user.id) AND disabled_at IS NULL"
                ).run()
                try await database.raw("DELETE FROM sessions WHERE user_id = \(bind: user.id)").run()
            } else {
                try await database.raw(
                    "UPDATE users SET disabled_at = NULL, failed_count = 0, locked_until = NULL WHERE id = \(bind: user.id)"
                ).run()
            }
            // The operator acted; the person acted on is named in the detail (a sign-in name the store holds).
            try await Self.append(
                AuditEntry(
                    disabled ? .disableUser : .enableUser, actor: "operator", organisation: user.organisation?.id,
                    origin: origin, detail: user.login), to: database)
            var changed = user
            changed.disabledAt = disabled ? (user.disabledAt ?? Self.date(at)) : nil
            return changed
        }
    }

    /// The id of the organisation `code`, or ``StoreError/Code/unknownOrganisation``.
    static func organisationID(code: String, in database: any SQLDatabase) async throws -> Int64 {
        guard let row = try await database.raw("SELECT id FROM organisations WHERE ods_code = \(bind: code)").first()
        else {
            throw StoreError(.unknownOrganisation, "no organisation has that ODS code")
        }
        return try row.decode(column: "id", as: Int64.self)
    }
}
