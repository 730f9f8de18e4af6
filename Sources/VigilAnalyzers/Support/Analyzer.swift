public import Foundation
public import VigilCore

/// One concern of the assessment (account hygiene, credentials, updates…): a pure function from the estate to
/// findings and metrics. Analyzers know rules, never formats or files.
public protocol Analyzer: Sendable {
    /// A short identifier (`account-hygiene`).
    var name: String { get }
    /// The rules this analyzer can raise.
    var rules: [RuleID] { get }
    /// Analyzes the estate.
    func analyze(_ context: AnalysisContext) -> AnalyzerOutput
}

/// What an analyzer found.
public struct AnalyzerOutput: Sendable {
    /// Findings.
    public var findings: [Finding]
    /// Measured quantities.
    public var metrics: [Metric]
    /// How fully each area this analyzer covers could be assessed.
    public var coverage: [Coverage]
    /// Plain-words statements of what it found.
    public var headlines: [Headline]
    /// Views across its findings, for the report.
    public var tables: [SummaryTable]
    /// Subjects it could not check for some of its rules, which the evidence therefore does not cover for them.
    public var unchecked: [UncheckedSubjects]

    public init(
        findings: [Finding] = [], metrics: [Metric] = [], coverage: [Coverage] = [], headlines: [Headline] = [],
        tables: [SummaryTable] = [], unchecked: [UncheckedSubjects] = []
    ) {
        self.findings = findings
        self.metrics = metrics
        self.coverage = coverage
        self.headlines = headlines
        self.tables = tables
        self.unchecked = unchecked
    }
}

/// Subjects an analyzer had evidence for but could not check for some rules: a host whose update list the advisories
/// cannot decide, a host whose SMBv1 state its export does not give, every account when no breach corpus was given.
/// Their absence from those rules' findings proves nothing, so a ticket on them is left unverified, never fixed.
public struct UncheckedSubjects: Sendable, Hashable {
    /// The kind of the subjects.
    public var kind: Subject.Kind
    /// The rules they were not checked for.
    public var rules: Set<RuleID>
    /// Their ids; `nil` for every subject of the kind.
    public var ids: Set<String>?

    public init(kind: Subject.Kind, rules: Set<RuleID>, ids: Set<String>?) {
        self.kind = kind
        self.rules = rules
        self.ids = ids
    }
}

/// Everything an analyzer may use: the estate, its derived indexes, the date the assessment is as of, and settings.
public struct AnalysisContext: Sendable {
    /// The estate.
    public let estate: Estate
    /// Accounts, groups, privilege and credentials joined.
    public let directory: DirectoryIndex
    /// The date "now" means (injected, so that results are reproducible).
    public let asOf: Date
    /// Thresholds and options.
    public let settings: AnalysisSettings
    /// Reference data the organisation supplied or Vigil ships (breach corpus, word lists).
    public let reference: ReferenceData
    /// Analyses several stages share, computed once on first use (the access analysis and its indexes).
    public let shared: SharedAnalyses

    /// The context of an assessment of `estate`. `startingAccessAnalysis` starts the access analysis at once, beside
    /// the directory index built here, when the estate holds what it needs (the engine's own context; a context made
    /// for a part of the work, such as a hash dump read alone, leaves it to be built if and when it is asked for).
    public init(
        estate: Estate, asOf: Date, settings: AnalysisSettings = AnalysisSettings(),
        reference: ReferenceData = ReferenceData(), startingAccessAnalysis: Bool = false
    ) {
        self.estate = estate
        self.asOf = asOf
        self.settings = settings
        self.reference = reference
        self.shared = SharedAnalyses(estate: estate, asOf: asOf)
        if startingAccessAnalysis, AccessAnalyzer.missingEvidence(estate) == nil { shared.startAccessReach() }
        self.directory = DirectoryIndex(estate)
    }

