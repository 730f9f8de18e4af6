public import Foundation
import SQLKit
import VigilCore

extension SQLNationalStore {
    /// Every organisation within `scope`, summarised at `now` (``OrganisationSummary``), by path. The scope is applied
    /// in each query's WHERE clause on `organisations.path` — never by reading other organisations' rows and dropping
    /// them — so every count, chart and score a page builds from these is the viewer's scope's alone. What is read of
    /// each organisation is kept per process at its revision (``SummaryCache``) and evaluated at `now` here.
    public func summaries(scope: Scope, at now: Date) async throws -> [OrganisationSummary] {
        try await overview(scope: scope, at: now, escalations: false, listing: nil).summaries
    }

    /// What the overview shows of `scope` at `now`, read in one snapshot: the summaries
    /// (``summaries(scope:at:)``) and the escalations (``escalations(scope:at:)``), each status read once for both.
    public func overview(scope: Scope, at now: Date) async throws -> ScopeOverview {
        try await overview(scope: scope, at: now, escalations: true, listing: nil)
    }

    /// ``overview(scope:at:)`` with at most `listing` escalated statuses and `listing` declarations listed, the first
    /// in its order, and every one counted (``ScopeOverview/escalatedCount``): what a page that shows the first rows
    /// reads, without making a status for each of thousands it would not show.
    public func overview(scope: Scope, at now: Date, listing: Int) async throws -> ScopeOverview {
        try await overview(scope: scope, at: now, escalations: true, listing: max(0, listing))
    }

    func overview(scope: Scope, at now: Date, escalations: Bool, listing: Int?) async throws -> ScopeOverview {
        guard let filter = Self.scopeFilter(scope) else { return ScopeOverview(summaries: [], escalations: []) }
        let monthAgo = now.addingTimeInterval(-30 * 86_400)
        return try await snapshot { database in
            let entries = try await self.cachedOrganisations(
                scope, filter, monthAgo: Self.day(monthAgo), on: database)
            guard !entries.isEmpty else { return ScopeOverview(summaries: [], escalations: []) }
            let alerts = try await Self.alertsByID(on: database)
            let terms = alerts.mapValues(AlertClocks.Terms.init)
            let compliance = try entries.map { try AlertCompliance(facts: $0.statuses, terms: terms, at: now) }
            let capped = try await Self.cappedEvidence(
                entries.lazy.map { (id: $0.organisation.id, lastEvidence: $0.score.lastEvidence) }, at: now,
                on: database)
            let cappedMonthAgo = try await Self.cappedEvidence(
                entries.lazy.map { (id: $0.organisation.id, lastEvidence: $0.monthAgo.lastEvidence) }, at: monthAgo,
                on: database)
            let summaries = zip(entries, compliance).map { entry, compliance in
                let id = entry.organisation.id
                let lastEvidence = capped[id] ?? entry.score.lastEvidence
                let lastEvidenceMonthAgo = cappedMonthAgo[id] ?? entry.monthAgo.lastEvidence
                return OrganisationSummary(
                    organisation: entry.organisation, latest: entry.latest, openByRule: entry.score.openByRule,
                    notAssessed: entry.notAssessed, alerts: compliance,
                    score: OrganisationScore(
                        basis: entry.score.basis, lastEvidence: lastEvidence.map(Self.date), at: now),
                    monthAgo: entry.monthAgo.basis, lastEvidence: lastEvidenceMonthAgo.map(Self.date),
                    at: monthAgo, openByGroup: entry.openByGroup)
            }
            guard escalations else { return ScopeOverview(summaries: summaries, escalations: []) }
            let listed = try Self.escalated(
                entries.map(\.statuses), alerts: alerts, terms: terms, at: now, listing: listing)
            return ScopeOverview(
                summaries: summaries, escalations: listed.statuses, escalatedCount: listed.escalated,
                declaredCount: listed.declared)
        }
    }

