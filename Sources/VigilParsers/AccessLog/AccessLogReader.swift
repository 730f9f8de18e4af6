import Foundation
import VigilCore
import VigilIO

/// Reads Vigil's access-log CSV: one row per access, recognised by its header — a time column, a user column, and a
/// resource column or an action column (documented in `docs/formats/access-log.md`, with the columns each name may
/// take). Outcome is optional (a log of successes only is common); comma, semicolon and tab delimiters are recognised
/// from the header.
///
/// The user is kept as written (a SID, a UPN, `DOMAIN\name` or a sAMAccountName) for the analysis to match against the
/// directory; the action is reduced to a word (`read`, `write`, `delete`, `login`, `other`), because free-text actions
/// in clinical systems can name a patient. Rows are folded as they stream (``AccessLogCollector``), so memory follows
/// the distinct user/resource pairs, not the rows. A row without a usable time, user or outcome is rejected with its
/// line and what was expected, never its content.
public struct AccessLogReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "access-log",
        name: "Access log (CSV: time, user, resource or action, outcome)",
        producedBy:
            "Get-WinEvent -FilterHashtable @{LogName='Security'; Id=4663} | ForEach-Object { $x = [xml]$_.ToXml(); $d = @{}; $x.Event.EventData.Data | ForEach-Object { $d[$_.Name] = $_.'#text' }; [pscustomobject]@{ Time = $_.TimeCreated.ToUniversalTime().ToString('o'); User = $d.SubjectUserSid; Resource = $d.ObjectName; Action = 'read'; Outcome = 'success' } } | Export-Csv access-log.csv -NoTypeInformation   (or a clinical system's audit report saved with these columns)"
    )

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        guard let first = sample.lines(limit: 3).first(where: { !$0.hasPrefix("#TYPE") }) else { return false }
        // A JSON document or NDJSON line is never a header, whatever words its text holds (a FHIR AuditEvent's
        // narrative `Columns: when, who, action, outcome` would otherwise pass for one).
        let start = first.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }.first
        guard start != "{", start != "[" else { return false }
        return Header(Array(first.utf8)) != nil
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        var log = fragment.log
        var collector = AccessLogCollector()
        var header: Header?
        var records = CSVRecordReader()
        try LineReader(path: path, maxLineLength: 1 << 20).forEachLine(progress: progress) { line in
            if line.isOverlong {
                log.reject(line: line.number, code: "accesslog.line-too-long", "line longer than 1 MiB; skipped")
                return
            }
            guard let known = header else {
                if line.bytes.starts(with: "#TYPE".utf8) || line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
                    return
                }
                header = Header(Array(line.bytes))
                if let found = header {
                    records = CSVRecordReader(
                        dialect: CSVDialect(delimiter: found.delimiter, quoting: .fieldStart), maxRecordLength: 1 << 16)
                } else {
                    log.reject(
                        line: line.number, code: "accesslog.no-header",
                        "expected a header naming a time, a user, and a resource or an action column")
                }
                return
            }
            switch records.add(line.bytes, line: line.number) {
            case .pending:
                return
            case .overlong(let start):
                log.reject(line: start, code: "accesslog.record-too-long", "row longer than 64 KiB; skipped")
            case .malformed(let start, let field):
                log.reject(
                    line: start, code: "accesslog.malformed",
                    "text after a closing quote in field \(field + 1); expected a delimiter")
            case .record(let start):
                let fields = records.fields()
                if fields.count == 1, fields[0].trimmingCharacters(in: .whitespaces).isEmpty { return }
                known.read(
                    fields, line: start, file: file, into: &collector, log: &log)
            }
        }
        if records.isOpen {
            log.reject(line: records.startLine, code: "accesslog.unterminated", "a quoted field is never closed")
        }
        collector.finish(into: &fragment, log: &log, code: "accesslog")
        fragment.log = log
        return fragment
    }

    /// The columns of the header, found by name.
    struct Header {
        var delimiter: UInt8
        var time: Int
        var user: Int
        var resource: Int?
        var action: Int?
        var outcome: Int?
        var columns: Int

        /// Names each column may take, compared lower case without spaces, `_`, `-` or `.`.
        static let timeNames: Set<String> = [
            "time", "timestamp", "datetime", "date", "eventtime", "timecreated", "recorded", "when", "occurred",
            "accesstime", "eventdatetime",
        ]
        static let userNames: Set<String> = [
            "user", "username", "account", "accountname", "principal", "userid", "upn", "userprincipalname", "sid",
            "usersid", "samaccountname", "login", "subjectusername", "subjectusersid", "who",
        ]
        static let resourceNames: Set<String> = [
            "resource", "resourceid", "path", "objectname", "object", "objectpath", "file", "filepath", "share",
            "folder", "application", "system", "target",
        ]
        static let actionNames: Set<String> = [
            "action", "operation", "activity", "accesses", "accesstype", "event", "eventtype", "recordaction",
        ]
        static let outcomeNames: Set<String> = ["outcome", "result", "status", "success", "succeeded", "auditresult"]

        init?(_ line: [UInt8]) {
            let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09]
            guard
                let delimiter = candidates.max(by: { a, b in
                    line.count(where: { $0 == a }) < line.count(where: { $0 == b })
                }), line.contains(delimiter)
            else { return nil }
            let names = CSVRecordReader.strings(ofLine: line, dialect: CSVDialect(delimiter: delimiter)).map {
                String($0.lowercased().filter { !" _-.\u{FEFF}\r\"".contains($0) })
            }
            func column(_ set: Set<String>) -> Int? { names.firstIndex { set.contains($0) } }
            guard let time = column(Self.timeNames), let user = column(Self.userNames) else { return nil }
            resource = column(Self.resourceNames)
            action = column(Self.actionNames)
            guard resource != nil || action != nil else { return nil }
            outcome = column(Self.outcomeNames)
            self.delimiter = delimiter
            self.time = time
            self.user = user
            columns = names.count
        }

        func read(
            _ fields: [String], line: Int, file: String, into collector: inout AccessLogCollector,
            log: inout DiagnosticLog
        ) {
            func field(_ index: Int?) -> String {
                guard let index, index < fields.count else { return "" }
                return fields[index].trimmingCharacters(in: .whitespaces)
            }
            guard let time = AccessLogTime.parse(field(time)) else {
                log.reject(
                    line: line, code: "accesslog.bad-time",
                    "column \(self.time + 1) is not a time Vigil reads; expected ISO 8601 (2026-11-30T08:15:00Z), day/month/year with a time, or Unix seconds"
                )
                return
            }
            let user = field(user)
            guard !user.isEmpty else {
                log.reject(line: line, code: "accesslog.no-user", "column \(self.user + 1) (the user) is empty")
                return
            }
            let resource = field(resource)
            let actionText = field(action)
            guard !resource.isEmpty || !actionText.isEmpty else {
                log.reject(line: line, code: "accesslog.no-resource", "a row with neither a resource nor an action")
                return
            }
            var succeeded = true
            if let outcome {
                guard let parsed = AccessLogOutcome.succeeded(field(outcome)) else {
                    log.reject(
                        line: line, code: "accesslog.bad-outcome",
                        "column \(outcome + 1) is not an outcome Vigil reads; expected success or failure (also allowed, denied, 0, 4, 8, 12)"
                    )
                    return
                }
                succeeded = parsed
            }
            collector.add(
                AccessEvent(
                    time: time.date, principal: user, resourceID: resource,
                    action: AccessLogOutcome.action(actionText), succeeded: succeeded,
                    source: EvidenceReference(file: file, line: line)), zoneStated: time.zoneStated)
            log.recordsRead += 1
        }
    }
}

