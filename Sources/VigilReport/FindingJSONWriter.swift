import VigilCore

/// Writes findings as `JSONEncoder` would (pretty-printed, keys sorted, slashes unescaped) but directly into bytes:
/// `assessment.json` of a 100,000-host estate holds a quarter of a million findings, and the generic encoder spends
/// most of an assessment's time on them. The bytes are identical to the encoder's (a test compares the two on hostile
/// text), so the document is the same whichever writes it.
///
/// A finding's layout is fixed, so the writer appends whole runs of punctuation, keys and indentation at a time, and
/// what depends on the rule alone (its area, controls, remediation and title) is rendered once per rule.
struct FindingJSONWriter {
    /// About the size of an update finding, half of which is its rule's text: reserving it for each finding to come
    /// spares the buffer its doublings, each a copy of all written so far.
    static let typicalFindingSize = 2_048

    private(set) var bytes: [UInt8] = []
    private var ruleParts: [RuleID: RuleParts] = [:]

    /// A writer with room for `findings` findings of typical size.
    init(reservingFor findings: Int = 0) {
        bytes.reserveCapacity(findings * Self.typicalFindingSize)
    }

    /// Appends `finding` as an element of the top-level `findings` array (its `{` indented by four spaces).
    mutating func append(_ finding: Finding) {
        let rule = parts(of: finding.rule)
        bytes += rule.opening
        escaped(finding.detail)
        append(Fragment.evidence)
        list(finding.evidence, closing: Fragment.arrayClose) { writer, reference in
            writer.append(Fragment.evidenceFile)
            writer.escaped(reference.file)
            if let line = reference.line {
                writer.append(Fragment.evidenceLine)
                writer.bytes += String(line).utf8
                writer.append(Fragment.evidenceClose)
            } else {
                writer.append(Fragment.quotedEvidenceClose)
            }
        }
        append(Fragment.facts)
        if finding.facts.isEmpty {
            append(Fragment.emptyFacts)
        } else {
            for (position, (name, value)) in finding.facts.sorted(by: { $0.key < $1.key }).enumerated() {
                append(position == 0 ? Fragment.firstFact : Fragment.nextFact)
                escaped(name)
                append(Fragment.factValue)
                fact(FactValue(name: name, text: value))
            }
            append(Fragment.factsClose)
        }
        append(Fragment.fingerprint)
        escaped(finding.fingerprint)
        append(Fragment.proof)
        list(finding.proof, closing: Fragment.arrayClose) { writer, step in
            writer.append(Fragment.proofStep)
            writer.escaped(step)
            writer.bytes.append(0x22)
        }
        append(Fragment.related)
        list(finding.related, closing: Fragment.arrayClose) { writer, subject in
            writer.append(Fragment.relatedOpen)
            writer.escaped(subject.id)
            writer.append(Fragment.relatedKind)
            writer.escaped(subject.kind.rawValue)
            writer.append(Fragment.relatedName)
            writer.escaped(subject.name)
            writer.append(Fragment.relatedClose)
        }
        bytes += rule.middle
        escaped(finding.severity.rawValue)
        append(Fragment.subject)
        escaped(finding.subject.id)
        append(Fragment.subjectKind)
        escaped(finding.subject.kind.rawValue)
        append(Fragment.subjectName)
        escaped(finding.subject.name)
        append(Fragment.subjectClose)
        bytes += rule.closing
    }

    /// Appends the `,` and line end between two findings.
    mutating func appendSeparator() {
        append(Fragment.separator)
    }

    // MARK: Pieces

    private mutating func parts(of rule: RuleID) -> RuleParts {
        if let parts = ruleParts[rule] { return parts }
        let parts = RuleParts(RuleCatalogue.rule(rule))
        ruleParts[rule] = parts
        return parts
    }

    private mutating func append(_ fragment: StaticString) {
        fragment.withUTF8Buffer { bytes += $0 }
    }

    /// A member array of the finding: its `[` where the writer is, its elements each written by `element` on lines
    /// of their own, and its `]` after `closing`'s line end and indentation (six spaces for the finding's own members).
    private mutating func list<Element>(
        _ elements: [Element], closing: StaticString,
        _ element: (inout FindingJSONWriter, Element) -> Void
    ) {
        bytes.append(0x5B)
        for (position, value) in elements.enumerated() {
            append(position == 0 ? Fragment.lineEnd : Fragment.separator)
            element(&self, value)
        }
        if elements.isEmpty { bytes.append(0x0A) }
        append(closing)
    }

    /// A fact's value, typed as ``FactValue`` says: a number, `true`/`false`, a list of strings indented under the
    /// fact, or a string.
    private mutating func fact(_ value: FactValue) {
        switch value {
        case .integer(let number): bytes += String(number).utf8
        case .boolean(let flag): append(flag ? Fragment.trueValue : Fragment.falseValue)
        case .text(let text):
            bytes.append(0x22)
            escaped(text)
            bytes.append(0x22)
        case .list(let elements):
            list(elements, closing: Fragment.factArrayClose) { writer, element in
                writer.append(Fragment.factElement)
                writer.escaped(element)
                writer.bytes.append(0x22)
            }
        }
    }

