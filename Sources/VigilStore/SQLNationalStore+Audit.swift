public import Foundation
import SQLKit

extension SQLNationalStore {
    public func audit(_ entry: AuditEntry) async throws {
        try await transaction(priority: .interactive) { try await Self.append(entry, to: $0) }
    }

    public func auditLog(since: Date?) async throws -> [AuditRecord] {
        let from = since.map { Int64($0.timeIntervalSince1970) } ?? .min
        return try await snapshot { database in
            try await database.raw(
                """
                SELECT a.id, a.at, a.action, a.actor, a.address, a.detail, u.login, o.ods_code FROM audit_log a
                LEFT JOIN users u ON u.id = a.user_id LEFT JOIN organisations o ON o.id = a.organisation_id
                WHERE a.at >= \(bind: from) ORDER BY a.id
                """
            ).all().map { row in
                guard let action = AuditAction(rawValue: try row.decode(column: "action", as: String.self)) else {
                    throw StoreError(.corrupt, "an audit entry has an unknown action")
                }
                let who =
                    try row.decode(column: "login", as: String?.self)
                    ?? row.decode(column: "actor", as: String?.self) ?? "unknown"
                return AuditRecord(
                    id: try row.decode(column: "id", as: Int64.self),
                    at: Self.date(try row.decode(column: "at", as: Int64.self)), action: action, who: who,
                    organisation: try row.decode(column: "ods_code", as: String?.self),
                    address: try row.decode(column: "address", as: String.self),
                    detail: try row.decode(column: "detail", as: String?.self))
            }
        }
    }

    /// Appends `entry` inside the caller's transaction, so an act and its audit row commit or fail together.
    static func append(_ entry: AuditEntry, to database: any SQLDatabase) async throws {
        try await database.raw(auditStatement(entry)).run()
    }

    /// The statement of ``append(_:to:)``.
    static func auditStatement(_ entry: AuditEntry) -> SQLQueryString {
        """
        INSERT INTO audit_log (at, action, user_id, actor, organisation_id, address, detail)
        VALUES (\(bind: Int64(entry.origin.at.timeIntervalSince1970)), \(bind: entry.action.rawValue),
        \(bind: entry.user), \(bind: entry.actor), \(bind: entry.organisation), \(bind: entry.origin.address),
        \(bind: entry.detail))
        """
    }
}
