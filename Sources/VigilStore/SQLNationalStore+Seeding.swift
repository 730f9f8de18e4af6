import Foundation
import SQLKit
import VigilCore
import VigilSubmission

extension SQLNationalStore {
    /// What ``seed(_:organisationsPerTransaction:progress:)`` wrote.
    public struct SeedReport: Sendable, Hashable {
        /// Organisations created.
        public var organisations: Int
        /// Submissions recorded.
        public var submissions: Int
        /// Tickets, open and fixed.
        public var tickets: Int
        /// Ticket events.
        public var events: Int
        /// Alerts issued.
        public var alerts: Int
        /// Seconds spent writing the history, then issuing the alerts.
        public var historySeconds: Double
        public var alertSeconds: Double
    }

    /// Writes `history` into the store (which may already hold other organisations, but none of the history's
    /// codes): the rows the ingest path would have written for every weekly submission — organisations in their
    /// regions and boards, submissions with their areas and coverage sets, tickets with their opened and fixed events,
    /// and each organisation's daily aggregate — in bulk: multi-row INSERTs, `organisationsPerTransaction`
    /// organisations per transaction. The alerts are then issued through ``issueAlert(_:)``, so they meet the
    /// tickets exactly as on a live service, and the planner's statistics are refreshed (`ANALYZE`).
    ///
    /// For benchmarks and tests only: the values written are generated here, never read from input, which is why
    /// they may be spelled as SQL literals.
    public func seed(
        _ history: ScaleHistory, organisationsPerTransaction: Int = 20, progress: @Sendable (Int) -> Void = { _ in }
    ) async throws -> SeedReport {
        if let problem = history.problem { throw StoreError(.invalidOrganisation, "the history's \(problem)") }
        let started = Date()
        let step = max(1, organisationsPerTransaction)
        let chunks = stride(from: 0, to: history.organisations, by: step).map {
            $0..<min($0 + step, history.organisations)
        }
        // Two chunks in flight on PostgreSQL, so one is generated here while the server writes the other (their ids
        // come from the sequences, so they never collide); SQLite has one writer.
        let inFlight = dialect == .postgres ? 2 : 1
        let written = try await withThrowingTaskGroup(of: SeedCounts.self) { group in
            var written = SeedCounts()
            var done = 0
            for (position, range) in chunks.enumerated() {
                if position >= inFlight, let counts = try await group.next() {
                    written.add(counts)
                    done += counts.organisations
                    progress(done)
                }
                group.addTask {
                    try await self.transaction { database in
                        try await self.seedChunk(history, organisations: range, on: database)
                    }
                }
            }
            for try await counts in group {
                written.add(counts)
                done += counts.organisations
                progress(done)
            }
            return written
        }
        let historySeconds = Date().timeIntervalSince(started)
        let alertsStarted = Date()
        for number in 0..<history.alerts {
            let issued = history.end.addingTimeInterval(-Double(10 + 7 * number) * 86_400)
            _ = try await issueAlert(
                NewAlert(
                    title: "Scale benchmark alert \(number + 1)", severity: .critical,
                    rules: [number % 2 == 0 ? .updateMissingExploited : .breachedPassword], issuedAt: issued,
                    remediationDays: 14, knownExploited: number % 2 == 0))
        }
        try await transactionless { try await $0.raw("ANALYZE").run() }
        if dialect == .postgres { try await transaction { try await $0.raw("ANALYZE").run() } }
        return SeedReport(
            organisations: written.organisations, submissions: written.submissions, tickets: written.tickets,
            events: written.events, alerts: history.alerts, historySeconds: historySeconds,
            alertSeconds: Date().timeIntervalSince(alertsStarted))
    }

    /// Rows written by one chunk.
    struct SeedCounts: Sendable {
        var organisations = 0
        var submissions = 0
        var tickets = 0
        var events = 0

        mutating func add(_ other: SeedCounts) {
            organisations += other.organisations
            submissions += other.submissions
            tickets += other.tickets
            events += other.events
        }
    }