    /// Whole days from `date` to the assessment date.
    public func daysSince(_ date: Date) -> Int {
        Int((asOf.timeIntervalSince(date) / 86_400).rounded(.down))
    }
}

/// Thresholds the analyzers use.
public struct AnalysisSettings: Sendable, Hashable {
    /// Days without logon after which an enabled account is stale.
    public var staleDays: Int
    /// Whether update findings list every missing advisory (`facts["listed"]`), not only the worst twenty: for
    /// comparing with other tools; large for big estates.
    public var listAllMissingUpdates: Bool
    /// Days of access logs, up to the assessment date, in which access must have been used not to count as unused
    /// (`--access-window`).
    public var accessWindowDays: Int

    /// The default staleness threshold: 90 days, the usual review period for inactive accounts.
    public static let defaultStaleDays = 90
    /// The default access window: 90 days, the same review period.
    public static let defaultAccessWindowDays = 90

    public init(
        staleDays: Int = AnalysisSettings.defaultStaleDays, listAllMissingUpdates: Bool = false,
        accessWindowDays: Int = AnalysisSettings.defaultAccessWindowDays
    ) {
        self.staleDays = staleDays
        self.listAllMissingUpdates = listAllMissingUpdates
        self.accessWindowDays = accessWindowDays
    }
}

/// Reference data for the analyzers: what is known outside the estate's own evidence.
public struct ReferenceData: Sendable {
    /// A breached-password corpus, when the organisation has indexed one.
    public var breachCorpus: (any BreachCorpus)?
    /// Common passwords, most common first (Vigil's built-in list, lower case).
    public var commonPasswords: [String]
    /// Extra words the organisation supplied (case kept), tried like common passwords.
    public var listedWords: [String]
    /// The organisation's own words: its name, code, sites, domain names.
    public var organisationWords: [String]
    /// How hard the dictionary attack tries.
    public var guessing: GuessingRules.Level
    /// Advisories from outside the bundle: Vigil's built-in catalogue and any imported advisory database.
    public var advisories: [Advisory]
    /// Where ``advisories`` came from, for the coverage note (`built-in catalogue (12 advisories)`).
    public var advisorySources: [String]
    /// The built-in catalogue and the advisory database already joined for matching (an advisory database's compiled
    /// index), used instead of ``advisories`` when set.
    public var advisoryIndex: AdvisoryIndex?
    /// Whether ``advisories`` are Vigil's built-in catalogue alone (no advisory database imported): a host it finds
    /// nothing missing on may still miss every later update, so the updates area is only partly assessed.
    public var onlyBuiltInAdvisories = false
    /// Per update, its release as Vigil's built-in catalogue dates it (``UpdateReleases/dated(by:)``): the catalogue's
    /// rows for a later rollup that contains an old fix carry the rollup's month (KB5022338, January 2023, for
    /// MS17-010 on Windows 7), which the vulnerabilities it fixes would not tell.
    public var updateReleases: [UInt32: Date] = [:]

    public init(
        breachCorpus: (any BreachCorpus)? = nil,
        commonPasswords: [String] = [],
        listedWords: [String] = [],
        organisationWords: [String] = [],
        guessing: GuessingRules.Level = .standard,
        advisories: [Advisory] = [],
        advisorySources: [String] = []
    ) {
        self.breachCorpus = breachCorpus
        self.commonPasswords = commonPasswords
        self.listedWords = listedWords
        self.organisationWords = organisationWords
        self.guessing = guessing
        self.advisories = advisories
        self.advisorySources = advisorySources
    }
}

/// Every analyzer, as one literal list: adding a concern means adding it here; nothing registers itself.
public enum AnalyzerCatalogue {
    /// All analyzers, in report order.
    public static let all: [any Analyzer] = [
        AccountHygieneAnalyzer(),
        CredentialAnalyzer(),
        UpdatesAnalyzer(),
        PatientDataAnalyzer(),
        AccessAnalyzer(),
    ]
}
