public import Foundation
import SQLKit

/// One alert with the counts of its statuses over a scope: a row of `/alerts`.
public struct AlertCounts: Sendable, Hashable {
    /// The alert.
    public var alert: AlertRecord
    /// ``AlertCompliance`` of its statuses of the organisations the scope holds.
    public var counts: AlertCompliance

    public init(alert: AlertRecord, counts: AlertCompliance) {
        self.alert = alert
        self.counts = counts
    }
}

extension SQLNationalStore {
    /// Every alert, newest first, with ``AlertCompliance`` of the statuses of the organisations `scope` holds, their
    /// clocks read at `now`. Read from the per-organisation facts the overview keeps (``cachedOrganisations``), the
    /// scope in the query: sixty alerts over 7,000 organisations are one pass over facts already decoded, counted as
    /// the overview counts them, not a read of every status of every alert.
    public func alertCounts(scope: Scope, at now: Date) async throws -> [AlertCounts] {
        try await snapshot { database in
            let alerts = try await Self.alerts(id: nil, on: database)
            var entries: [CachedOrganisation] = []
            if let filter = Self.scopeFilter(scope) {
                entries = try await self.cachedOrganisations(scope, filter, monthAgo: nil, on: database)
            }
            let terms = Dictionary(
                alerts.map { ($0.id, AlertClocks.Terms($0)) }, uniquingKeysWith: { first, _ in first })
            var counts: [Int64: AlertCompliance] = [:]
            for entry in entries {
                for index in entry.statuses.indices {
                    let facts = entry.statuses[index]
                    let overdue = try StatusFacts.clocks(of: entry.statuses, at: index, terms: terms, now: now).overdue
                    counts[facts.alert, default: AlertCompliance()].add(
                        state: facts.state, affected: facts.affectedAt != nil, overdue: overdue)
                }
            }
            return alerts.map { AlertCounts(alert: $0, counts: counts[$0.id] ?? AlertCompliance()) }
        }
    }
}
