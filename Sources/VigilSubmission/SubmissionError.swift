/// Why a submission could not be made, read or accepted. Messages name what was expected, never the content.
public struct SubmissionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable {
        /// The pseudonymisation key is missing, malformed or unreadable.
        case invalidKey = "submission.invalid-key"
        /// The document is not JSON of the submission's shape.
        case malformed = "submission.malformed"
        /// The document's schema version is not one this build reads.
        case unsupportedVersion = "submission.unsupported-version"
        /// A field breaks the submission's limits or shapes.
        case invalid = "submission.invalid"
        /// The document is larger than the limits allow.
        case tooLarge = "submission.too-large"
    }

    /// The kind of failure.
    public var code: Code
    /// What was expected, for people.
    public var message: String
    /// Where in the document, when known (`findings[12].subject`).
    public var position: String?
    /// The underlying error, when there is one (never quoted into the message).
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, position: String? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.position = position
        self.cause = cause
    }

    public var description: String {
        (position.map { "\($0): " } ?? "") + "\(message) [\(code.rawValue)]"
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.position == rhs.position
    }
}
