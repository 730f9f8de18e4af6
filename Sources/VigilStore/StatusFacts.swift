import Foundation
import SQLKit

/// One alert status row as stored, with its match counts: everything an ``AlertStatus`` is made of but the alert's
/// record and the clock it is read at, so a status read once can be read again at any clock (``SummaryCache``).
struct StatusFacts: Sendable, Hashable {
    var alert: Int64
    var organisation: OrganisationRecord
    var state: AlertStatus.State
    var openMatches: Int
    var allMatches: Int
    var exceptedMatches: Int
    var affectedAt: Date?
    var acknowledgedAt: Date?
    var notApplicableAt: Date?
    var notApplicableReason: String?
    var closedAt: Date?
    var closedSubmission: Int64?
    var reopenCount: Int
    /// When the organisation joined the alert, when it was created after the alert was recorded: its clocks run from
    /// then.
    var joinedAt: Date?

    /// The facts of a row of ``SQLNationalStore/statusFacts(where:on:)``.
    init(row: any SQLRow) throws {
        guard let state = AlertStatus.State(rawValue: try row.decode(column: "state", as: String.self)) else {
            throw StoreError(.corrupt, "an alert status has an unknown state")
        }
        func optionalDate(_ column: String) throws -> Date? {
            try row.decode(column: column, as: Int64?.self).map(SQLNationalStore.date)
        }
        func count(_ column: String) throws -> Int { Int(clamping: try row.decode(column: column, as: Int64.self)) }
        alert = try row.decode(column: "alert_id", as: Int64.self)
        organisation = try SQLNationalStore.organisation(row: row)
        self.state = state
        openMatches = try count("open_matches")
        allMatches = try count("all_matches")
        exceptedMatches = try count("excepted_matches")
        affectedAt = try optionalDate("affected_at")
        acknowledgedAt = try optionalDate("acknowledged_at")
        notApplicableAt = try optionalDate("not_applicable_at")
        notApplicableReason = try row.decode(column: "not_applicable_reason", as: String?.self)
        closedAt = try optionalDate("closed_at")
        closedSubmission = try row.decode(column: "closed_submission", as: Int64?.self)
        reopenCount = try count("reopen_count")
        joinedAt = try optionalDate("joined_at")
    }

    /// What the evidence says: affected once any match was seen.
    var applicability: AlertStatus.Applicability { allMatches > 0 ? .affected : .unaffectedSoFar }

    /// Its alert in `alerts`, which must hold it.
    func record(in alerts: [Int64: AlertRecord]) throws -> AlertRecord {
        guard let record = alerts[alert] else { throw StoreError(.corrupt, "an alert status has an unknown alert") }
        return record
    }

    /// The clocks of the status at `index` of `facts`, read at `now` as the status made of it reads them
    /// (``status(alerts:at:)``); `terms` must hold its alert's. Its fields are read in place: a status copied is a
    /// copy of its organisation's record, and the national overview reads some 21,000.
    static func clocks(
        of facts: [StatusFacts], at index: Int, terms: [Int64: AlertClocks.Terms], now: Date
    ) throws -> AlertClocks {
        guard let alert = terms[facts[index].alert] else {
            throw StoreError(.corrupt, "an alert status has an unknown alert")
        }
        return AlertClocks(
            alert: alert.joined(at: facts[index].joinedAt), state: facts[index].state,
            applicability: facts[index].allMatches > 0 ? .affected : .unaffectedSoFar,
            openMatches: facts[index].openMatches, exceptedMatches: facts[index].exceptedMatches,
            affectedAt: facts[index].affectedAt, at: now)
    }

    /// The status with its clocks read at `now`; `alerts` must hold its alert.
    func status(alerts: [Int64: AlertRecord], at now: Date) throws -> AlertStatus {
        AlertStatus(
            alert: try record(in: alerts), organisation: organisation, state: state,
            applicability: applicability, openMatches: openMatches,
            exceptedMatches: exceptedMatches, affectedAt: affectedAt, acknowledgedAt: acknowledgedAt,
            notApplicableAt: notApplicableAt, notApplicableReason: notApplicableReason, closedAt: closedAt,
            closedSubmission: closedSubmission, reopenCount: reopenCount, joinedAt: joinedAt, at: now)
    }
}
