public import VigilCore

extension Submission {
    /// One subject of an assessment with the key the national service knows it by.
    public struct RevealedSubject: Sendable, Hashable {
        /// Account, host, file, resource…
        public var kind: Subject.Kind
        /// The pseudonymous key a submission carries for it (what the service's tickets name).
        public var key: String
        /// The subject's id in the assessment (an account's SID, a host's name, a masked path).
        public var id: String
        /// The subject's name in the assessment.
        public var name: String
    }

    /// Every subject of `assessment`'s findings with the key `key` gives it, sorted by kind and name: the organisation's
    /// own map from what the national service shows back to who or what it is. It is made where the key is and never
    /// leaves the organisation (`vigil submit --reveal`).
    public static func reveal(_ assessment: Assessment, key: PseudonymKey) -> [RevealedSubject] {
        var seen: Set<String> = []
        var subjects: [RevealedSubject] = []
        for finding in assessment.findings {
            let subject = finding.subject
            let pseudonym = key.subjectKey(kind: subject.kind, id: subject.id)
            guard seen.insert(pseudonym).inserted else { continue }
            subjects.append(RevealedSubject(kind: subject.kind, key: pseudonym, id: subject.id, name: subject.name))
        }
        return subjects.sorted { ($0.kind.rawValue, $0.name, $0.key) < ($1.kind.rawValue, $1.name, $1.key) }
    }
}
