import VigilCore
import VigilIO

/// Reads Windows `systeminfo` reports, as printed (`Label:   value` lines) or as CSV (`systeminfo /fo csv`, a header
/// then one row per host, more hosts appended with `/s HOST /fo csv /nh`), into hosts.
///
/// Read: host name, OS name, OS version (version, build, service pack), system type and the hotfix list
/// (`[01]: KB5022502` continuation lines; `File 1` entries ignored). Labels are matched in English, German, French,
/// Italian, Spanish, Russian and Chinese; for other languages the fields are found by their fixed order and form.
/// Lines that are not valid UTF-8 (cmd.exe writes the OEM code page) are read as code page 850, or, after a Chinese
/// GBK label, with replacement characters: the values read are ASCII either way.
public struct SystemInfoReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "systeminfo",
        name: "Windows systeminfo",
        producedBy:
            "systeminfo > %COMPUTERNAME%.systeminfo.txt   (or systeminfo /fo csv > systeminfo.csv; more hosts: systeminfo /s HOST /fo csv /nh >> systeminfo.csv)"
    )

    /// The longest line read.
    static let maxLineLength = 64 << 10

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        let all = sample.lines(limit: 60)
        guard let first = all.first else { return false }
        if first.hasPrefix("\"") { return Self.recognisesCSV(all) }
        // A prompt or a few lines of notes may come before the report: start at the first host-name label.
        let start =
            all.prefix(Self.maximumLeadingLines + 1).firstIndex { line in
                line.first != " "
                    && line.firstIndex(of: ":").map { SystemInfoField.named(line[..<$0]) == .hostName }
                        ?? false
            } ?? 0
        let lines = all[start...]
        var labelled = 0
        var knownHost = false
        var version = false
        var architecture = false
        for line in lines where line.first != " " {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let label = line[..<colon]
            let value = line[line.index(after: colon)...].trimming(" \t")
            if labelled == 0, SystemInfoField.named(label) == .hostName { knownHost = true }
            if labelled == 2, WindowsVersion.systemInfo(value) != nil { version = true }
            if SystemInfoRecord.isArchitecture(value) { architecture = true }
            labelled += 1
        }
        return version && (knownHost || architecture)
    }

    /// The most lines of notes or prompt before a report for the file to be recognised.
    static let maximumLeadingLines = 12

    /// Whether CSV lines start with a systeminfo header or row.
    private static func recognisesCSV(_ lines: [Substring]) -> Bool {
        let fields = lines[0].split(separator: ",", omittingEmptySubsequences: false).map { $0.trimming("\" ") }
        guard fields.count >= 3 else { return false }
        if SystemInfoField.named(fields[0]) == .hostName, SystemInfoField.named(fields[1]) == .osName { return true }
        return WindowsVersion.systemInfo(fields[2]) != nil && fields.contains { SystemInfoRecord.isArchitecture($0) }
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        var log = fragment.log
        var hosts = HostCollector()
        var text = SystemInfoTextState(file: file)
        var csv: SystemInfoCSVState?
        var decided = false
        try LineReader(path: path, maxLineLength: Self.maxLineLength).forEachLine(progress: progress) { line in
            if line.isOverlong {
                log.reject(
                    line: line.number, code: "systeminfo.line-too-long",
                    "line longer than 64 KiB; expected 'Label: value'")
                return
            }
            if !decided {
                guard let first = line.bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
                decided = true
                if first == UInt8(ascii: "\"") { csv = SystemInfoCSVState(file: file) }
            }
            if csv != nil {
                csv?.consume(line, into: &hosts, log: &log)
            } else {
                text.consume(line, into: &hosts, log: &log)
            }
        }
        if let csv {
            csv.finish(log: &log)
        } else {
            text.finish(into: &hosts, log: &log)
        }
        fragment.hosts = hosts.hosts
        fragment.log = log
        return fragment
    }

    /// Adds a finished report to `hosts`, or rejects it.
    static func complete(
        _ record: SystemInfoRecord, file: String, into hosts: inout HostCollector, log: inout DiagnosticLog
    ) {
        guard var machine = record.machine(file: file) else {
            log.reject(
                line: record.line, code: "systeminfo.incomplete",
                "expected a host name followed by the OS Name and OS Version fields (or the Hotfix(s) field)")
            return
        }
        if record.hotfixListCut {
            // The updates read are still the host's, but not all of them: nothing may be called missing for want of
            // one the cut lost.
            machine.updatesListed = false
            log.warn(
                line: record.line, code: "systeminfo.hotfixes-cut",
                "the report says \(record.statedHotfixes.map(String.init) ?? "more") update\(record.statedHotfixes == 1 ? " is" : "s are") installed but lists \(record.hotfixEntries - record.damagedHotfixEntries) whole (systeminfo lists at most 245 on older Windows, and a file cut short lists fewer): its update list is not taken as complete, so nothing is called missing for want of one it leaves out; add the host's Get-HotFix or wmic qfe export"
            )
        }
        hosts.add(machine, updatesUnique: true)
        log.recordsRead += 1
    }
}

