import Foundation
import SQLKit
import VigilCore

extension SQLNationalStore {
    /// What the store keeps of one organisation's tickets for the pages (issue 16 item 7, docs/score.md "Cost"): the
    /// score's basis, open findings by rule and the latest applied evidence. Kept in `org_scores` (now) and on each
    /// `org_daily` row (as the day ended), refreshed in every transaction that changes tickets, so no page reads
    /// tickets to score an organisation.
    struct StoredScore: Sendable, Hashable {
        var basis = ScoreBasis()
        var openByRule: [RuleID: Int] = [:]
        var lastEvidence: Int64?
    }

    // MARK: - Writing

    /// Recomputes the organisation's stored score from its tickets and writes it as its current score and on `day`'s
    /// daily row (which the caller has just written) and any later one. Called from ``refreshDay(organisation:day:submission:on:)``,
    /// which every path that changes tickets calls: ingest, an exception approved, an exception expiring.
    static func refreshScore(organisation: Int64, day: String, on database: any SQLDatabase) async throws {
        let fixed = try await fixedTally(organisation: organisation, on: database)
        let score = StoredScore(
            basis: ScoreBasis(
                open: try await openGroups(organisation: organisation, on: database), fixed: fixed.groups),
            openByRule: try await openByRule(organisation: organisation, on: database),
            lastEvidence: try await latestEvidence(organisation: organisation, on: database))
        try await writeScore(score, fixed: fixed, organisation: organisation, day: day, on: database)
    }

    /// Writes `score` (and the tally of fixed tickets it was made from) as the organisation's current score and on
    /// `day`'s daily row and any later one.
    static func writeScore(
        _ score: StoredScore, fixed: FixedTally, organisation: Int64, day: String, on database: any SQLDatabase
    ) async throws {
        try await writeCurrent(score, fixed: fixed, organisation: organisation, on: database)
        try await database.raw(
            """
            UPDATE org_daily SET score_basis = \(bind: score.basis.encoded), last_evidence = \(bind: score.lastEvidence)
            WHERE organisation_id = \(bind: organisation) AND day >= \(bind: day)
            """
        ).run()
    }

    /// Writes the organisation's current score, with the tally of fixed tickets it was made from; without one
    /// (migration 6's backfill, which runs before migration 11 added its column) the tally is left as it is.
    static func writeCurrent(
        _ score: StoredScore, fixed: FixedTally? = nil, organisation: Int64, on database: any SQLDatabase
    ) async throws {
        try await database.raw(currentStatement(score, fixed: fixed, organisation: organisation)).run()
    }

    /// The statement of ``writeCurrent(_:fixed:organisation:on:)``.
    static func currentStatement(_ score: StoredScore, fixed: FixedTally? = nil, organisation: Int64) -> SQLQueryString
    {
        guard let fixed else {
            return """
                INSERT INTO org_scores (organisation_id, basis, open_by_rule, last_evidence)
                VALUES (\(bind: organisation), \(bind: score.basis.encoded), \(bind: encoded(score.openByRule)),
                \(bind: score.lastEvidence))
                ON CONFLICT (organisation_id) DO UPDATE SET basis = excluded.basis,
                open_by_rule = excluded.open_by_rule, last_evidence = excluded.last_evidence
                """
        }
        return """
            INSERT INTO org_scores (organisation_id, basis, open_by_rule, last_evidence, fixed_groups)
            VALUES (\(bind: organisation), \(bind: score.basis.encoded), \(bind: encoded(score.openByRule)),
            \(bind: score.lastEvidence), \(bind: fixed.encoded))
            ON CONFLICT (organisation_id) DO UPDATE SET basis = excluded.basis, open_by_rule = excluded.open_by_rule,
            last_evidence = excluded.last_evidence, fixed_groups = excluded.fixed_groups
            """
    }

