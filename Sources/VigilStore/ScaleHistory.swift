public import Foundation
public import VigilCore
public import VigilSubmission

/// A synthetic national history at any size, for the service's scale benchmark (`bench/service.sh`, issues 14 and 16):
/// organisations in regions and integrated care boards, each with a weekly submission of about ``findings`` open
/// findings, of which ``churn`` are fixed and as many new ones appear each week. Everything follows from ``seed``, so
/// the same plan always gives the same rows, and the submission an organisation would send the week after the history
/// (``nextSubmission(organisation:)``) meets the tickets the history left, as a real one would.
///
/// The model is deliberately plain — no recurrences, no unverified tickets, no exceptions — so that every seeded count
/// can be worked out by hand: an organisation has `findings + churn × (weeks − 1)` tickets, `findings` of them open.
public struct ScaleHistory: Sendable, Hashable {
    /// Organisations.
    public var organisations: Int
    /// Weekly submissions per organisation.
    public var weeks: Int
    /// Open findings in every submission.
    public var findings: Int
    /// Findings fixed, and new ones opened, each week after the first.
    public var churn: Int
    /// Alerts issued (through the store's own path) after the history is written.
    public var alerts: Int
    /// The random generator's seed.
    public var seed: UInt64
    /// The date of the last week's submissions.
    public var end: Date
    /// What every organisation code starts with (a capital letter, then up to 9 capital letters and digits), so that
    /// two histories can share a database (the tests).
    public var prefix: String

    public init(
        organisations: Int = 7_000, weeks: Int = 52, findings: Int = 200, churn: Int = 24, alerts: Int = 3,
        seed: UInt64 = 1, end: Date, prefix: String = "V"
    ) {
        self.organisations = organisations
        self.weeks = weeks
        self.findings = findings
        self.churn = churn
        self.alerts = alerts
        self.seed = seed
        self.end = end
        self.prefix = prefix
    }

    /// Tickets per organisation: the first week's findings and every week's new ones.
    public var ticketsPerOrganisation: Int { findings + churn * max(0, weeks - 1) }

    /// Tickets in all.
    public var tickets: Int { organisations * ticketsPerOrganisation }