    /// The simulated organisations of `range`, written in the caller's transaction.
    func seedChunk(_ history: ScaleHistory, organisations range: Range<Int>, on database: any SQLDatabase)
        async throws -> SeedCounts
    {
        let simulations = range.map { history.simulate($0) }
        let submissionCount = range.count * history.weeks
        let ticketCount = simulations.reduce(0) { $0 + $1.tickets.count }
        let eventCount = simulations.reduce(0) { total, simulation in
            total + simulation.tickets.count + simulation.tickets.filter { $0.fixedWeek != nil }.count
        }
        var organisationIDs = try await identifiers("organisations", count: range.count, on: database).makeIterator()
        var submissionIDs = try await identifiers("submissions", count: submissionCount, on: database).makeIterator()
        var ticketIDs = try await identifiers("tickets", count: ticketCount, on: database).makeIterator()
        var eventIDs = try await identifiers("ticket_events", count: eventCount, on: database).makeIterator()
        var rows = SeedRows(database: database, dialect: dialect)
        let weekSeconds = (0..<history.weeks).map { Self.seconds(history.date(week: $0)) }
        let weekDays = (0..<history.weeks).map { Self.day(history.date(week: $0)) }
        for (index, simulation) in zip(range, simulations) {
            let place = history.place(index)
            guard let organisation = organisationIDs.next() else { throw Self.shortOfIdentifiers }
            try await rows.add(
                "organisations", "id, ods_code, name, kind, path, created_at, key_fingerprint",
                [
                    "\(organisation)", Self.literal(place.code),
                    Self.literal("Scale \(place.kind == .acuteTrust ? "trust" : "practice") \(place.code)"),
                    Self.literal(place.kind.rawValue), Self.literal("\(place.region)/\(place.board)/\(place.code)"),
                    // The key its history's submissions were made with, as ingest would have recorded it.
                    "\(weekSeconds[0])", Self.literal(ScaleHistory.keyFingerprint),
                ])
            var digests = SplitMix64(seed: history.seed ^ 0xD1B5_4A32_D192_ED03 ^ UInt64(index))
            var weekSubmission: [Int64] = []
            for week in 0..<history.weeks {
                guard let id = submissionIDs.next() else { throw Self.shortOfIdentifiers }
                weekSubmission.append(id)
                let digest = (0..<4).map { _ in String(format: "%016llx", digests.next()) }.joined()
                let opened = week == 0 ? history.findings : history.churn
                let fixed = week == 0 ? 0 : min(history.churn, history.findings)
                try await rows.add(
                    "submissions",
                    "id, organisation_id, digest, assessed_at, received_at, tool_version, findings, applied, opened, fixed, reopened, unverified",
                    [
                        "\(id)", "\(organisation)", Self.literal(digest), "\(weekSeconds[week])",
                        "\(weekSeconds[week] + 60)", "'scale-seed'", "\(simulation.openAfter[week].count)", "1",
                        "\(opened)", "\(fixed)", "0", "0",
                    ])
                for area in AssessmentArea.allCases {
                    let status: Coverage.Status =
                        ScaleHistory.assessedAreas.contains(area) ? .assessed : .notAssessed
                    try await rows.add(
                        "submission_areas", "submission_id, area, status",
                        ["\(id)", Self.literal(area.rawValue), Self.literal(status.rawValue)])
                }
                let covered =
                    simulation.openAfter[week].map { simulation.tickets[$0] }
                    + simulation.tickets.filter { $0.fixedWeek == week }
                for group in ScaleHistory.coverage(covered) {
                    try await rows.add(
                        "coverage_sets", "submission_id, group_id, complete, subjects",
                        ["\(id)", Self.literal(group.id), "0", bytesLiteral(Self.packed(group.subjects))])
                }
            }
            var fixedByWeek = [Int](repeating: 0, count: history.weeks)
            var openBySeverity = [[Severity: Int]](repeating: [:], count: history.weeks)
            let last = history.weeks - 1
            for ticket in simulation.tickets {
                guard let id = ticketIDs.next() else { throw Self.shortOfIdentifiers }
                let rule = ScaleHistory.rules[ticket.rule]
                let openedAt = weekSeconds[ticket.openedWeek]
                let lastSeenWeek = ticket.fixedWeek.map { $0 - 1 } ?? last
                let lastSubmission = weekSubmission[lastSeenWeek]
                try await rows.add(
                    "tickets",
                    "id, organisation_id, rule, subject, kind, area, severity, state, is_current, opened_at, last_seen_at, fixed_at, reopen_count, opened_submission, last_submission",
                    [
                        "\(id)", "\(organisation)", Self.literal(rule.rule.rawValue), Self.literal(ticket.subject),
                        Self.literal(rule.kind.rawValue), Self.literal(rule.area.rawValue),
                        Self.literal(rule.severity.rawValue), ticket.fixedWeek == nil ? "'open'" : "'fixed'", "1",
                        "\(openedAt)", "\(weekSeconds[lastSeenWeek])",
                        ticket.fixedWeek.map { "\(weekSeconds[$0])" } ?? "NULL", "0",
                        "\(weekSubmission[ticket.openedWeek])", "\(lastSubmission)",
                    ])
                try await rows.add(
                    "ticket_sightings", "ticket_id, last_seen_at, last_submission",
                    ["\(id)", "\(weekSeconds[lastSeenWeek])", "\(lastSubmission)"])
                guard let openedEvent = eventIDs.next() else { throw Self.shortOfIdentifiers }
                try await rows.add(
                    "ticket_events", "id, ticket_id, kind, at, submission_id",
                    [
                        "\(openedEvent)", "\(id)", "'opened'", "\(openedAt)",
                        "\(weekSubmission[ticket.openedWeek])",
                    ])
                if let fixedWeek = ticket.fixedWeek {
                    guard let fixedEvent = eventIDs.next() else { throw Self.shortOfIdentifiers }
                    try await rows.add(
                        "ticket_events", "id, ticket_id, kind, at, submission_id",
                        [
                            "\(fixedEvent)", "\(id)", "'fixed'", "\(weekSeconds[fixedWeek])",
                            "\(weekSubmission[fixedWeek])",
                        ])
                    fixedByWeek[fixedWeek] += 1
                }
                for week in ticket.openedWeek..<(ticket.fixedWeek ?? history.weeks) {
                    openBySeverity[week][rule.severity, default: 0] += 1
                }
            }
            // The stored score, as ingest would have left it each week and now (``refreshScore``).
            let timings = simulation.tickets.map { ticket in
                let rule = ScaleHistory.rules[ticket.rule]
                return (
                    timing: OrganisationScore.Timing(
                        rule: rule.rule, severity: rule.severity, openedAt: Self.date(weekSeconds[ticket.openedWeek]),
                        fixedAt: ticket.fixedWeek.map { Self.date(weekSeconds[$0]) }), count: 1
                )
            }
            let bases = ScoreBasis.series(of: timings, at: weekSeconds.map(Self.date))
            var fixedSoFar = 0
            for week in 0..<history.weeks {
                fixedSoFar += fixedByWeek[week]
                let open = openBySeverity[week]
                try await rows.add(
                    "org_daily",
                    "organisation_id, day, open_critical, open_high, open_medium, open_low, open_info, unverified, fixed, submissions, score_basis, last_evidence",
                    [
                        "\(organisation)", Self.literal(weekDays[week]), "\(open[.critical] ?? 0)",
                        "\(open[.high] ?? 0)", "\(open[.medium] ?? 0)", "\(open[.low] ?? 0)", "\(open[.info] ?? 0)",
                        "0", "\(fixedSoFar)", "1", Self.literal(bases[week].encoded), "\(weekSeconds[week])",
                    ])
            }
            var openByRule: [RuleID: Int] = [:]
            for ticket in simulation.tickets where ticket.fixedWeek == nil {
                openByRule[ScaleHistory.rules[ticket.rule].rule, default: 0] += 1
            }
            var fixed = FixedTally()
            for ticket in simulation.tickets {
                guard let fixedWeek = ticket.fixedWeek else { continue }
                let rule = ScaleHistory.rules[ticket.rule]
                fixed.add(
                    FixedTally.Key(
                        severity: rule.severity, exploited: rule.rule == .updateMissingExploited,
                        taken: weekSeconds[fixedWeek] - weekSeconds[ticket.openedWeek]))
            }
            try await rows.add(
                "org_scores", "organisation_id, basis, open_by_rule, last_evidence, fixed_groups",
                [
                    "\(organisation)", Self.literal((bases.last ?? ScoreBasis()).encoded),
                    Self.literal(Self.encoded(openByRule)), "\(weekSeconds[last])", Self.literal(fixed.encoded),
                ])
        }
        try await rows.flushAll()
        return SeedCounts(
            organisations: range.count, submissions: submissionCount, tickets: ticketCount, events: eventCount)
    }

