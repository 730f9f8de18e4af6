import VigilCore
import VigilScan

/// Health-service numbers in what the analyzers wrote, masked as the scan masks them (`943 *** **19`), as the last
/// stage before the assessment is put together.
///
/// Paths are masked as the estate is collected (``Estate/maskHealthNumbersInPaths()``); names are not, because the
/// analyses need them whole (a password that is the account's own name, a person's name in a guess). So an account,
/// group or host named with a patient's number (`pt9434765919`, a patient portal's accounts) is masked here, once, in
/// every place a name reaches: each finding's subject and related subjects, its detail, proof and text facts; the
/// tables and headlines; and the covered subjects' ids. A subject's id is masked with the rest and its fingerprint
/// computed again from the masked id, so that no hash of a number leaves either. SIDs are left whole
/// (``PathMasking/insideSID(_:at:)``).
///
/// Ids are keys (the national service tells findings apart by them), so numbers whose masks collide among the ids are
/// told apart, `~1`, `~2`…, as paths' are.
struct AssessmentMasking {
    private let tokens: [UInt64: String]

    /// The masking for an assessment whose subject ids are among `ids`.
    init(ids: Set<String>) {
        tokens = Estate.tokens(for: ids)
    }

    /// The masking for `findings` and `covered`, whose subjects' ids are the keys.
    init(findings: [Finding], covered: [CoveredSubjects]) {
        var ids: Set<String> = []
        for finding in findings where PathMasking.mayHoldNumber(finding.subject.id) {
            ids.insert(finding.subject.id)
            for related in finding.related where PathMasking.mayHoldNumber(related.id) { ids.insert(related.id) }
        }
        for group in covered {
            for id in group.ids where PathMasking.mayHoldNumber(id) { ids.insert(id) }
        }
        self.init(ids: ids)
    }

    /// `text` with every health-service number masked.
    func text(_ text: String) -> String {
        // Most ids with ten digits are SIDs, passed over without a copy.
        guard PathMasking.mayHoldNumber(text), !Self.isSID(text) else { return text }
        return PathMasking.masked(text) { tokens[$0] ?? HealthNumber.masked($0) }
    }

    /// Whether `text` is a SID and nothing else (`S-1-5-21-…-1104`).
    static func isSID(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        for expected in "S-1-".utf8 where utf8.next() != expected { return false }
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte) else { return false }
        }
        return true
    }

    /// `subject` with its id and name masked.
    func subject(_ subject: Subject) -> Subject {
        Subject(kind: subject.kind, id: text(subject.id), name: text(subject.name))
    }

    /// Masks every text of `finding` that can hold a name; its fingerprint follows its masked subject.
    func mask(_ finding: inout Finding) {
        let subject = subject(finding.subject)
        if subject != finding.subject {
            finding.subject = subject
            finding.fingerprint = Finding.fingerprint(rule: finding.rule, subject: subject)
        }
        finding.related = finding.related.map(self.subject)
        finding.detail = text(finding.detail)
        finding.proof = finding.proof.map(text)
        for (name, value) in finding.facts {
            switch Finding.factKind(name) {
            case .text, .list: finding.facts[name] = text(value)
            case .integer, .boolean, .date: break
            }
        }
    }

    /// Masks every finding, table, headline and covered id.
    func mask(
        findings: inout [Finding], tables: inout [SummaryTable], headlines: inout [Headline],
        covered: inout [CoveredSubjects]
    ) {
        for index in findings.indices { mask(&findings[index]) }
        for index in tables.indices {
            tables[index].rows = tables[index].rows.map { $0.map(text) }
            tables[index].note = tables[index].note.map(text)
        }
        for index in headlines.indices { headlines[index].text = text(headlines[index].text) }
        for index in covered.indices {
            // Masking keeps ids distinct (colliding masks are told apart) but may change their order.
            covered[index].ids = covered[index].ids.map(text).sorted()
        }
    }
}
