import Foundation
import VigilCore
import VigilIO

/// Reads osquery results about Windows hosts: `osqueryi --json` output (a JSON array of rows, every value a string)
/// and osqueryd's result log (one JSON object per line, in event, snapshot or batch format).
///
/// Rows are recognised by their columns: `os_version` (or `os_windows`) gives the operating system, `patches` the
/// installed updates, `programs` the installed programs, `windows_optional_features` whether SMBv1 is enabled and
/// `bitlocker_info` whether C: is protected. In the log the host is `hostIdentifier` (or a `hostname` decoration);
/// `osqueryi` output names no host, so a `hostname`, `host_identifier` or `computer_name` column is used (select it
/// by joining `system_info`), then `csname` for `patches`, then the file's name up to its first `.`
/// (`PC0042.os_version.json` → `PC0042`). `removed` rows of differential results are counted, not applied.
///
/// Input is bounded: arrays are split into rows as they stream; a row or log line nested deeper than 64 levels or
/// longer than the limits is rejected with its line, unparsed.
public struct OsqueryReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "osquery",
        name: "osquery results (osqueryi --json, result log)",
        producedBy:
            "osqueryi --json \"SELECT * FROM os_version\" > %COMPUTERNAME%.os_version.json   (likewise patches, programs, windows_optional_features, bitlocker_info; or osqueryd's osqueryd.results.log)"
    )

    /// The longest result-log line read (a snapshot of a large table is one line).
    static let maxLogLineLength = 16 << 20

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        let text = String(decoding: sample.bytes.prefix(8 << 10), as: UTF8.self)
        let opening = text.drop(while: { $0.isWhitespace })
        if opening.hasPrefix("{") {
            return opening.contains("\"hostIdentifier\"")
                && (opening.contains("\"columns\"") || opening.contains("\"snapshot\"")
                    || opening.contains("\"diffResults\""))
        }
        guard opening.hasPrefix("[") else { return false }
        let rest = opening.dropFirst().drop(while: { $0.isWhitespace })
        guard rest.hasPrefix("{") else { return false }
        let signatures = [
            ["\"hotfix_id\""], ["\"protection_status\"", "\"drive_letter\""], ["\"statename\""],
            ["\"platform\"", "\"major\""], ["\"kernel_version\""], ["\"publisher\"", "\"uninstall_string\""],
        ]
        return signatures.contains { keys in keys.allSatisfy { rest.contains($0) } }
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        var state = OsqueryState(file: file)
        var log = fragment.log
        try LineReader(path: path, maxLineLength: Self.maxLogLineLength).forEachLine(progress: progress) { line in
            state.consume(line, log: &log)
        }
        state.finish(log: &log)
        fragment.hosts = state.hosts.hosts
        fragment.log = log
        return fragment
    }
}

/// Reading a file that turns out to be an array or a result log.
private struct OsqueryState {
    enum Form { case array, log, other }

    let file: String
    var form: Form?
    var splitter = JSONArraySplitter()
    var hosts = HostCollector()
    var removed = 0
    var unrecognised: (rows: Int, line: Int)?
    var namedAfterFile = false

    init(file: String) {
        self.file = file
    }

    mutating func consume(_ line: LineReader.Line, log: inout DiagnosticLog) {
        if line.isOverlong {
            log.reject(line: line.number, code: "osquery.line-too-long", "line longer than 16 MiB; skipped")
            return
        }
        if form == nil {
            guard let first = line.bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
            switch first {
            case UInt8(ascii: "["): form = .array
            case UInt8(ascii: "{"): form = .log
            default:
                form = .other
                log.reject(
                    line: line.number, code: "osquery.not-json",
                    "expected a JSON array (osqueryi --json) or one JSON object per line (result log)")
            }
        }
        switch form {
        case .array?:
            var events: [JSONArraySplitter.Event] = []
            splitter.add(line.bytes, line: line.number) { events.append($0) }
            for event in events { handle(event, log: &log) }
        case .log?:
            logLine(line, log: &log)
        case .other?, nil:
            return
        }
    }