/// Outcomes and actions as the access-log readers keep them.
enum AccessLogOutcome {
    /// Whether `text` says the access succeeded: words (`success`, `allowed`, `Audit Success`, `true`) or FHIR's and
    /// DICOM's codes (0 success; 4, 8, 12 failures); `nil` when it says neither.
    static func succeeded(_ text: String) -> Bool? {
        let word = text.lowercased().filter { $0.isLetter || $0.isNumber }
        if [
            "success", "succeeded", "successful", "ok", "allowed", "allow", "granted", "true", "yes", "0",
            "auditsuccess",
            "permitted",
        ].contains(word) {
            return true
        }
        if [
            "failure", "failed", "fail", "denied", "deny", "refused", "error", "false", "no", "4", "8", "12",
            "auditfailure", "blocked",
        ].contains(word) {
            return false
        }
        return nil
    }

    /// The action as one word: free text from a clinical system may name a patient, so nothing else is kept.
    static func action(_ text: String) -> String {
        let lower = text.lowercased()
        let rules: [(String, [String])] = [
            ("login", ["login", "logon", "log in", "log on", "sign in", "signin", "authenticat"]),
            ("delete", ["delete", "remove", "purge"]),
            ("write", ["write", "update", "modify", "create", "edit", "amend", "append", "insert", "save"]),
            (
                "read",
                [
                    "read", "view", "open", "access", "download", "export", "print", "search", "query", "list", "get",
                    "copy",
                ]
            ),
        ]
        if lower.isEmpty { return "access" }
        for (word, stems) in rules where stems.contains(where: { lower.contains($0) }) { return word }
        return "other"
    }
}
