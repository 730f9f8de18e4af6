import Crypto
public import Foundation
import SQLKit
import VigilCore

extension SQLNationalStore {
    public func createOrganisation(_ organisation: NewOrganisation) async throws -> OrganisationRecord {
        for code in [organisation.code] + organisation.parents where !Self.isODSCode(code) {
            throw StoreError(.invalidOrganisation, "an ODS code is 1 to 16 capital letters and digits")
        }
        let name = organisation.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(name.count), !name.contains(where: \.isNewline) else {
            throw StoreError(.invalidOrganisation, "an organisation's name is 1 to 200 characters on one line")
        }
        guard Set(organisation.parents + [organisation.code]).count == organisation.parents.count + 1 else {
            throw StoreError(
                .invalidOrganisation, "an organisation's parents are regions and ICBs other than itself, each once")
        }
        let path = (organisation.parents + [organisation.code]).joined(separator: "/")
        return try await transaction { database in
            let existing = try await database.raw(
                "SELECT id FROM organisations WHERE ods_code = \(bind: organisation.code)"
            ).first()
            guard existing == nil else {
                throw StoreError(.duplicateOrganisation, "an organisation with that ODS code exists")
            }
            let stored = try await database.raw("SELECT id, ods_code, name, kind, path FROM organisations").all().map(
                Self.organisation(row:))
            try Self.checkPlacement(organisation, among: stored)
            let created = Int64(Date().timeIntervalSince1970)
            let row = try await database.raw(
                """
                INSERT INTO organisations (ods_code, name, kind, path, created_at)
                VALUES (\(bind: organisation.code), \(bind: name), \(bind: organisation.kind.rawValue), \(bind: path),
                \(bind: created)) RETURNING id
                """
            ).first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else {
                throw StoreError(.corrupt, "the new organisation's id was not returned")
            }
            // Every alert already issued concerns the new organisation too; its evidence decides the rest. It joins
            // them now, and its clocks for them run from now (AlertClocks.Terms.joined(at:)).
            try await database.raw(
                """
                INSERT INTO alert_status (alert_id, organisation_id, state, reopen_count, joined_at)
                SELECT id, \(bind: id), 'open', 0, \(bind: created) FROM alerts WHERE 1 = 1
                ON CONFLICT (alert_id, organisation_id) DO NOTHING
                """
            ).run()
            return OrganisationRecord(id: id, code: organisation.code, name: name, kind: organisation.kind, path: path)
        }
    }

    /// Refuses parents that contradict the hierarchy already stored: a region, ICB or organisation placed under other
    /// parents than where it already stands (an ICB filed under another region would let that region's viewers see
    /// its organisations, and break the ICB's page for its own), and codes that would be an organisation and an area
    /// at once. An ICB may be an organisation too (it submits its own assessments) where it stands, as a commissioning
    /// body; a region never is one, and no other organisation becomes a parent (a practice filed "under" another
    /// practice would make that practice an area whose page shows the first).
    static func checkPlacement(_ organisation: NewOrganisation, among stored: [OrganisationRecord]) throws {
        var ancestors: [String: [String]] = [:]
        var areas = Set<String>()
        for record in stored {
            let parts = record.path.split(separator: "/").map(String.init)
            for index in parts.indices where ancestors[parts[index]] == nil {
                ancestors[parts[index]] = Array(parts[..<index])
            }
            areas.formUnion(parts.dropLast())
        }
        for (index, code) in (organisation.parents + [organisation.code]).enumerated() {
            guard let known = ancestors[code], known != Array(organisation.parents[..<index]) else { continue }
            let placement = known.isEmpty ? "at the top" : "under " + known.joined(separator: "/")
            throw StoreError(
                .invalidOrganisation,
                "\(code) is \(placement) for the other organisations: give --parents \(known.joined(separator: ","))"
                    + (code == organisation.code ? "" : (known.isEmpty ? "" : ",") + code)
            )
        }
        let kinds = Dictionary(stored.map { ($0.code, $0.kind) }, uniquingKeysWith: { first, _ in first })
        // A provider (a trust, a practice) is never an area; an ICB may be an organisation too, as a commissioning
        // body or of a kind not said (`other`, the default, which an ICB created earlier may have).
        for parent in organisation.parents {
            guard let kind = kinds[parent],
                kind != .commissioningBody && kind != .other || parent == organisation.parents.first
            else {
                continue
            }
            throw StoreError(
                .invalidOrganisation,
                "\(parent) is an organisation (\(kind.rawValue)), not a region or ICB: it cannot be a parent")
        }
        if areas.contains(organisation.code) {
            guard !organisation.parents.isEmpty else {
                throw StoreError(
                    .invalidOrganisation, "\(organisation.code) is a region: a region is not an organisation")
            }
            guard organisation.kind == .commissioningBody else {
                throw StoreError(
                    .invalidOrganisation,
                    "\(organisation.code) is an ICB: only the ICB itself may be an organisation under its code (--kind commissioning-body)"
                )
            }
        }
    }

    public func organisation(code: String) async throws -> OrganisationRecord? {
        try await snapshot { database in
            try await database.raw(
                "SELECT id, ods_code, name, kind, path FROM organisations WHERE ods_code = \(bind: code)"
            ).first().map(Self.organisation(row:))
        }
    }

    public func organisations() async throws -> [OrganisationRecord] {
        try await snapshot { database in
            try await database.raw("SELECT id, ods_code, name, kind, path FROM organisations ORDER BY path").all()
                .map(Self.organisation(row:))
        }
    }

    public func issueToken(organisation code: String, at date: Date) async throws -> String {
        let token = Self.newToken()
        try await transaction { database in
            let id = try await Self.organisationID(code: code, in: database)
            try await database.raw(
                """
                INSERT INTO submission_tokens (token_hash, organisation_id, created_at)
                VALUES (\(bind: Self.tokenHash(token)), \(bind: id), \(bind: Int64(date.timeIntervalSince1970)))
                """
            ).run()
        }
        return token
    }

    public func organisation(token: String) async throws -> OrganisationRecord? {
        // Tokens are 256 random bits, so a fast hash is enough: nothing can be guessed from it.
        let hash = Self.tokenHash(token)
        return try await singleRead { database in
            try await database.raw(
                """
                SELECT o.id, o.ods_code, o.name, o.kind, o.path FROM submission_tokens t
                JOIN organisations o ON o.id = t.organisation_id
                WHERE t.token_hash = \(bind: hash) AND t.revoked_at IS NULL
                """
            ).first().map(Self.organisation(row:))
        }
    }

    /// A new submission token: `vgl_` and 256 random bits in hex.
    static func newToken() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        return "vgl_" + HexDigit.encode(bytes)
    }

    /// SHA-256 of a token, hex: what the database keeps instead of the token.
    static func tokenHash(_ token: String) -> String {
        HexDigit.encode(SHA256.hash(data: Data(token.utf8)))
    }

    static func organisation(row: any SQLRow) throws -> OrganisationRecord {
        let kind = try row.decode(column: "kind", as: String.self)
        return OrganisationRecord(
            id: try row.decode(column: "id", as: Int64.self),
            code: try row.decode(column: "ods_code", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            kind: Organisation.Kind(rawValue: kind) ?? .other,
            path: try row.decode(column: "path", as: String.self))
    }

    static func isODSCode(_ code: String) -> Bool {
        (1...16).contains(code.utf8.count)
            && code.utf8.allSatisfy {
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            }
    }
}
