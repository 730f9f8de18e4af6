/// A problem found while reading evidence: where it is and what was expected. It never quotes the offending
/// content, which may hold a hash, a name or a patient identifier.
public struct Diagnostic: Codable, Sendable, Hashable, Comparable {
    /// Whether the record was rejected (`error`) or read with a caveat (`warning`).
    public enum Level: String, Codable, Sendable {
        case error, warning
    }

    /// Error or warning.
    public var level: Level
    /// A stable machine-readable code (`ldif.missing-colon`).
    public var code: String
    /// Where: file and line.
    public var location: EvidenceReference
    /// What was wrong and what was expected, without the content.
    public var message: String

    public init(level: Level, code: String, location: EvidenceReference, message: String) {
        self.level = level
        self.code = code
        self.location = location
        self.message = message
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.location, lhs.code) < (rhs.location, rhs.code)
    }
}

extension Diagnostic: CustomStringConvertible {
    /// `file:line: error: message [code]`, the form compilers use.
    public var description: String {
        "\(location): \(level.rawValue): \(message) [\(code)]"
    }
}
