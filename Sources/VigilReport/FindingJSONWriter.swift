import VigilCore

/// Writes findings as `JSONEncoder` would (pretty-printed, keys sorted, slashes unescaped) but directly into bytes:
/// `assessment.json` of a 100,000-host estate holds a quarter of a million findings, and the generic encoder spends
/// most of an assessment's time on them. The bytes are identical to the encoder's (a test compares the two on hostile
/// text), so the document is the same whichever writes it.
struct FindingJSONWriter {
    private(set) var bytes: [UInt8] = []

    /// Appends `finding` as an element of the top-level `findings` array (its `{` indented by four spaces).
    mutating func append(_ finding: Finding) {
        let rule = RuleCatalogue.rule(finding.rule)
        open("{")
        key("area", 6)
        string(rule.area.rawValue)
        comma()
        key("controls", 6)
        array(rule.controls, indent: 6) { writer, control in
            writer.object(indent: 8) { writer in
                writer.key("framework", 10)
                writer.string(control.framework.rawValue)
                writer.comma()
                writer.key("id", 10)
                writer.string(control.id)
                writer.comma()
                writer.key("title", 10)
                writer.string(control.title)
            }
        }
        comma()
        key("detail", 6)
        string(finding.detail)
        comma()
        key("evidence", 6)
        array(finding.evidence, indent: 6) { writer, reference in
            writer.object(indent: 8) { writer in
                writer.key("file", 10)
                writer.string(reference.file)
                if let line = reference.line {
                    writer.comma()
                    writer.key("line", 10)
                    writer.bytes += Array(String(line).utf8)
                }
            }
        }
        comma()
        key("facts", 6)
        if finding.facts.isEmpty {
            bytes += Array("{\n\n      }".utf8)
        } else {
            bytes += [0x7B, 0x0A]
            for (position, (name, value)) in finding.facts.sorted(by: { $0.key < $1.key }).enumerated() {
                if position > 0 { comma() }
                key(name, 8)
                string(value)
            }
            newline(6)
            bytes.append(0x7D)
        }
        comma()
        key("fingerprint", 6)
        string(finding.fingerprint)
        comma()
        key("related", 6)
        array(finding.related, indent: 6) { writer, subject in writer.subject(subject, indent: 8) }
        comma()
        key("remediation", 6)
        string(rule.remediation)
        comma()
        key("rule", 6)
        string(finding.rule.rawValue)
        comma()
        key("severity", 6)
        string(finding.severity.rawValue)
        comma()
        key("subject", 6)
        subject(finding.subject, indent: 6, opening: false)
        comma()
        key("title", 6)
        string(rule.title)
        newline(4)
        bytes.append(0x7D)
    }

    /// Appends the `,` and line end between two findings.
    mutating func appendSeparator() {
        comma()
    }

    // MARK: Pieces

    private mutating func open(_ brace: String) {
        bytes += [0x20, 0x20, 0x20, 0x20] + Array(brace.utf8) + [0x0A]
    }

    private mutating func subject(_ subject: Subject, indent: Int, opening: Bool = true) {
        let body = { (writer: inout FindingJSONWriter) in
            writer.key("id", indent + 2)
            writer.string(subject.id)
            writer.comma()
            writer.key("kind", indent + 2)
            writer.string(subject.kind.rawValue)
            writer.comma()
            writer.key("name", indent + 2)
            writer.string(subject.name)
        }
        if opening {
            object(indent: indent, body)
        } else {
            bytes += [0x7B, 0x0A]
            body(&self)
            newline(indent)
            bytes.append(0x7D)
        }
    }

    /// An object that is an array element: indented, then its members, then its closing brace.
    private mutating func object(indent: Int, _ body: (inout FindingJSONWriter) -> Void) {
        spaces(indent)
        bytes += [0x7B, 0x0A]
        body(&self)
        newline(indent)
        bytes.append(0x7D)
    }

    private mutating func array<Element>(
        _ elements: [Element], indent: Int, _ element: (inout FindingJSONWriter, Element) -> Void
    ) {
        bytes += [0x5B, 0x0A]
        if elements.isEmpty { bytes.append(0x0A) }
        for (position, value) in elements.enumerated() {
            if position > 0 { bytes += [0x2C, 0x0A] }
            element(&self, value)
        }
        if !elements.isEmpty { bytes.append(0x0A) }
        spaces(indent)
        bytes.append(0x5D)
    }

    private mutating func key(_ name: String, _ indent: Int) {
        spaces(indent)
        string(name)
        bytes += [0x20, 0x3A, 0x20]
    }

    private mutating func comma() {
        bytes += [0x2C, 0x0A]
    }

    private mutating func newline(_ indent: Int) {
        bytes.append(0x0A)
        spaces(indent)
    }

    private mutating func spaces(_ count: Int) {
        bytes.append(contentsOf: repeatElement(0x20, count: count))
    }

    /// A string as `JSONEncoder` escapes it with `.withoutEscapingSlashes`.
    private mutating func string(_ text: String) {
        bytes.append(0x22)
        var text = text
        let plain = text.withUTF8 { utf8 in
            guard !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if plain {
            bytes.append(0x22)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case 0x22: bytes += [0x5C, 0x22]
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x08: bytes += [0x5C, 0x62]
            case 0x0C: bytes += [0x5C, 0x66]
            case 0x0A: bytes += [0x5C, 0x6E]
            case 0x0D: bytes += [0x5C, 0x72]
            case 0x09: bytes += [0x5C, 0x74]
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }
}