    private mutating func handle(_ event: JSONArraySplitter.Event, log: inout DiagnosticLog) {
        switch event {
        case .element(let bytes, let line):
            guard let object = Self.object(bytes) else {
                log.reject(line: line, code: "osquery.malformed-row", "expected a JSON object of column values")
                return
            }
            let row = OsqueryRow(object)
            var name = row.hostName
            if name == nil, row.table == .patches, let csname = row.values["csname"], !csname.isEmpty { name = csname }
            if name == nil {
                name = HostCollector.hostName(fromFile: file)
                namedAfterFile = name != nil
            }
            guard let name else {
                log.reject(
                    line: line, code: "osquery.no-host", "expected a hostname column or a file named after the host")
                return
            }
            add(row, host: name, line: line, log: &log)
        case .tooDeep(let line):
            log.reject(line: line, code: "osquery.too-deep", "a row nested deeper than 64 levels; skipped unparsed")
        case .tooLong(let line):
            log.reject(line: line, code: "osquery.row-too-long", "a row longer than 4 MiB; skipped")
        case .malformed(let line, let expected):
            log.reject(line: line, code: "osquery.malformed", "expected \(expected)")
        case .notObject(let line):
            log.reject(line: line, code: "osquery.malformed", "expected an object ('{') for each row")
        }
    }

    private mutating func logLine(_ line: LineReader.Line, log: inout DiagnosticLog) {
        guard line.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
        if JSONArraySplitter.nestsTooDeeply(line.bytes) {
            log.reject(
                line: line.number, code: "osquery.too-deep", "JSON nested deeper than 64 levels; skipped unparsed")
            return
        }
        guard let object = Self.object(Array(line.bytes)) else {
            log.reject(line: line.number, code: "osquery.malformed-line", "expected one JSON object on the line")
            return
        }
        let decorations = object["decorations"] as? [String: Any] ?? [:]
        let host =
            (decorations["hostname"] as? String) ?? (decorations["computer_name"] as? String)
            ?? (object["hostIdentifier"] as? String)
        var rows: [[String: Any]] = []
        if let columns = object["columns"] as? [String: Any] {
            if (object["action"] as? String) == "removed" {
                removed += 1
            } else {
                rows = [columns]
            }
        } else if let snapshot = object["snapshot"] as? [Any] {
            rows = snapshot.compactMap { $0 as? [String: Any] }
        } else if let diff = object["diffResults"] as? [String: Any] {
            rows = (diff["added"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
            removed += (diff["removed"] as? [Any])?.count ?? 0
        } else {
            log.reject(
                line: line.number, code: "osquery.not-result",
                "expected a result with 'columns', 'snapshot' or 'diffResults'")
            return
        }
        for object in rows {
            let row = OsqueryRow(object)
            guard let name = row.hostName ?? host, !name.isEmpty else {
                log.reject(line: line.number, code: "osquery.no-host", "expected a hostIdentifier")
                return
            }
            add(row, host: name, line: line.number, log: &log)
        }
    }

    private mutating func add(_ row: OsqueryRow, host: String, line: Int, log: inout DiagnosticLog) {
        guard row.table != nil else {
            unrecognised = (rows: (unrecognised?.rows ?? 0) + 1, line: unrecognised?.line ?? line)
            return
        }
        log.recordsRead += 1
        if let machine = row.machine(named: host, source: EvidenceReference(file: file, line: line)) {
            hosts.add(machine)
        }
    }

    /// The JSON object in `bytes`, or `nil` when they hold something else.
    private static func object(_ bytes: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    mutating func finish(log: inout DiagnosticLog) {
        if form == .array {
            var events: [JSONArraySplitter.Event] = []
            splitter.finish { events.append($0) }
            for event in events { handle(event, log: &log) }
        }
        if let unrecognised {
            log.warn(
                line: unrecognised.line, code: "osquery.other-table",
                "\(unrecognised.rows) row(s) from tables other than os_version, patches, programs, windows_optional_features and bitlocker_info were skipped"
            )
        }
        if removed > 0 {
            log.warn(
                line: nil, code: "osquery.removed", "\(removed) 'removed' result(s) were counted but not applied")
        }
        if namedAfterFile {
            log.warn(
                line: nil, code: "osquery.host-from-file-name",
                "no host column: the host is named after the file (its name up to the first '.')")
        }
    }
}