    /// The score basis of the organisation's scored tickets (every ticket but excepted ones, current or superseded:
    /// a ticket superseded after a recurrence was still fixed once) is grouped in the database — open ones by
    /// severity, deadline and opening (here), fixed ones by severity, deadline and time taken (``fixedTally(organisation:on:)``)
    /// — so a year of weekly history reads back as a few hundred rows rather than every ticket.
    static func openGroups(organisation: Int64, on database: any SQLDatabase) async throws -> [ScoreBasis.OpenGroup] {
        let exploited = RuleID.updateMissingExploited.rawValue
        return try await database.raw(
            """
            SELECT severity, CASE WHEN rule = \(bind: exploited) THEN 1 ELSE 0 END AS exploited, opened_at,
            COUNT(*) AS n FROM tickets
            WHERE organisation_id = \(bind: organisation) AND state <> 'excepted' AND fixed_at IS NULL
            GROUP BY severity, exploited, opened_at
            """
        ).all().map { row in
            ScoreBasis.OpenGroup(
                severity: try severity(row: row), exploited: try row.decode(column: "exploited", as: Int64.self) == 1,
                openedAt: TimeInterval(try row.decode(column: "opened_at", as: Int64.self)),
                count: Int(try row.decode(column: "n", as: Int64.self)))
        }
    }

    /// The fixed half of the score basis: fixed tickets, current or superseded, by severity, deadline and time taken,
    /// counted in the database.
    static func fixedTally(organisation: Int64, on database: any SQLDatabase) async throws -> FixedTally {
        let exploited = RuleID.updateMissingExploited.rawValue
        var tally = FixedTally()
        for row in try await database.raw(
            """
            SELECT severity, CASE WHEN rule = \(bind: exploited) THEN 1 ELSE 0 END AS exploited,
            fixed_at - opened_at AS taken, COUNT(*) AS n FROM tickets
            WHERE organisation_id = \(bind: organisation) AND state <> 'excepted' AND fixed_at IS NOT NULL
            GROUP BY severity, exploited, taken
            """
        ).all() {
            tally.add(
                FixedTally.Key(
                    severity: try severity(row: row),
                    exploited: try row.decode(column: "exploited", as: Int64.self) == 1,
                    taken: try row.decode(column: "taken", as: Int64.self)),
                count: Int(try row.decode(column: "n", as: Int64.self)))
        }
        return tally
    }

    /// A ticket row's severity; one the store does not know counts as informational, as the daily counts take it, so
    /// one damaged row never stops an organisation's submissions (or the migration that fills the scores).
    static func severity(row: any SQLRow) throws -> Severity {
        Severity(rawValue: try row.decode(column: "severity", as: String.self)) ?? .info
    }

    /// The organisation's scored tickets one timing per distinct timing, with how many share it: what the daily
    /// series is rebuilt from (``rebuildScores(on:)``).
    static func groupedTimings(organisation: Int64, on database: any SQLDatabase) async throws
        -> [(timing: OrganisationScore.Timing, count: Int)]
    {
        try await database.raw(
            """
            SELECT rule, severity, opened_at, fixed_at, COUNT(*) AS n FROM tickets
            WHERE organisation_id = \(bind: organisation) AND state <> 'excepted'
            GROUP BY rule, severity, opened_at, fixed_at
            """
        ).all().map { row in
            (try timing(row: row), Int(try row.decode(column: "n", as: Int64.self)))
        }
    }

    /// One ticket's timing from a row with `rule`, `severity`, `opened_at` and `fixed_at`.
    static func timing(row: any SQLRow) throws -> OrganisationScore.Timing {
        OrganisationScore.Timing(
            rule: RuleID(rawValue: try row.decode(column: "rule", as: String.self)), severity: try severity(row: row),
            openedAt: date(try row.decode(column: "opened_at", as: Int64.self)),
            fixedAt: try row.decode(column: "fixed_at", as: Int64?.self).map(date))
    }

    /// Open and unverified current tickets of the organisation by rule.
    static func openByRule(organisation: Int64, on database: any SQLDatabase) async throws -> [RuleID: Int] {
        var counts: [RuleID: Int] = [:]
        for row in try await database.raw(
            """
            SELECT rule, COUNT(*) AS n FROM tickets WHERE organisation_id = \(bind: organisation) AND is_current = 1
            AND state <> 'fixed' AND state IN ('open', 'unverified') GROUP BY rule
            """
        ).all() {
            counts[RuleID(rawValue: try row.decode(column: "rule", as: String.self))] = Int(
                try row.decode(column: "n", as: Int64.self))
        }
        return counts
    }