/// Reading printed reports: a labelled line starts a field, indented lines continue it, and the host name label
/// starts the next host's report.
private struct SystemInfoTextState {
    let file: String
    var record: SystemInfoRecord?
    /// The field the current line continues.
    var current: SystemInfoField?
    /// The label that starts a report in this file, when it is not a known host name label.
    var startLabel: [UInt8]?
    /// Whether the file's labels are GBK (Chinese cmd.exe).
    var gbk = false
    /// Whether a report has started: a host-name label, or (for labels in a language Vigil does not know) the first
    /// labelled line.
    var reportSeen = false
    /// Lines before the first host-name label.
    var leading = LineTally()
    /// Lines after a report started that are neither `Label: value` nor indented (prompts, notes).
    var otherText = LineTally()

    init(file: String) {
        self.file = file
    }

    mutating func consume(_ line: LineReader.Line, into hosts: inout HostCollector, log: inout DiagnosticLog) {
        let bytes = line.bytes
        guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
        if !reportSeen { leading.add(line.number) }
        if bytes[0] == 0x20 || bytes[0] == 0x09 || first == UInt8(ascii: "[") {
            continueField(bytes, line: line.number)
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
            // A prompt, a note, `exit`: not part of any report.
            if reportSeen { otherText.add(line.number) }
            current = nil
            return
        }
        var labelBytes = Array(bytes[..<colon])
        while labelBytes.last == 0x20 || labelBytes.last == 0x09 { labelBytes.removeLast() }
        var known = SystemInfoField.named(gbk: labelBytes)
        if known != nil { gbk = true }
        let text = decode(bytes)
        let colonIndex = text.firstIndex(of: ":") ?? text.endIndex
        if known == nil { known = SystemInfoField.named(text[..<colonIndex]) }
        if known == nil, reportSeen, !gbk,
            labelBytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "/") })
        {
            // No systeminfo label, in any language, holds a backslash or a slash: a line with a colon after one is a
            // table row or a path pasted after the report (`KB5041655 Update NT AUTHORITY\SYSTEM 3/3/2025 12:00:00 AM`).
            // (GBK labels are left alone: a double-byte character may end in the byte of a backslash.)
            otherText.add(line.number)
            current = nil
            return
        }
        let value = colonIndex < text.endIndex ? text[text.index(after: colonIndex)...].trimming(" \t\u{00A0}") : ""
        let startsReport = known == .hostName || (known == nil && startLabel == labelBytes)
        if known == .hostName, !reportSeen {
            // Everything before the first host-name label was a prompt or notes pasted above the report.
            reportSeen = true
            leading.count -= 1
            if let first = leading.first, leading.count > 0 {
                log.warn(
                    line: first, code: "systeminfo.leading-text",
                    "\(leading.count == 1 ? "1 line" : "\(leading.count) lines") before the first report (a prompt or notes) skipped"
                )
            }
            record = nil
            startLabel = nil
        }
        if startsReport || record == nil {
            if let record { SystemInfoReader.complete(record, file: file, into: &hosts, log: &log) }
            record = SystemInfoRecord(line: line.number)
            if known != .hostName, startLabel == nil { startLabel = labelBytes }
        }
        // Mutated in place: a copy would copy the report's update list on every line.
        guard record != nil else { return }
        if gbk, known == .osConfiguration {
            // The value is GBK too, which the decoded text does not hold.
            record?.domainController = OSConfiguration.isDomainController(gbk: bytes[(colon + 1)...])
        }
        current = record?.field(labelled: known, value: value)
        if let current { record?.set(current, value: value, line: line.number) }
        record?.fieldCount += 1
    }

    private mutating func continueField(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        guard let listed = record?.hotfixesListed, current == .hotfixes || (current == nil && !listed) else { return }
        // Plain ASCII lines (nearly all) are read as bytes; the report is mutated in place, as a copy would copy its
        // update list on every line.
        let kb: String?
        if SystemInfoBytes.isPlain(bytes) {
            kb = SystemInfoBytes.hotfixKB(bytes)?.kb
        } else {
            kb = SystemInfoRecord.hotfixKB(decode(bytes))
        }
        guard let kb else {
            if current == .hotfixes {
                let entry = SystemInfoRecord.nonKBEntry(decode(bytes))
                if entry.entry { record?.hotfixEntries += 1 }
                if entry.damaged { record?.damagedHotfixEntries += 1 }
            }
            return
        }
        // A KB list under an unknown label is the hotfix list.
        current = .hotfixes
        record?.hotfixEntries += 1
        record?.addHotfix(kb: kb, line: line, file: file)
    }

    private func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        gbk ? String(decoding: bytes, as: UTF8.self) : ConsoleText.decode(bytes)
    }

    mutating func finish(into hosts: inout HostCollector, log: inout DiagnosticLog) {
        if let record { SystemInfoReader.complete(record, file: file, into: &hosts, log: &log) }
        record = nil
        if let first = otherText.first {
            log.warn(
                line: first, code: "systeminfo.other-text",
                "\(otherText.count == 1 ? "1 line" : "\(otherText.count) lines") that are neither 'Label: value' nor indented (a prompt or notes) skipped"
            )
        }
    }
}
