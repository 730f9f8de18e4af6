import Foundation
import SQLKit
import VigilSubmission

/// What accepting an organisation's new pseudonymisation key did.
public struct KeyAcceptance: Sendable, Hashable {
    /// The fingerprint recorded before, if any.
    public var previous: String?
    /// The fingerprint recorded now.
    public var fingerprint: String
    /// The organisation's live tickets (open, unverified, excepted) keyed by the retired key: no later submission
    /// fixes them, and each is left unverified once its area is assessed again.
    public var retired: Int

    public init(previous: String?, fingerprint: String, retired: Int) {
        self.previous = previous
        self.fingerprint = fingerprint
        self.retired = retired
    }
}

/// The organisation's pseudonymisation key, by fingerprint (docs/decisions/0001-national-service.md, "A changed
/// key"). Subjects reach the service only as keys under the organisation's secret, so a submission under another key
/// names every subject anew: each of its findings would open a ticket beside the one already open for the same host,
/// and a coverage of a whole kind would fix the old ones with no evidence of a fix. The first submission carrying a
/// fingerprint records it (``ingest(_:organisation:receivedAt:origin:)``); one under another key is refused; the
/// national team records a new key when an organisation replaced its own on purpose.
extension SQLNationalStore {
    /// The fingerprint of the organisation `code`'s key, once a submission has carried one.
    public func keyFingerprint(organisation code: String) async throws -> String? {
        try await snapshot { database in
            guard
                let row = try await database.raw(
                    "SELECT key_fingerprint FROM organisations WHERE ods_code = \(bind: code)"
                ).first()
            else { throw StoreError(.unknownOrganisation, "no organisation has that ODS code") }
            return try row.decode(column: "key_fingerprint", as: String?.self)
        }
    }

    /// Records `fingerprint` as the key of the organisation `code` and retires the tickets keyed by its previous one,
    /// audited with `origin`. Refused when the organisation has no key recorded yet (its next submission records
    /// its own, retiring nothing) or when `fingerprint` is the one recorded.
    public func acceptKey(organisation code: String, fingerprint: String, origin: Origin) async throws
        -> KeyAcceptance
    {
        guard PseudonymKey.isFingerprint(fingerprint) else {
            throw StoreError(
                .invalidOrganisation, "a key fingerprint is 16 lowercase hex digits (vigil submit --key-fingerprint)")
        }
        return try await transaction { database in
            let organisation = try await Self.organisationID(code: code, in: database)
            try await self.lockOrganisation(organisation, on: database)
            guard
                let row = try await database.raw(
                    """
                    SELECT key_fingerprint, (SELECT MAX(id) FROM tickets WHERE organisation_id = o.id) AS newest,
                    (SELECT COUNT(*) FROM tickets WHERE organisation_id = o.id AND is_current = 1
                    AND state <> 'fixed') AS live
                    FROM organisations o WHERE o.id = \(bind: organisation)
                    """
                ).first()
            else { throw StoreError(.unknownOrganisation, "no organisation has that ODS code") }
            guard let previous = try row.decode(column: "key_fingerprint", as: String?.self) else {
                throw StoreError(
                    .invalidOrganisation,
                    "\(code) has no key recorded yet: its next submission records its own, with nothing to accept")
            }
            guard previous != fingerprint else {
                throw StoreError(.invalidOrganisation, "that key is \(code)'s already: nothing to accept")
            }
            let newest = try row.decode(column: "newest", as: Int64?.self) ?? 0
            // The revision moves too: a ticket plan made ahead of a submission's transaction (SQLite) is used only
            // while the revision stands, and one made before this would fix tickets now retired.
            try await database.raw(
                """
                UPDATE organisations SET key_fingerprint = \(bind: fingerprint), retired_key_tickets = \(bind: newest),
                revision = revision + 1 WHERE id = \(bind: organisation)
                """
            ).run()
            let retired = Int(try row.decode(column: "live", as: Int64.self))
            try await Self.append(
                AuditEntry(
                    .acceptKey, actor: "operator", organisation: organisation, origin: origin,
                    detail: "key \(fingerprint) replaces \(previous); \(retired) live tickets retired"),
                to: database)
            return KeyAcceptance(previous: previous, fingerprint: fingerprint, retired: retired)
        }
    }
}