    /// The assessment date of the organisation's latest applied submission.
    static func latestEvidence(organisation: Int64, on database: any SQLDatabase) async throws -> Int64? {
        try await database.raw(
            """
            SELECT MAX(assessed_at) AS latest FROM submissions
            WHERE organisation_id = \(bind: organisation) AND applied = 1
            """
        ).first()?.decode(column: "latest", as: Int64?.self)
    }

    // MARK: - Reading

    /// The current stored score of every organisation in scope that has one.
    static func storedScores(_ filter: SQLQueryString, on database: any SQLDatabase) async throws -> [Int64:
        StoredScore]
    {
        var scores: [Int64: StoredScore] = [:]
        for row in try await database.raw(
            """
            SELECT s.organisation_id, s.basis, s.open_by_rule, s.last_evidence FROM organisations o
            JOIN org_scores s ON s.organisation_id = o.id WHERE \(filter)
            """
        ).all() {
            scores[try row.decode(column: "organisation_id", as: Int64.self)] = StoredScore(
                basis: try ScoreBasis(encoded: try row.decode(column: "basis", as: String.self)),
                openByRule: try openByRule(encoded: try row.decode(column: "open_by_rule", as: String.self)),
                lastEvidence: try row.decode(column: "last_evidence", as: Int64?.self))
        }
        return scores
    }

    /// Each organisation's stored score as its latest daily row on or before `day` left it (open by rule is not kept
    /// per day and stays empty).
    static func storedScores(_ filter: SQLQueryString, asOf day: String, on database: any SQLDatabase) async throws
        -> [Int64: StoredScore]
    {
        var scores: [Int64: StoredScore] = [:]
        for row in try await database.raw(
            """
            SELECT d.organisation_id, d.score_basis, d.last_evidence FROM organisations o
            JOIN org_daily d ON d.organisation_id = o.id AND d.day = (SELECT MAX(x.day) FROM org_daily x
            WHERE x.organisation_id = o.id AND x.day <= \(bind: day)) WHERE \(filter)
            """
        ).all() {
            guard let basis = try row.decode(column: "score_basis", as: String?.self) else { continue }
            scores[try row.decode(column: "organisation_id", as: Int64.self)] = StoredScore(
                basis: try ScoreBasis(encoded: basis),
                lastEvidence: try row.decode(column: "last_evidence", as: Int64?.self))
        }
        return scores
    }

    /// For the organisations of `latest` (each with its stored latest evidence) whose latest evidence is later than
    /// `date` (a submission assessed ahead of the viewer's clock, or later on the day a daily row stands for), the
    /// latest at or before it — `nil` when there is none — looked up for those organisations only: evidence from after
    /// a clock never makes an organisation fresh at it. Organisations not ahead are not in the result, so a national
    /// overview copies no stored score to cap a few.
    static func cappedEvidence(
        _ latest: some Sequence<(id: Int64, lastEvidence: Int64?)>, at date: Date, on database: any SQLDatabase
    ) async throws -> [Int64: Int64?] {
        let clock = seconds(date)
        let ahead = latest.filter { ($0.lastEvidence ?? .min) > clock }.map(\.id).sorted()
        guard !ahead.isEmpty else { return [:] }
        var capped = Dictionary(ahead.map { ($0, Int64?.none) }, uniquingKeysWith: { first, _ in first })
        try await forEachBatch(of: ahead, on: database) { among in
            for row in try await database.raw(
                """
                SELECT organisation_id, MAX(assessed_at) AS latest FROM submissions
                WHERE organisation_id \(among) AND applied = 1 AND assessed_at <= \(bind: clock)
                GROUP BY organisation_id
                """
            ).all() {
                capped[try row.decode(column: "organisation_id", as: Int64.self)] = .some(
                    try row.decode(column: "latest", as: Int64?.self))
            }
        }
        return capped
    }

    // MARK: - Rebuilding

