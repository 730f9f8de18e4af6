public import VigilIO

/// A failure that stops a whole evidence file, a bundle or its manifest from being used (as opposed to a
/// ``Diagnostic`` about one record, which is a value and never thrown).
///
/// It carries a typed ``Code`` to act on, a message that says what went wrong and what to do, the file concerned and
/// the underlying error when there is one; never the file's content.
public struct EvidenceError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure: a struct over a private enum, so that codes can be added without breaking clients that
    /// compare with them. Its ``description`` is the stable code printed in brackets (`evidence.cannot-open`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case cannotOpen = "evidence.cannot-open"
            case notARegularFile = "evidence.not-a-file"
            case readFailed = "evidence.read-failed"
            case bundleNotFound = "bundle.not-found"
            case bundleNotAFolder = "bundle.not-a-folder"
            case manifestUnreadable = "manifest.unreadable"
            case manifestInvalidYAML = "manifest.invalid-yaml"
            case manifestInvalid = "manifest.invalid"
            case manifestMissingKey = "manifest.missing-key"
            case manifestMissingInput = "manifest.missing-input"
            case manifestOutsideBundle = "manifest.outside-bundle"
            case manifestSymbolicLink = "manifest.symbolic-link"
            case wordListNotFound = "wordlist.not-found"
            case wordListMissing = "wordlist.missing"
            case advisoriesMissing = "advisories.missing"
            case advisoriesNotFound = "advisories.not-found"
            case advisoriesArchive = "advisories.archive"
            case scanRootNotFound = "scan.not-found"
            case scanState = "scan.state"
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        public var description: String { value.rawValue }

        /// The file could not be opened (it does not exist, or permission is denied).
        public static let cannotOpen = Code(.cannotOpen)
        /// The path is not a regular file.
        public static let notARegularFile = Code(.notARegularFile)
        /// Reading failed part-way (an I/O error).
        public static let readFailed = Code(.readFailed)
        /// The evidence folder or a file named on the command line does not exist.
        public static let bundleNotFound = Code(.bundleNotFound)
        /// The evidence path is not a folder.
        public static let bundleNotAFolder = Code(.bundleNotAFolder)
        /// `vigil.yaml` exists but cannot be read.
        public static let manifestUnreadable = Code(.manifestUnreadable)
        /// `vigil.yaml` is not valid YAML.
        public static let manifestInvalidYAML = Code(.manifestInvalidYAML)
        /// `vigil.yaml` is YAML but a value has the wrong shape.
        public static let manifestInvalid = Code(.manifestInvalid)
        /// `vigil.yaml` lacks a required key.
        public static let manifestMissingKey = Code(.manifestMissingKey)
        /// `vigil.yaml` names an input or scan folder that does not exist.
        public static let manifestMissingInput = Code(.manifestMissingInput)
        /// `vigil.yaml` names a path outside the bundle.
        public static let manifestOutsideBundle = Code(.manifestOutsideBundle)
        /// `vigil.yaml` names a path through a symbolic link.
        public static let manifestSymbolicLink = Code(.manifestSymbolicLink)
        /// A word list given by path does not exist.
        public static let wordListNotFound = Code(.wordListNotFound)
        /// The built-in word list is missing from the installation.
        public static let wordListMissing = Code(.wordListMissing)
        /// The built-in advisory catalogue is missing from the installation.
        public static let advisoriesMissing = Code(.advisoriesMissing)
        /// An advisory file or folder to import does not exist.
        public static let advisoriesNotFound = Code(.advisoriesNotFound)
        /// An advisory archive could not be read within its limits.
        public static let advisoriesArchive = Code(.advisoriesArchive)
        /// A folder the manifest's scan names does not exist.
        public static let scanRootNotFound = Code(.scanRootNotFound)
        /// The scan's state file could not be used.
        public static let scanState = Code(.scanState)

        /// Whether the failure means an input is missing (exit status 66), as opposed to present but unusable.
        public var isMissingInput: Bool {
            switch value {
            case .bundleNotFound, .manifestMissingInput, .wordListNotFound, .advisoriesNotFound, .scanRootNotFound:
                true
            default: false
            }
        }
    }

    /// What kind of failure.
    public var code: Code
    /// The file concerned.
    public var path: String
    /// What went wrong and what to do, without quoting file content.
    public var message: String
    /// The failure underneath, when there is one (a ``FileError``, a scan's error).
    public var cause: (any Error & Sendable)?

    public init(code: Code, path: String, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.cause = cause
    }

    /// An evidence file that could not be opened or read, from the file layer's error (kept as the cause).
    public init(_ error: FileError) {
        let code: Code =
            switch error.code {
            case .notARegularFile: .notARegularFile
            case .readFailed: .readFailed
            default: .cannotOpen
            }
        self.init(code: code, path: error.path, message: error.message, cause: error)
    }

    public var description: String { "\(path): error: \(message) [\(code)]" }
}