    /// Why the plan cannot be seeded, or `nil`: sizes are bounded so that every count fits and a typo cannot ask for
    /// a petabyte.
    public var problem: String? {
        guard (1...100_000).contains(organisations) else { return "organisations: 1 to 100,000" }
        guard (1...520).contains(weeks) else { return "weeks: 1 to 520" }
        guard (1...10_000).contains(findings) else { return "findings: 1 to 10,000" }
        guard (0...findings).contains(churn) else { return "churn: 0 to the number of findings" }
        guard (0...20).contains(alerts) else { return "alerts: 0 to 20" }
        guard let first = prefix.utf8.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first),
            prefix.utf8.count <= 10, SQLNationalStore.isODSCode(prefix)
        else { return "prefix: a capital letter, then up to 9 capital letters and digits" }
        return nil
    }

    /// The seven regions (NHS England's region codes) every organisation sits under.
    static let regions = ["Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"]
    /// Integrated care boards per region.
    static let boardsPerRegion = 6

    /// The rules findings are drawn from, with their area, subject kind and severity: what real assessments submit.
    static let rules: [(rule: RuleID, area: AssessmentArea, kind: Subject.Kind, severity: Severity)] = [
        (.updateMissing, .updates, .host, .high),
        (.updateMissing, .updates, .host, .medium),
        (.updateOverdue, .updates, .host, .medium),
        (.updateMissingExploited, .updates, .host, .critical),
        (.unsupportedSystem, .updates, .host, .high),
        (.smbVersion1Enabled, .updates, .host, .medium),
        (.staleAccount, .accounts, .account, .low),
        (.passwordNeverExpires, .accounts, .account, .low),
        (.stalePrivilegedAccount, .accounts, .account, .high),
        (.guessablePassword, .credentials, .account, .high),
        (.breachedPassword, .credentials, .account, .critical),
        (.sharedPassword, .credentials, .account, .medium),
    ]

    /// The areas every seeded submission assessed; the others it says it did not.
    static let assessedAreas: Set<AssessmentArea> = [.updates, .accounts, .credentials]

    /// One organisation's place and code.
    public struct Place: Sendable, Hashable {
        /// Its ODS-style code.
        public var code: String
        /// Its region's code.
        public var region: String
        /// Its integrated care board's code.
        public var board: String
        /// Trust or practice.
        public var kind: Organisation.Kind
    }

    /// The place of organisation `index` (0-based): spread evenly over regions and boards, one in thirty a trust.
    public func place(_ index: Int) -> Place {
        let region = index % Self.regions.count
        let board = (index / Self.regions.count) % Self.boardsPerRegion
        return Place(
            code: prefix + String(format: "%06d", index),
            region: Self.regions[region],
            board: "Q" + String(UnicodeScalar(UInt8(ascii: "A") + UInt8(region))) + String(board),
            kind: index % 30 == 0 ? .acuteTrust : .gpPractice)
    }

    /// The date of week `week`'s submissions (the last is ``end``).
    public func date(week: Int) -> Date {
        end.addingTimeInterval(-Double(weeks - 1 - week) * 7 * 86_400)
    }

    /// One ticket of the simulated history.
    struct SimulatedTicket: Sendable {
        /// Position in ``rules``.
        var rule: Int
        /// The subject's key, 32 hex digits.
        var subject: String
        /// The week its finding first appeared.
        var openedWeek: Int
        /// The week covering evidence showed it gone.
        var fixedWeek: Int?
    }

    /// One organisation's simulated history: every ticket ever, in the order opened, and which were open after each
    /// week (positions into the tickets).
    struct Simulation: Sendable {
        var tickets: [SimulatedTicket] = []
        var openAfter: [[Int]] = []
        var generator: SplitMix64
    }

    /// Runs organisation `index`'s weeks. Each organisation has a generator of its own, so one can be simulated
    /// without the others (the next submission of a few organisations, a test of one).
    func simulate(_ index: Int) -> Simulation {
        var simulation = Simulation(generator: SplitMix64(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15)))
        var open: [Int] = []
        for week in 0..<weeks {
            if week > 0 {
                for _ in 0..<min(churn, open.count) {
                    let position = Int(simulation.generator.next() % UInt64(open.count))
                    simulation.tickets[open[position]].fixedWeek = week
                    open.swapAt(position, open.count - 1)
                    open.removeLast()
                }
            }
            let newcomers = week == 0 ? findings : churn
            for _ in 0..<newcomers {
                open.append(simulation.tickets.count)
                simulation.tickets.append(Self.newTicket(week: week, generator: &simulation.generator))
            }
            simulation.openAfter.append(open.sorted())
        }
        return simulation
    }

    static func newTicket(week: Int, generator: inout SplitMix64) -> SimulatedTicket {
        let rule = Int(generator.next() % UInt64(rules.count))
        let subject = String(format: "%016llx%016llx", generator.next(), generator.next())
        return SimulatedTicket(rule: rule, subject: subject, openedWeek: week, fixedWeek: nil)
    }

    /// The submission organisation `index` sends the week after the history: ``churn`` of its open findings gone
    /// (their subjects still covered, so they are fixed) and as many new ones — what an ingest benchmark posts.
    public func nextSubmission(organisation index: Int) -> Submission {
        var simulation = simulate(index)
        var open = simulation.openAfter.last ?? []
        var gone: [Int] = []
        for _ in 0..<min(churn, open.count) {
            let position = Int(simulation.generator.next() % UInt64(open.count))
            gone.append(open[position])
            open.swapAt(position, open.count - 1)
            open.removeLast()
        }
        var tickets = open.map { simulation.tickets[$0] }
        for _ in 0..<churn { tickets.append(Self.newTicket(week: weeks, generator: &simulation.generator)) }
        let covered = tickets + gone.map { simulation.tickets[$0] }
        return submission(
            organisation: place(index).code, at: end.addingTimeInterval(7 * 86_400), open: tickets, covered: covered)
    }

    /// A submission showing `open` and covering the subjects of `covered`.
    func submission(organisation: String, at date: Date, open: [SimulatedTicket], covered: [SimulatedTicket])
        -> Submission
    {
        let findings = open.map { ticket in
            let rule = Self.rules[ticket.rule]
            return Submission.SubmittedFinding(
                rule: rule.rule, severity: rule.severity, area: rule.area, kind: rule.kind, subject: ticket.subject,
                facts: [:])
        }
        var submission = Submission(
            tool: ToolIdentity(name: "vigil", version: "0.0.0-scale-seed"), organisation: organisation,
            assessedAt: date,
            areas: AssessmentArea.allCases.map {
                Submission.AreaStatus(area: $0, status: Self.assessedAreas.contains($0) ? .assessed : .notAssessed)
            },
            findings: findings, coverage: Self.coverage(covered), metrics: [])
        submission.keyFingerprint = Self.keyFingerprint
        return submission
    }

    /// The fingerprint every seeded organisation's submissions carry: its subjects are made up, keyed by no key, and
    /// one fingerprint for all keeps each organisation's own consistent.
    static let keyFingerprint = "5ca1ed0000000001"

    /// The coverage groups (area and kind) of the seeded rules, each listing the subjects of `tickets` it holds.
    static func coverage(_ tickets: [SimulatedTicket]) -> [Submission.CoverageGroup] {
        var subjects: [String: (area: AssessmentArea, kind: Subject.Kind, keys: [String])] = [:]
        for rule in rules {
            subjects["\(rule.area.rawValue)/\(rule.kind.rawValue)"] = (rule.area, rule.kind, [])
        }
        for ticket in tickets {
            let rule = rules[ticket.rule]
            subjects["\(rule.area.rawValue)/\(rule.kind.rawValue)"]?.keys.append(ticket.subject)
        }
        return subjects.values.map {
            Submission.CoverageGroup(area: $0.area, kind: $0.kind, complete: false, subjects: $0.keys)
        }
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64): the same seed gives the same history on
/// every platform, which `SystemRandomNumberGenerator` would not.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
