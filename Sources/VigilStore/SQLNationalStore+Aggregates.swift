public import Foundation
import SQLKit
import VigilCore

extension SQLNationalStore {
    /// Every organisation within `scope`, summarised at `now` (``OrganisationSummary``), by path. The scope is applied
    /// in each query's WHERE clause on `organisations.path` — never by reading other organisations' rows and dropping
    /// them — so every count, chart and score a page builds from these is the viewer's scope's alone.
    public func summaries(scope: Scope, at now: Date) async throws -> [OrganisationSummary] {
        guard let filter = Self.scopeFilter(scope) else { return [] }
        let monthAgo = now.addingTimeInterval(-30 * 86_400)
        return try await snapshot { database in
            let organisations = try await database.raw(
                "SELECT o.id, o.ods_code, o.name, o.kind, o.path FROM organisations o WHERE \(filter) ORDER BY o.path"
            ).all().map(Self.organisation(row:))
            guard !organisations.isEmpty else { return [] }
            let days = try await Self.latestDays(filter, on: database)
            let notAssessed = try await Self.notAssessed(filter, on: database)
            let alerts = try await Self.alertCompliance(filter, at: now, on: database)
            let scores = try await Self.capEvidence(
                try await Self.storedScores(filter, on: database), at: now, on: database)
            let scoresMonthAgo = try await Self.capEvidence(
                try await Self.storedScores(filter, asOf: Self.day(monthAgo), on: database), at: monthAgo,
                on: database)
            return organisations.map { organisation in
                let stored = scores[organisation.id] ?? StoredScore()
                let storedMonthAgo = scoresMonthAgo[organisation.id] ?? StoredScore()
                return OrganisationSummary(
                    organisation: organisation, latest: days[organisation.id], openByRule: stored.openByRule,
                    notAssessed: notAssessed[organisation.id] ?? AssessmentArea.allCases,
                    alerts: alerts[organisation.id] ?? AlertCompliance(),
                    score: OrganisationScore(
                        basis: stored.basis, lastEvidence: stored.lastEvidence.map(Self.date), at: now),
                    monthAgo: OrganisationScore(
                        basis: storedMonthAgo.basis, lastEvidence: storedMonthAgo.lastEvidence.map(Self.date),
                        at: monthAgo))
            }
        }
    }

    /// The SQL condition on `organisations o` for `scope`; `nil` for a region code that is not a code (letters and
    /// digits), which matches nothing. A region or ICB code matches organisations whose path names it *above*
    /// themselves (`Scope.includes`): `/` + path contains `/CODE/`, which the last segment never does.
    static func scopeFilter(_ scope: Scope) -> SQLQueryString? {
        switch scope {
        case .nation:
            return "1 = 1"
        case .region(let code):
            guard (1...16).contains(code.utf8.count), code.utf8.allSatisfy(Self.isCodeByte) else { return nil }
            return "('/' || o.path) LIKE \(bind: "%/" + code + "/%")"
        case .organisation(let id):
            return "o.id = \(bind: id)"
        }
    }

    static func isCodeByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// The latest daily aggregate per organisation in scope. The latest day is looked up per organisation in scope
    /// (one step down the primary key each), not grouped over every organisation's days: SQLite materialised that
    /// grouping over the whole table for one organisation's page (EXPLAIN QUERY PLAN, bench/service.sh).
    static func latestDays(_ filter: SQLQueryString, on database: any SQLDatabase) async throws -> [Int64:
        OrganisationDay]
    {
        let rows = try await database.raw(
            """
            SELECT d.organisation_id, \(unsafeRaw: Self.dayColumns(of: "d"))
            FROM organisations o JOIN org_daily d ON d.organisation_id = o.id
            AND d.day = (SELECT MAX(x.day) FROM org_daily x WHERE x.organisation_id = o.id) WHERE \(filter)
            """
        ).all()
        var days: [Int64: OrganisationDay] = [:]
        for row in rows {
            days[try row.decode(column: "organisation_id", as: Int64.self)] = try Self.day(row: row)
        }
        return days
    }

    /// Areas the latest applied submission of each organisation in scope did not assess (missing counts as not). The
    /// latest submission is looked up per organisation in scope, not grouped over every submission in the database
    /// (which SQLite did for one organisation's page).
    static func notAssessed(_ filter: SQLQueryString, on database: any SQLDatabase) async throws
        -> [Int64: [AssessmentArea]]
    {
        let rows = try await database.raw(
            """
            SELECT s.organisation_id, a.area, a.status FROM organisations o
            JOIN submissions s ON s.id = (SELECT MAX(x.id) FROM submissions x WHERE x.organisation_id = o.id
            AND x.applied = 1) JOIN submission_areas a ON a.submission_id = s.id WHERE \(filter)
            """
        ).all()
        var assessed: [Int64: Set<AssessmentArea>] = [:]
        for row in rows {
            let organisation = try row.decode(column: "organisation_id", as: Int64.self)
            let status = try row.decode(column: "status", as: String.self)
            if assessed[organisation] == nil { assessed[organisation] = [] }
            guard status != Coverage.Status.notAssessed.rawValue,
                let area = AssessmentArea(rawValue: try row.decode(column: "area", as: String.self))
            else { continue }
            assessed[organisation, default: []].insert(area)
        }
        return assessed.mapValues { areas in AssessmentArea.allCases.filter { !areas.contains($0) } }
    }

    /// Each organisation's alert statuses counted at `now`, with the clocks read as ``AlertStatus`` reads them.
    static func alertCompliance(_ filter: SQLQueryString, at now: Date, on database: any SQLDatabase) async throws
        -> [Int64: AlertCompliance]
    {
        let rows = try await database.raw(
            """
            SELECT s.organisation_id, s.state, s.affected_at, a.acknowledge_due, a.remediate_due
            FROM alert_status s JOIN alerts a ON a.id = s.alert_id JOIN organisations o ON o.id = s.organisation_id
            WHERE \(filter)
            """
        ).all()
        let clock = seconds(now)
        var compliance: [Int64: AlertCompliance] = [:]
        for row in rows {
            let organisation = try row.decode(column: "organisation_id", as: Int64.self)
            let state = try row.decode(column: "state", as: String.self)
            let affected = try row.decode(column: "affected_at", as: Int64?.self) != nil
            var counts = compliance[organisation] ?? AlertCompliance()
            counts.issued += 1
            if affected { counts.affected += 1 }
            if state != "open" { counts.answered += 1 }
            if state == "closed" { counts.closed += 1 }
            let acknowledgeDue = try row.decode(column: "acknowledge_due", as: Int64.self)
            let remediateDue = try row.decode(column: "remediate_due", as: Int64.self)
            let acknowledgementLate = state == "open" && clock >= acknowledgeDue
            let remediationLate = affected && (state == "open" || state == "acknowledged") && clock >= remediateDue
            if acknowledgementLate || remediationLate { counts.overdue += 1 }
            compliance[organisation] = counts
        }
        return compliance
    }
}
