import Foundation
import VigilCore
import VigilIO

/// Reads FHIR R4 `AuditEvent` resources — as NDJSON (one resource per line: a FHIR bulk export, `$export`), as a
/// `Bundle` (a search result, `GET [base]/AuditEvent?date=ge…`), or as one resource on its own — into access events.
///
/// Each event is read as: time `recorded`; user the requesting agent's (`requestor: true`, else the first) `altId` (R4:
/// the identity in the authentication system, which is what the directory holds), else `who.identifier.value`, else
/// `who.display`, else `name`; resource the system that recorded it (`source.observer` identifier or display, else
/// `source.site`), so that `vigil.yaml` can name it as an application; action the `action` code (C, U → `write`, R →
/// `read`, D → `delete`, E → the subtype's word: `login`, `logout`, else `other`); outcome `0` success, `4`, `8`, `12` failure (absent:
/// success). Patient references in `entity.what` are never kept: a patient-record access is known by its action only.
///
/// A bundle streams entry by entry (``JSONArraySplitter`` on its `entry` member), NDJSON line by line, and each resource
/// is parsed on its own by the bounded ``JSONTreeParser``; events fold as they arrive (``AccessLogCollector``). Entries of
/// other resource types are counted, not read.
public struct FHIRAuditEventReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "fhir-auditevent",
        name: "FHIR R4 AuditEvent (NDJSON, Bundle or one resource)",
        producedBy:
            "curl -H 'Accept: application/fhir+json' '[base]/AuditEvent?date=ge2026-09-01&_count=1000' > auditevents.json   (HAPI FHIR, an EHR's FHIR API; or the AuditEvent.ndjson of a bulk export: [base]/$export?_type=AuditEvent)"
    )

    /// The longest line (NDJSON resource) or single document read.
    static let maxResourceLength = 4 << 20

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        let text = String(decoding: sample.bytes.prefix(16 << 10), as: UTF8.self)
        guard text.drop(while: { $0.isWhitespace }).hasPrefix("{") else { return false }
        let compact = text.filter { !$0.isWhitespace }
        return compact.contains("\"resourceType\":\"AuditEvent\"")
            || compact.contains("\"resourceType\":\"Bundle\"") && compact.contains("\"AuditEvent\"")
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        var state = FHIRAuditEventState(file: file)
        var log = fragment.log
        try LineReader(path: path, maxLineLength: Self.maxResourceLength).forEachLine(progress: progress) { line in
            state.consume(line, log: &log)
        }
        state.finish(log: &log)
        state.collector.finish(into: &fragment, log: &log, code: "fhir")
        fragment.log = log
        return fragment
    }
}

/// Reading a file that turns out to be NDJSON or one document (a Bundle or a single resource).
private struct FHIRAuditEventState {
    enum Form { case lines, document }

    let file: String
    var form: Form?
    var collector = AccessLogCollector()
    var splitter = JSONArraySplitter(member: "entry")
    /// The document so far, kept only while it could still be a single resource small enough to parse whole.
    var document: [UInt8] = []
    var documentLine = 1
    var documentTooLong = false
    /// A first line that is not a whole JSON value: the start of a document, or a damaged first NDJSON line, which
    /// the next line tells apart (a line that is a whole object is NDJSON's second resource).
    ///
    /// Kept as a copy: a ``LineReader/Line``'s bytes are valid only during its callback (holding the line itself read
    /// freed memory when the next line came: the fuzzer's `fhir-auditevent` harness found it under AddressSanitizer).
    var pending: (bytes: [UInt8], number: Int)?
    var entries = 0
    var otherTypes: (count: Int, line: Int)?

    init(file: String) {
        self.file = file
    }

    mutating func consume(_ line: LineReader.Line, log: inout DiagnosticLog) {
        if line.isOverlong {
            log.reject(line: line.number, code: "fhir.line-too-long", "line longer than 4 MiB; skipped")
            if form == .document { documentTooLong = true }
            return
        }
        consume(line.bytes, number: line.number, log: &log)
    }

