import Crypto
public import Foundation
import VigilCore

extension Submission {
    /// Bounds on what a submission may hold, so that a hostile or broken client cannot exhaust the service.
    public enum Limits {
        /// The largest document accepted, in bytes (64 MiB).
        public static let bytes = 64 << 20
        /// The most findings in one submission.
        public static let findings = 500_000
        /// The most covered-subject keys across all coverage groups.
        public static let coverageKeys = 1_500_000
        /// The most metrics.
        public static let metrics = 1_000
        /// The most facts on one finding.
        public static let factsPerFinding = 16
    }

    /// The canonical bytes: compact JSON, keys sorted, arrays in the document's canonical order, dates ISO 8601. The
    /// same assessment and key always give the same bytes, on any machine.
    public func canonicalJSON() throws(SubmissionError) -> Data {
        let normalised = normalised
        if let bytes = normalised.writtenCanonically() { return Data(bytes) }
        return try normalised.encodedCanonically()
    }

    /// ``canonicalJSON()`` by `JSONEncoder`, for a document ``writtenCanonically()`` does not write; the tests hold
    /// the two to the same bytes.
    func encodedCanonically() throws(SubmissionError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            return try encoder.encode(self)
        } catch {
            throw SubmissionError(.malformed, "the submission could not be encoded", cause: error)
        }
    }

    /// SHA-256 of the canonical bytes, hex-encoded: the idempotency key (the same document twice is one submission).
    public func digest() throws(SubmissionError) -> String {
        HexDigit.encode(SHA256.hash(data: try canonicalJSON()))
    }

    /// The same content in canonical order (arrays sorted as ``init(tool:organisation:assessedAt:areas:findings:coverage:metrics:)``
    /// sorts them), so that a document whose arrays were reordered has the same digest.
    public var normalised: Submission {
        var copy = Submission(
            tool: tool, organisation: organisation, assessedAt: assessedAt, areas: areas, findings: findings,
            coverage: coverage.map {
                CoverageGroup(
                    area: $0.area, kind: $0.kind, complete: $0.complete, subjects: $0.subjects, rules: $0.rules)
            }, metrics: metrics)
        copy.schemaVersion = schemaVersion
        copy.keyFingerprint = keyFingerprint
        return copy
    }

    /// Reads and validates a submission sent to the service: the size, the shape, the version and every limit and
    /// allow-list are checked again, because a modified client could send anything.
    public static func decode(_ data: Data) throws(SubmissionError) -> Submission {
        guard data.count <= Limits.bytes else {
            throw SubmissionError(.tooLarge, "a submission is at most \(Limits.bytes) bytes")
        }
        var submission: Submission
        if let direct = decodeDirectly(data) {
            submission = direct
        } else {
            submission = try decodedByFoundation(data)
        }
        // Facts an older Vigil still sends that no longer leave an organisation: dropped, never stored, rather than
        // refusing every organisation that has not upgraded.
        for index in submission.findings.indices {
            for key in SubmissionFacts.retired { submission.findings[index].facts.removeValue(forKey: key) }
        }
        try submission.validate()
        return submission.normalised
    }

    /// The document by `JSONDecoder`, whose errors name the position of what is wrong.
    static func decodedByFoundation(_ data: Data) throws(SubmissionError) -> Submission {
        let decoder = JSONDecoder()
        // A day the calendar does not have (2026-02-30) is refused by name, never rolled over into March.
        decoder.dateDecodingStrategy = .calendarISO8601
        let submission: Submission
        do {
            submission = try decoder.decode(Submission.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.debugDescription == CivilDate.impossibleDay {
            throw SubmissionError(
                .invalid, "a date that is not a day of the calendar (YYYY-MM-DDTHH:MM:SSZ)",
                position: Self.position(of: .dataCorrupted(context)))
        } catch let error as DecodingError {
            throw SubmissionError(
                .malformed, "the body is not a submission document (schemas/submission.schema.json)",
                position: Self.position(of: error), cause: error)
        } catch {
            throw SubmissionError(.malformed, "the body is not JSON", cause: error)
        }
        return submission
    }

    /// Checks the version, the limits and the shapes of every field that could carry a name.
    public func validate() throws(SubmissionError) {
        guard Submission.readableSchemaVersions.contains(schemaVersion) else {
            throw SubmissionError(
                .unsupportedVersion,
                "this service reads submission schema \(Submission.readableSchemaVersions.sorted().joined(separator: " or "))",
                position: "schemaVersion")
        }
        if schemaVersion == "1.0", coverage.contains(where: { $0.rules != nil }) {
            throw SubmissionError(.invalid, "coverage for some rules only came with schema 1.1", position: "coverage")
        }
        let older = schemaVersion == "1.0" || schemaVersion == "1.1"
        if let keyFingerprint {
            guard !older else {
                throw SubmissionError(
                    .invalid, "the key's fingerprint came with schema 1.2", position: "keyFingerprint")
            }
            guard PseudonymKey.isFingerprint(keyFingerprint) else {
                throw SubmissionError(
                    .invalid, "a key fingerprint is 16 lowercase hex digits", position: "keyFingerprint")
            }
        } else if !older {
            // Were it optional, a 1.2 document could leave its key unchecked by leaving the fingerprint out.
            throw SubmissionError(.invalid, "a 1.2 document carries its key's fingerprint", position: "keyFingerprint")
        }
        guard Self.isCode(organisation, maxLength: 16) else {
            throw SubmissionError(.invalid, "an ODS code is 1 to 16 letters and digits", position: "organisation")
        }
        // The tool's name and version are stored: text of any other shape (a name, a number) is refused.
        guard Self.isCode(tool.name, maxLength: 32) else {
            throw SubmissionError(.invalid, "a tool name is 1 to 32 letters and digits", position: "tool.name")
        }
        guard Self.isVersion(tool.version) else {
            throw SubmissionError(
                .invalid, "a tool version is a semantic version (1.4.0, 1.4.0-rc.1+linux)", position: "tool.version")
        }
        guard findings.count <= Limits.findings else {
            throw SubmissionError(.tooLarge, "at most \(Limits.findings) findings", position: "findings")
        }
        guard metrics.count <= Limits.metrics else {
            throw SubmissionError(.tooLarge, "at most \(Limits.metrics) metrics", position: "metrics")
        }
        try validateFindings()
        try validateCoverage()
        for (position, metric) in metrics.enumerated() {
            let bounded = metric.value >= 0 && (metric.total ?? 0) >= 0
            guard Self.isIdentifier(metric.id), bounded else {
                throw SubmissionError(
                    .invalid, "a metric has an id of letters, digits and dots, and non-negative counts",
                    position: "metrics[\(position)]")
            }
        }
    }

    private func validateFindings() throws(SubmissionError) {
        struct Key: Hashable {
            var rule: RuleID
            var subject: String
        }
        var seen = Set<Key>(minimumCapacity: findings.count)
        for (position, finding) in findings.enumerated() {
            let at = "findings[\(position)]"
            // Only rules this service knows, in their own area: a rule id is stored and shown, so free text shaped
            // like one (`VGL-JOHN-SMITH`) is refused, and a finding's area decides which coverage closes it.
            guard let rule = RuleCatalogue.known(finding.rule) else {
                throw SubmissionError(
                    .invalid, "a rule this service does not know (a newer Vigil than the service's?)",
                    position: "\(at).rule")
            }
            guard rule.area == finding.area else {
                throw SubmissionError(.invalid, "a finding's area is its rule's", position: "\(at).area")
            }
            guard Self.isSubjectKey(finding.subject) else {
                throw SubmissionError(.invalid, "a subject key is 32 lower-case hex digits", position: "\(at).subject")
            }
            guard seen.insert(Key(rule: finding.rule, subject: finding.subject)).inserted else {
                throw SubmissionError(.invalid, "a rule and subject appear once", position: at)
            }
            guard finding.facts.count <= Limits.factsPerFinding else {
                throw SubmissionError(.tooLarge, "at most \(Limits.factsPerFinding) facts", position: "\(at).facts")
            }
            for (key, value) in finding.facts {
                let allowed =
                    key == Finding.escalationFact
                    ? Self.isIdentifier(value) : SubmissionFacts.allowed[key].map { SubmissionFacts.fits(value, $0) }
                guard allowed == true else {
                    throw SubmissionError(
                        .invalid, "a fact outside the allow-list or of the wrong shape", position: "\(at).facts")
                }
            }
        }
    }

    private func validateCoverage() throws(SubmissionError) {
        var keys = 0
        var groups = Set<String>()
        for (position, group) in coverage.enumerated() {
            guard groups.insert(group.id).inserted else {
                throw SubmissionError(
                    .invalid, "each area, kind and list of rules has one coverage group",
                    position: "coverage[\(position)]")
            }
            if let rules = group.rules {
                // Rules of the service's catalogue in the group's own area, in order, each once.
                guard rules.allSatisfy({ RuleCatalogue.known($0)?.area == group.area }),
                    zip(rules, rules.dropFirst()).allSatisfy({ $0 < $1 })
                else {
                    throw SubmissionError(
                        .invalid, "a coverage group's rules are rules of its area, sorted, each once",
                        position: "coverage[\(position)].rules")
                }
            }
            keys += group.subjects.count
            guard keys <= Limits.coverageKeys else {
                throw SubmissionError(
                    .tooLarge, "at most \(Limits.coverageKeys) covered subjects", position: "coverage")
            }
            guard group.subjects.allSatisfy(Self.isSubjectKey) else {
                throw SubmissionError(
                    .invalid, "a subject key is 32 lower-case hex digits", position: "coverage[\(position)].subjects")
            }
        }
    }

    static func isSubjectKey(_ value: String) -> Bool {
        PseudonymKey.isLowerHex(value, count: 32)
    }

    /// `1.4.0`, `1.4.0-rc.1`, `1.4.0+linux`: digits and dots, then an optional pre-release and build of letters,
    /// digits, dots and hyphens; at most 48 bytes.
    static func isVersion(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard (1...48).contains(bytes.count) else { return false }
        let core = bytes.prefix { SubmissionFacts.isDigit($0) || $0 == UInt8(ascii: ".") }
        // Numbers joined by single dots: no empty part.
        let parts = core.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard !core.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { return false }
        let rest = bytes.dropFirst(core.count)
        guard let marker = rest.first else { return true }
        guard marker == UInt8(ascii: "-") || marker == UInt8(ascii: "+"), rest.count > 1 else { return false }
        return rest.dropFirst().allSatisfy {
            SubmissionFacts.isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+")
        }
    }

    static func isIdentifier(_ value: String) -> Bool {
        (1...100).contains(value.utf8.count)
            && value.utf8.allSatisfy {
                SubmissionFacts.isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 == UInt8(ascii: ".")
                    || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
            }
    }

    static func isCode(_ value: String, maxLength: Int) -> Bool {
        (1...maxLength).contains(value.utf8.count)
            && value.utf8.allSatisfy {
                SubmissionFacts.isDigit($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
            }
    }

    /// The coding path of a decoding error, as `findings[3].subject`, never the value.
    static func position(of error: DecodingError) -> String? {
        let path: [any CodingKey]
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        case .keyNotFound(let key, let context):
            path = context.codingPath + [key]
        @unknown default:
            return nil
        }
        guard !path.isEmpty else { return nil }
        return path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingPrefix(".")
            .description
    }
}
