public import VigilCore

/// The optional `vigil.yaml` of an evidence bundle: who the organisation is, which files to read (and as what),
/// where reference data lives, and settings for this organisation.
public struct BundleManifest: Sendable, Equatable {
    /// One input named by the manifest.
    public struct Input: Sendable, Equatable {
        /// Path relative to the bundle (or absolute).
        public var path: String
        /// The format identifier, when not left to recognition by content.
        public var format: String?
        /// The line of `vigil.yaml` naming it, for messages (which never quote the path).
        public var line: Int?

        public init(path: String, format: String? = nil, line: Int? = nil) {
            self.path = path
            self.format = format
            self.line = line
        }
    }

    /// Paths to reference data the organisation holds.
    public struct Reference: Sendable, Equatable {
        /// A breach-corpus index built with `vigil corpus build`.
        public var breachIndex: String?
        /// An advisory database built with `vigil advisories import`.
        public var advisories: String?

        public init(breachIndex: String? = nil, advisories: String? = nil) {
            self.breachIndex = breachIndex
            self.advisories = advisories
        }
    }

    /// Folders to scan for patient identifiers during the assessment.
    public struct Scan: Sendable, Equatable {
        /// One folder tree to scan.
        public struct Root: Sendable, Equatable {
            /// The folder (relative to the bundle, or absolute).
            public var path: String
            /// How permission exports (icacls, Get-Acl) name the same folder (`D:\Shares\Clinical`).
            public var aclPath: String?
            /// The server holding it, to join with host inventories (disk encryption).
            public var host: String?
            /// The line of `vigil.yaml` naming it, for messages (which never quote the path).
            public var line: Int?

            public init(path: String, aclPath: String? = nil, host: String? = nil, line: Int? = nil) {
                self.path = path
                self.aclPath = aclPath
                self.host = host
                self.line = line
            }
        }

        /// The folders.
        public var roots: [Root]
        /// Only files matching one of these patterns are read (all when empty).
        public var include: [String]
        /// Files and folders matching any of these are left out.
        public var exclude: [String]
        /// The incremental state file (relative to the bundle, or absolute); none when `nil`.
        public var state: String?
        /// Worker threads; every core when `nil`.
        public var jobs: Int?

        public init(
            roots: [Root], include: [String] = [], exclude: [String] = [], state: String? = nil, jobs: Int? = nil
        ) {
            self.roots = roots
            self.include = include
            self.exclude = exclude
            self.state = state
            self.jobs = jobs
        }
    }

    /// The organisation; `nil` when the manifest does not name one.
    public var organisation: Organisation?
    /// Inputs; empty means "every file in the bundle".
    public var inputs: [Input]
    /// Reference data.
    public var reference: Reference
    /// Days without logon after which an enabled account is stale.
    public var staleDays: Int?
    /// `settings: access-window:` — days of access logs in which access must have been used not to count as unused.
    public var accessWindowDays: Int?
    /// Extra password word lists (paths), tried like common passwords.
    public var wordlists: [String]
    /// The organisation's own words beyond its name and code: sites, departments, local words.
    public var organisationWords: [String]
    /// How hard the dictionary attack tries: `quick`, `standard` or `thorough`.
    public var guessing: String?
    /// Folders to scan for patient identifiers; `nil` when the manifest has no `scan:` section.
    public var scan: Scan?
    /// Resources the organisation names as confidential (`resources:`): folders or shares by Windows path, or
    /// applications, each with its classification.
    public var resources: [Resource]

    public init(
        organisation: Organisation? = nil,
        inputs: [Input] = [],
        reference: Reference = Reference(),
        staleDays: Int? = nil,
        wordlists: [String] = [],
        organisationWords: [String] = [],
        guessing: String? = nil,
        scan: Scan? = nil,
        resources: [Resource] = []
    ) {
        self.organisation = organisation
        self.inputs = inputs
        self.reference = reference
        self.staleDays = staleDays
        self.wordlists = wordlists
        self.organisationWords = organisationWords
        self.guessing = guessing
        self.scan = scan
        self.resources = resources
    }

    /// The manifest file name looked for at the bundle root.
    public static let fileName = "vigil.yaml"
}