    /// Migration 11's backfill: every stored score's tally of fixed tickets, counted from the tickets. (A score left
    /// without one is counted at its organisation's next submission.)
    static func fillFixedTallies(on database: any SQLDatabase) async throws {
        let organisations = try await database.raw("SELECT organisation_id FROM org_scores ORDER BY organisation_id")
            .all().map { try $0.decode(column: "organisation_id", as: Int64.self) }
        for organisation in organisations {
            let tally = try await fixedTally(organisation: organisation, on: database)
            try await database.raw(
                """
                UPDATE org_scores SET fixed_groups = \(bind: tally.encoded)
                WHERE organisation_id = \(bind: organisation)
                """
            ).run()
        }
    }

    /// Writes every organisation's stored score from its tickets and submissions: the current one, and on each of
    /// its daily rows the basis of its tickets as they stood at the end of that day, with the latest evidence applied
    /// by then. Migration 6 runs it once, for a database written before scores were stored.
    static func rebuildScores(on database: any SQLDatabase) async throws {
        let organisations = try await database.raw("SELECT id FROM organisations ORDER BY id").all().map {
            try $0.decode(column: "id", as: Int64.self)
        }
        for organisation in organisations {
            let tickets = try await groupedTimings(organisation: organisation, on: database)
            let evidence = try await database.raw(
                """
                SELECT assessed_at FROM submissions WHERE organisation_id = \(bind: organisation) AND applied = 1
                ORDER BY assessed_at
                """
            ).all().map { try $0.decode(column: "assessed_at", as: Int64.self) }
            try await writeCurrent(
                StoredScore(
                    basis: ScoreBasis(counted: tickets),
                    openByRule: try await openByRule(organisation: organisation, on: database),
                    lastEvidence: evidence.last),
                organisation: organisation, on: database)
            let days = try await database.raw(
                "SELECT day FROM org_daily WHERE organisation_id = \(bind: organisation) ORDER BY day"
            ).all().map { try $0.decode(column: "day", as: String.self) }
            let ends = days.map { day in (startOfDay(day) ?? date(0)).addingTimeInterval(86_399) }
            for (day, (end, basis)) in zip(days, zip(ends, ScoreBasis.series(of: tickets, at: ends))) {
                let latest = evidence.last { $0 <= seconds(end) }
                try await database.raw(
                    """
                    UPDATE org_daily SET score_basis = \(bind: basis.encoded), last_evidence = \(bind: latest)
                    WHERE organisation_id = \(bind: organisation) AND day = \(bind: day)
                    """
                ).run()
            }
        }
    }

    /// The start of a `YYYY-MM-DD` day in UTC (the inverse of ``day(_:)``); `nil` for anything else.
    static func startOfDay(_ day: String) -> Date? {
        let parts = day.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, zip(parts, [4, 2, 2]).allSatisfy({ $0.utf8.count == $1 }),
            parts.allSatisfy({ $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let dayOfMonth = Int(parts[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        return calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth))
    }

    // MARK: - Open findings by rule, as text

    /// `RULE=count` pairs, space-separated, in rule order.
    static func encoded(_ counts: [RuleID: Int]) -> String {
        counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
            .joined(separator: " ")
    }

    static func openByRule(encoded text: String) throws(StoreError) -> [RuleID: Int] {
        var counts: [RuleID: Int] = [:]
        for pair in text.utf8.split(separator: UInt8(ascii: " ")) {
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")), equals != pair.startIndex else {
                throw StoreError(.corrupt, "an organisation's stored open findings by rule are not readable")
            }
            let digits = pair[pair.index(after: equals)...]
            var count = 0
            for byte in digits {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10, count <= ScoreBasis.largestCount else {
                    count = -1
                    break
                }
                count = count * 10 + Int(digit)
            }
            guard !digits.isEmpty, (0...ScoreBasis.largestCount).contains(count) else {
                throw StoreError(.corrupt, "an organisation's stored open findings by rule are not readable")
            }
            counts[RuleID(rawValue: String(decoding: pair[..<equals], as: UTF8.self))] = count
        }
        return counts
    }
}