    /// The text of a JSON string, without its quotes, escaped as `JSONEncoder` escapes it with
    /// `.withoutEscapingSlashes`.
    private mutating func escaped(_ text: String) {
        JSONText.appendEscaped(text, to: &bytes)
    }

    /// What a rule's findings share, rendered once: everything before the detail, the remediation and rule between
    /// the related subjects and the severity, and the title to the finding's end.
    private struct RuleParts {
        /// From the finding's `{` to the detail's opening quote.
        let opening: [UInt8]
        /// From the related subjects' `]` to the severity's opening quote.
        let middle: [UInt8]
        /// From the subject's `}` to the finding's `}`.
        let closing: [UInt8]

        init(_ rule: Rule) {
            var writer = FindingJSONWriter()
            writer.append(Fragment.findingOpen)
            writer.escaped(rule.area.rawValue)
            writer.append(Fragment.controls)
            writer.list(rule.controls, closing: Fragment.arrayClose) { writer, control in
                writer.append(Fragment.controlFramework)
                writer.escaped(control.framework.rawValue)
                writer.append(Fragment.controlID)
                writer.escaped(control.id)
                writer.append(Fragment.controlTitle)
                writer.escaped(control.title)
                writer.append(Fragment.controlClose)
            }
            writer.append(Fragment.detail)
            opening = writer.bytes
            writer.bytes = []
            writer.append(Fragment.remediation)
            writer.escaped(rule.remediation)
            writer.append(Fragment.rule)
            writer.escaped(rule.id.rawValue)
            writer.append(Fragment.severity)
            middle = writer.bytes
            writer.bytes = []
            writer.append(Fragment.title)
            writer.escaped(rule.title)
            writer.append(Fragment.findingClose)
            closing = writer.bytes
        }
    }
}

/// The fixed runs of a finding's JSON: punctuation, keys and the indentation before them. Static strings, so that
/// appending one touches no reference count that the workers would contend for.
private enum Fragment {
    static let separator: StaticString = ",\n"
    static let lineEnd: StaticString = "\n"
    static let arrayClose: StaticString = "\n      ]"

    static let findingOpen: StaticString = "    {\n      \"area\" : \""
    static let controls: StaticString = "\",\n      \"controls\" : "
    static let controlFramework: StaticString = "        {\n          \"framework\" : \""
    static let controlID: StaticString = "\",\n          \"id\" : \""
    static let controlTitle: StaticString = "\",\n          \"title\" : \""
    static let controlClose: StaticString = "\"\n        }"
    static let detail: StaticString = ",\n      \"detail\" : \""
    static let evidence: StaticString = "\",\n      \"evidence\" : "
    static let evidenceFile: StaticString = "        {\n          \"file\" : \""
    static let evidenceLine: StaticString = "\",\n          \"line\" : "
    static let evidenceClose: StaticString = "\n        }"
    static let quotedEvidenceClose: StaticString = "\"\n        }"
    static let facts: StaticString = ",\n      \"facts\" : {"
    static let emptyFacts: StaticString = "\n\n      }"
    static let firstFact: StaticString = "\n        \""
    static let nextFact: StaticString = ",\n        \""
    static let factValue: StaticString = "\" : "
    static let factElement: StaticString = "          \""
    static let factArrayClose: StaticString = "\n        ]"
    static let trueValue: StaticString = "true"
    static let falseValue: StaticString = "false"
    static let factsClose: StaticString = "\n      }"
    static let fingerprint: StaticString = ",\n      \"fingerprint\" : \""
    static let proof: StaticString = "\",\n      \"proof\" : "
    static let proofStep: StaticString = "        \""
    static let related: StaticString = ",\n      \"related\" : "
    static let relatedOpen: StaticString = "        {\n          \"id\" : \""
    static let relatedKind: StaticString = "\",\n          \"kind\" : \""
    static let relatedName: StaticString = "\",\n          \"name\" : \""
    static let relatedClose: StaticString = "\"\n        }"
    static let remediation: StaticString = ",\n      \"remediation\" : \""
    static let rule: StaticString = "\",\n      \"rule\" : \""
    static let severity: StaticString = "\",\n      \"severity\" : \""
    static let subject: StaticString = "\",\n      \"subject\" : {\n        \"id\" : \""
    static let subjectKind: StaticString = "\",\n        \"kind\" : \""
    static let subjectName: StaticString = "\",\n        \"name\" : \""
    static let subjectClose: StaticString = "\"\n      }"
    static let title: StaticString = ",\n      \"title\" : \""
    static let findingClose: StaticString = "\"\n    }"
}