    /// Every organisation matching `filter`, by path, as ``SummaryCache`` keeps it — with its stored score as `day`
    /// ended when `day` is given — reading in `database`'s snapshot only what is not kept at the revision the
    /// snapshot shows, and keeping what it read.
    func cachedOrganisations(
        _ scope: Scope, _ filter: SQLQueryString, monthAgo day: String?, on database: any SQLDatabase
    ) async throws -> [CachedOrganisation] {
        let revisions = try await scopeRevisions(scope, filter, on: database)
        var entries = summaryCache.current(revisions)
        var changed = Set<Int64>()
        let missing = revisions.filter { entries[$0.id] == nil }
        if !missing.isEmpty {
            let whole = missing.count == revisions.count ? filter : nil
            for entry in try await Self.readOrganisations(missing, whole: whole, on: database) {
                entries[entry.organisation.id] = entry
                changed.insert(entry.organisation.id)
            }
        }
        if let day {
            let older = revisions.map(\.id).filter { entries[$0] != nil && entries[$0]?.monthAgoDay != day }
            if !older.isEmpty {
                let scores = try await Self.byOrganisation(
                    older, whole: older.count == revisions.count ? filter : nil, on: database
                ) {
                    try await Self.storedScores($0, asOf: day, on: database)
                }
                for id in older {
                    entries[id] = entries[id]?.with(monthAgo: scores[id] ?? StoredScore(), day: day)
                    changed.insert(id)
                }
            }
        }
        summaryCache.keep(changed.compactMap { entries[$0] })
        return revisions.compactMap { entries[$0.id] }
    }

    /// The id and revision of every organisation matching `filter` (`scope`'s), by path: read again only when the
    /// scope's count of organisations or sum of revisions has changed (``SummaryCache/ScopeRevisions``).
    func scopeRevisions(_ scope: Scope, _ filter: SQLQueryString, on database: any SQLDatabase) async throws
        -> [(id: Int64, revision: Int64)]
    {
        guard
            let totals = try await database.raw(
                """
                SELECT COUNT(*) AS organisations, CAST(COALESCE(SUM(o.revision), 0) AS BIGINT) AS revisions,
                COALESCE(MAX(o.id), 0) AS newest FROM organisations o WHERE \(filter)
                """
            ).first()
        else { throw StoreError(.corrupt, "the organisations could not be counted") }
        let count = try totals.decode(column: "organisations", as: Int64.self)
        let sum = try totals.decode(column: "revisions", as: Int64.self)
        let newest = try totals.decode(column: "newest", as: Int64.self)
        guard count > 0 else { return [] }
        if let kept = summaryCache.revisions(of: scope, count: count, sum: sum, newest: newest) { return kept }
        let revisions = try await database.raw(
            "SELECT o.id, o.revision FROM organisations o WHERE \(filter) ORDER BY o.path"
        ).all().map { row in
            (
                id: try row.decode(column: "id", as: Int64.self),
                revision: try row.decode(column: "revision", as: Int64.self)
            )
        }
        summaryCache.keep(.init(count: count, sum: sum, newest: newest, revisions: revisions), of: scope)
        return revisions
    }

    /// What ``CachedOrganisation`` holds of the organisations of `revisions`, read in the caller's snapshot: by
    /// `whole` (the scope's filter, when every organisation in it is read), else by id in batches.
    static func readOrganisations(
        _ revisions: [(id: Int64, revision: Int64)], whole: SQLQueryString?, on database: any SQLDatabase
    ) async throws -> [CachedOrganisation] {
        let ids = revisions.map(\.id)
        let records = try await byOrganisation(ids, whole: whole, on: database) { filter in
            var records: [Int64: OrganisationRecord] = [:]
            for row in try await database.raw(
                "SELECT o.id, o.ods_code, o.name, o.kind, o.path FROM organisations o WHERE \(filter)"
            ).all() {
                let record = try organisation(row: row)
                records[record.id] = record
            }
            return records
        }
        let days = try await byOrganisation(ids, whole: whole, on: database) { try await latestDays($0, on: database) }
        let notAssessed = try await byOrganisation(ids, whole: whole, on: database) {
            try await Self.notAssessed($0, on: database)
        }
        let statuses = try await byOrganisation(ids, whole: whole, on: database) { filter in
            Dictionary(grouping: try await statusFacts(where: filter, on: database), by: \.organisation.id)
        }
        let scores = try await byOrganisation(ids, whole: whole, on: database) {
            try await storedScores($0, on: database)
        }
        return revisions.compactMap { id, revision in
            records[id].map { record in
                CachedOrganisation(
                    revision: revision, organisation: record, latest: days[id],
                    notAssessed: notAssessed[id] ?? AssessmentArea.allCases, statuses: statuses[id] ?? [],
                    score: scores[id] ?? StoredScore())
            }
        }
    }

    /// `query` run once on `whole` when given, else on `o.id IN (…)` over `ids` in batches, its results merged.
    static func byOrganisation<Value>(
        _ ids: [Int64], whole: SQLQueryString?, on database: any SQLDatabase,
        _ query: (SQLQueryString) async throws -> [Int64: Value]
    ) async throws -> [Int64: Value] {
        if let whole { return try await query(whole) }
        var merged: [Int64: Value] = [:]
        try await forEachBatch(of: ids, on: database) { among in
            merged.merge(try await query("o.id \(among)")) { _, new in new }
        }
        return merged
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
}
