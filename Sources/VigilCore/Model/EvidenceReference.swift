/// Where a fact came from: a file of the evidence bundle and, when known, the line or record in it.
public struct EvidenceReference: Codable, Sendable, Hashable, Comparable {
    /// Path of the file relative to the bundle root.
    public var file: String
    /// One-based line number of the record's first line, when the format is line-oriented.
    public var line: Int?

    public init(file: String, line: Int? = nil) {
        self.file = file
        self.line = line
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.file, lhs.line ?? 0) < (rhs.file, rhs.line ?? 0)
    }
}

extension EvidenceReference: CustomStringConvertible {
    /// `file:line`, or the file alone.
    public var description: String {
        line.map { "\(file):\($0)" } ?? file
    }
}
