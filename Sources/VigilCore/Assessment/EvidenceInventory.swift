/// What an assessment read: every file, the format it was recognised as, and how its records fared.
public struct EvidenceInventory: Codable, Sendable, Hashable {
    /// Files read, sorted by path.
    public var files: [EvidenceFileSummary]
    /// Files present in the bundle whose format was not recognised, sorted by path.
    public var unrecognised: [UnrecognisedFile]
    /// Problems found by comparing files with each other (hash-dump entries with no directory account…).
    public var crossChecks: [Diagnostic]

    public init(files: [EvidenceFileSummary], unrecognised: [UnrecognisedFile], crossChecks: [Diagnostic] = []) {
        self.files = files.sorted { $0.path < $1.path }
        self.unrecognised = unrecognised.sorted { $0.path < $1.path }
        self.crossChecks = crossChecks.sorted()
    }

    /// Total records rejected across files.
    public var recordsRejected: Int { files.reduce(0) { $0 + $1.recordsRejected } }

    /// Files from which nothing could be read although evidence was given: a declared format the content does not
    /// match (the evidence it holds was not read as what it is), or, while no other file of the same format was read
    /// (the only evidence of its kind), every record rejected or a file that says of itself it holds no records (a
    /// directory search that failed, the server's root entry, entries that could not be classified). `vigil assess`
    /// exits 65 naming each.
    public var unusable: [EvidenceFileSummary] {
        let formatsRead = Set(files.filter { $0.recordsRead > 0 }.map(\.format))
        return files.filter { file in
            guard file.recordsRead == 0 else { return false }
            if file.diagnostics.contains(where: { $0.code == Diagnostic.Code.formatMismatch }) { return true }
            guard !formatsRead.contains(file.format) else { return false }
            return file.recordsRejected > 0 || file.diagnostics.contains { Self.saysEmpty.contains($0.code) }
        }
    }

    /// Why `file` (one of ``unusable``) could not be used, for the one line saying so: its content not matching the
    /// format declared, or the file saying it holds nothing, before a rejection or any other diagnostic (a pasted prompt
    /// skipped at line 1 explains nothing).
    public static func reason(_ file: EvidenceFileSummary) -> Diagnostic? {
        file.diagnostics.first { $0.code == Diagnostic.Code.formatMismatch }
            ?? file.diagnostics.first { saysEmpty.contains($0.code) }
            ?? file.diagnostics.first { $0.level == .error }
            ?? file.diagnostics.first
    }

    /// Diagnostics by which a file says it holds none of the records its format carries.
    static let saysEmpty: Set<String> = [
        Diagnostic.Code.ldifSearchFailed, Diagnostic.Code.ldifRootDSE, Diagnostic.Code.ldifUnclassified,
    ]
}

/// One evidence file and what reading it produced.
public struct EvidenceFileSummary: Codable, Sendable, Hashable {
    /// Path relative to the bundle root.
    public var path: String
    /// The format identifier it was read as (`ldif`, `pwdump`).
    public var format: String
    /// Size in bytes.
    public var bytes: Int
    /// Records accepted.
    public var recordsRead: Int
    /// Records rejected because they were malformed.
    public var recordsRejected: Int
    /// Diagnostics, capped at ``diagnosticLimit`` per file (the count stays exact).
    public var diagnostics: [Diagnostic]
    /// How many diagnostics there were in all.
    public var diagnosticCount: Int

    /// The most diagnostics kept per file; more are counted, not kept.
    public static let diagnosticLimit = 200

    public init(
        path: String,
        format: String,
        bytes: Int,
        recordsRead: Int,
        recordsRejected: Int,
        diagnostics: [Diagnostic],
        diagnosticCount: Int
    ) {
        self.path = path
        self.format = format
        self.bytes = bytes
        self.recordsRead = recordsRead
        self.recordsRejected = recordsRejected
        self.diagnostics = diagnostics
        self.diagnosticCount = diagnosticCount
    }
}

/// A bundle file Vigil did not read, and why.
public struct UnrecognisedFile: Codable, Sendable, Hashable {
    /// Path relative to the bundle root.
    public var path: String
    /// Why it was not read (`format not recognised`, `empty file`, `could not be opened`).
    public var reason: String
    /// Whether it could not be opened or read at all (permissions, an I/O error), as opposed to read and not
    /// recognised: its content is unknown, so it may be evidence the assessment lacks. Written only when true.
    public var unreadable: Bool

    public init(path: String, reason: String, unreadable: Bool = false) {
        self.path = path
        self.reason = reason
        self.unreadable = unreadable
    }

    private enum CodingKeys: String, CodingKey {
        case path, reason, unreadable
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        reason = try container.decode(String.self, forKey: .reason)
        unreadable = try container.decodeIfPresent(Bool.self, forKey: .unreadable) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(reason, forKey: .reason)
        if unreadable { try container.encode(true, forKey: .unreadable) }
    }
}