    static var shortOfIdentifiers: StoreError { StoreError(.corrupt, "the seeder reserved too few identifiers") }

    /// `count` unused ids of `table`, in order. On SQLite the transaction holds the only write lock, so the ids after
    /// the largest are free; on PostgreSQL they are drawn from the table's own sequence, so a concurrent writer (the
    /// test suite shares a database) never gets one of them.
    func identifiers(_ table: String, count: Int, on database: any SQLDatabase) async throws -> [Int64] {
        guard count > 0 else { return [] }
        switch dialect {
        case .sqlite:
            let largest =
                try await database.raw("SELECT COALESCE(MAX(id), 0) AS largest FROM \(unsafeRaw: table)").first()?
                .decode(column: "largest", as: Int64.self) ?? 0
            return (1...Int64(count)).map { largest + $0 }
        case .postgres:
            return try await database.raw(
                """
                SELECT nextval(pg_get_serial_sequence('\(unsafeRaw: table)', 'id')) AS id
                FROM generate_series(1, \(unsafeRaw: String(count))) ORDER BY 1
                """
            ).all().map { try $0.decode(column: "id", as: Int64.self) }
        }
    }

    /// A generated text as a SQL string literal.
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// Bytes as a SQL literal in this store's dialect (`X'…'` is SQLite's; PostgreSQL casts a `'\x…'` string);
    /// both spellings are built from hex digits only.
    func bytesLiteral(_ data: Data) -> String {
        let hex = HexDigit.encode([UInt8](data))
        return dialect == .postgres ? "'\\x\(hex)'::bytea" : "X'\(hex)'"
    }
}

