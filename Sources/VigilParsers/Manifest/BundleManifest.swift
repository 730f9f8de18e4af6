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

        public init(path: String, format: String? = nil) {
            self.path = path
            self.format = format
        }
    }

    /// Paths to reference data the organisation holds.
    public struct Reference: Sendable, Equatable {
        /// A breach-corpus index built with `vigil corpus build`.
        public var breachIndex: String?

        public init(breachIndex: String? = nil) {
            self.breachIndex = breachIndex
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
    /// Extra password word lists (paths), tried like common passwords.
    public var wordlists: [String]
    /// The organisation's own words beyond its name and code: sites, departments, local words.
    public var organisationWords: [String]
    /// How hard the dictionary attack tries: `quick`, `standard` or `thorough`.
    public var guessing: String?

    public init(
        organisation: Organisation? = nil,
        inputs: [Input] = [],
        reference: Reference = Reference(),
        staleDays: Int? = nil,
        wordlists: [String] = [],
        organisationWords: [String] = [],
        guessing: String? = nil
    ) {
        self.organisation = organisation
        self.inputs = inputs
        self.reference = reference
        self.staleDays = staleDays
        self.wordlists = wordlists
        self.organisationWords = organisationWords
        self.guessing = guessing
    }

    /// The manifest file name looked for at the bundle root.
    public static let fileName = "vigil.yaml"
}