    /// One line's bytes (valid during the call only), numbered `number`.
    private mutating func consume(_ bytes: UnsafeBufferPointer<UInt8>, number: Int, log: inout DiagnosticLog) {
        let line = (bytes: bytes, number: number)
        if form == nil, pending == nil {
            guard let first = line.bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
            guard first == UInt8(ascii: "{") else {
                form = .lines
                log.reject(line: line.number, code: "fhir.not-json", "expected a FHIR resource (a JSON object)")
                return
            }
            // One resource per line parses whole on its first line, unless it is a Bundle written on one line (what a
            // FHIR server returns to curl); a document spreads over several, as does NDJSON whose first line is
            // damaged, told apart by the next line.
            let parsed = JSONTreeParser.parse(Array(line.bytes))
            documentLine = line.number
            if parsed.failure == nil {
                form = parsed.root?["resourceType"]?.string == "Bundle" ? .document : .lines
            } else {
                pending = (Array(line.bytes), line.number)
                return
            }
        }
        if let first = pending, form == nil {
            guard line.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
            pending = nil
            let parsed = JSONTreeParser.parse(Array(line.bytes))
            if parsed.failure == nil, parsed.root?.object != nil {
                form = .lines
                resource(JSONTreeParser.parse(first.bytes), line: first.number, log: &log)
            } else {
                form = .document
                first.bytes.withUnsafeBufferPointer { consume($0, number: first.number, log: &log) }
            }
        }
        switch form {
        case .lines?:
            guard line.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
            resource(JSONTreeParser.parse(Array(line.bytes)), line: line.number, log: &log)
        case .document?:
            var events: [JSONArraySplitter.Event] = []
            splitter.add(line.bytes, line: line.number) { events.append($0) }
            for event in events { handle(event, log: &log) }
            if !documentTooLong {
                if document.count + line.bytes.count + 1 > FHIRAuditEventReader.maxResourceLength {
                    documentTooLong = true
                    document = []
                } else {
                    document.append(contentsOf: line.bytes)
                    document.append(0x0A)
                }
            }
        case nil:
            return
        }
    }

    mutating func finish(log: inout DiagnosticLog) {
        if let first = pending {
            // One line that is not a whole JSON value: a document cut short.
            pending = nil
            form = .document
            first.bytes.withUnsafeBufferPointer { consume($0, number: first.number, log: &log) }
        }
        guard form == .document else { return }
        var events: [JSONArraySplitter.Event] = []
        splitter.finish { events.append($0) }
        if splitter.foundArray {
            for event in events { handle(event, log: &log) }
            if let otherTypes {
                log.warn(
                    line: otherTypes.line, code: "fhir.other-resources",
                    "\(otherTypes.count) bundle entr\(otherTypes.count == 1 ? "y is" : "ies are") not an AuditEvent (first here); not read"
                )
            }
            return
        }
        // No `entry` array: a single resource, parsed whole when it is small enough.
        guard !documentTooLong else {
            log.reject(
                line: documentLine, code: "fhir.too-long",
                "a resource longer than 4 MiB that is not a Bundle; expected a Bundle or one resource per line")
            return
        }
        // Without the line end added after the last line, so a document cut short is reported on its last line.
        if document.last == 0x0A { document.removeLast() }
        resource(JSONTreeParser.parse(document), line: documentLine, log: &log)
    }

    private mutating func handle(_ event: JSONArraySplitter.Event, log: inout DiagnosticLog) {
        switch event {
        case .element(let bytes, let line):
            entries += 1
            let parsed = JSONTreeParser.parse(bytes)
            guard parsed.failure == nil, let entry = parsed.root?.object else {
                log.reject(line: line, code: "fhir.malformed-entry", "expected a bundle entry (a JSON object)")
                return
            }
            guard let resource = entry.members["resource"], resource.object != nil else {
                log.reject(line: line, code: "fhir.entry-without-resource", "expected a bundle entry with a resource")
                return
            }
            self.resource(resource, line: line, inBundle: true, log: &log)
        case .tooDeep(let line):
            log.reject(line: line, code: "fhir.too-deep", "an entry nested deeper than 64 levels; skipped")
        case .tooLong(let line):
            log.reject(line: line, code: "fhir.entry-too-long", "an entry longer than 4 MiB; skipped")
        case .malformed(let line, let expected):
            log.reject(line: line, code: "fhir.malformed", "expected \(expected)")
        case .notObject(let line):
            entries += 1
            log.reject(line: line, code: "fhir.malformed-entry", "expected a bundle entry (a JSON object)")
        }
    }