/// Multi-row INSERTs under construction, one per table, each sent when it holds ``limit`` rows.
struct SeedRows {
    let database: any SQLDatabase
    let dialect: SQLNationalStore.Dialect
    /// Rows per statement: large enough that the statements' overhead vanishes, small enough to stay a few hundred
    /// kilobytes of text.
    let limit = 500
    private var pending: [String: (columns: String, rows: [String])] = [:]
    /// Tables in the order first written, so a row is always sent after the rows it references.
    private var order: [String] = []

    init(database: any SQLDatabase, dialect: SQLNationalStore.Dialect) {
        self.database = database
        self.dialect = dialect
    }

    /// Adds one row of literals; sends the table's rows (and, first, those of every table written before it) when
    /// full.
    mutating func add(_ table: String, _ columns: String, _ values: [String]) async throws {
        try await add(table, columns, "(" + values.joined(separator: ", ") + ")")
    }

    private mutating func add(_ table: String, _ columns: String, _ row: String) async throws {
        if pending[table] == nil {
            pending[table] = (columns, [])
            order.append(table)
        }
        pending[table]?.rows.append(row)
        if (pending[table]?.rows.count ?? 0) >= limit {
            // Referenced rows first: every table written before this one is sent up to now.
            for earlier in order {
                try await flush(earlier)
                if earlier == table { break }
            }
        }
    }

    /// Sends every table's remaining rows, in the order first written.
    mutating func flushAll() async throws {
        for table in order { try await flush(table) }
    }

    private mutating func flush(_ table: String) async throws {
        guard let batch = pending[table], !batch.rows.isEmpty else { return }
        pending[table]?.rows.removeAll(keepingCapacity: true)
        let statement = "INSERT INTO \(table) (\(batch.columns)) VALUES " + batch.rows.joined(separator: ", ")
        try await database.raw(SQLQueryString(statement)).run()
    }
}