    private mutating func resource(_ parsed: JSONTreeParser.Outcome, line: Int, log: inout DiagnosticLog) {
        guard parsed.failure == nil, let root = parsed.root, root.object != nil else {
            // The parser counts lines from the text it was given, which starts at `line`.
            log.reject(
                line: line + (parsed.failure?.line ?? 1) - 1, code: "fhir.malformed",
                "expected \(parsed.failure?.expected ?? "a JSON object")")
            return
        }
        resource(root, line: line, inBundle: false, log: &log)
    }

    private mutating func resource(_ root: JSONValue, line: Int, inBundle: Bool, log: inout DiagnosticLog) {
        guard root["resourceType"]?.string == "AuditEvent" else {
            if inBundle {
                otherTypes = (count: (otherTypes?.count ?? 0) + 1, line: otherTypes?.line ?? line)
            } else {
                log.reject(line: line, code: "fhir.not-auditevent", "expected a resource of type AuditEvent")
            }
            return
        }
        guard let recorded = root["recorded"]?.text, let time = AccessLogTime.parse(recorded) else {
            log.reject(
                line: line, code: "fhir.bad-time", "expected 'recorded' to be a FHIR instant (2026-11-30T08:15:00Z)")
            return
        }
        let agents = root["agent"]?.array ?? []
        let requestor = agents.first { agent in
            if case .bool(true)? = agent["requestor"] { return true }
            return false
        }
        guard let agent = requestor ?? agents.first,
            let user = agent["altId"]?.text ?? agent["who"]?["identifier"]?["value"]?.text ?? agent["who"]?["display"]?
                .text
                ?? agent["name"]?.text
        else {
            log.reject(
                line: line, code: "fhir.no-user",
                "expected an agent with altId, who.identifier.value, who.display or name")
            return
        }
        let source = root["source"]
        let resource =
            source?["observer"]?["identifier"]?["value"]?.text ?? source?["observer"]?["display"]?.text
            ?? source?["site"]?.text ?? ""
        var succeeded = true
        if let outcome = root["outcome"] {
            // R4 writes the code as a string; some servers write a number.
            let code = outcome.text ?? outcome.number.flatMap { $0 >= 0 && $0 < 100 ? String(Int($0)) : nil }
            guard let code, let parsed = AccessLogOutcome.succeeded(code) else {
                log.reject(line: line, code: "fhir.bad-outcome", "expected outcome 0, 4, 8 or 12")
                return
            }
            succeeded = parsed
        }
        collector.add(
            AccessEvent(
                time: time.date, principal: user, resourceID: resource, action: Self.action(root),
                succeeded: succeeded, source: EvidenceReference(file: file, line: line)),
            zoneStated: time.zoneStated)
        log.recordsRead += 1
    }

    /// The action as one word, from `action` and, for executions, the subtype and type (logins are DICOM 110122).
    static func action(_ root: JSONValue) -> String {
        switch root["action"]?.text {
        case "C"?, "U"?: return "write"
        case "R"?: return "read"
        case "D"?: return "delete"
        default:
            let codings = (root["subtype"]?.array ?? []) + [root["type"]].compactMap { $0 }
            let words = codings.flatMap { [$0["code"]?.text, $0["display"]?.text] }.compactMap { $0 }
            // DICOM: 110123 Logout, 110122 Login (both under 110114 User Authentication).
            if words.contains("110123") || words.contains(where: { $0.lowercased() == "logout" }) { return "logout" }
            if words.contains(where: { ["110122", "110114"].contains($0) }) { return "login" }
            let action = AccessLogOutcome.action(words.joined(separator: " "))
            return action == "access" ? "other" : action
        }
    }
}
