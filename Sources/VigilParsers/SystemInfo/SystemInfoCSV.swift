import VigilCore
import VigilIO

/// Reading `systeminfo /fo csv`: an optional header naming the columns, then one row per host. Rows whose third field
/// is not an OS version are headers (appended exports may repeat it).
///
/// The hot path works on bytes: a row is split into field ranges of one reused buffer, and only the few values kept
/// (host name, OS name and version, OS configuration, system type, KB numbers) become strings. Fields that are not plain printable
/// ASCII take the string path, whose rules (Unicode trimming, grapheme clusters) the byte path reproduces for ASCII.
struct SystemInfoCSVState {
    let file: String
    private var records = CSVRecordReader(dialect: CSVDialect(quoting: .anywhere))
    private var columns: [SystemInfoField: Int] = [
        .hostName: SystemInfoField.hostName.position, .osName: SystemInfoField.osName.position,
        .osVersion: SystemInfoField.osVersion.position,
    ]
    private var hostColumn = SystemInfoField.hostName.position
    private var osNameColumn = SystemInfoField.osName.position
    private var osVersionColumn = SystemInfoField.osVersion.position
    /// Where OS Configuration is: its place in systeminfo's order until a header says, then only where it names it.
    private var configurationColumn: Int? = SystemInfoField.osConfiguration.position
    private var systemTypeColumn: Int?
    private var hotfixesColumn: Int?
    private var rows = 0
    private var interner = StringInterner()
    /// KB numbers of the row being read, in order, with their ``SystemInfoBytes/key(_:)``, and a set to find repeats
    /// in long lists.
    private var kbs: [(key: Int, kb: String)] = []
    private var seen: Set<Int> = []

    init(file: String) {
        self.file = file
    }

    mutating func consume(_ line: LineReader.Line, into hosts: inout HostCollector, log: inout DiagnosticLog) {
        if line.bytes.isEmpty { return }
        switch records.add(line.bytes, line: line.number) {
        case .pending:
            // systeminfo writes each host on one line: a quote left open is a row cut short (an append cut off, a
            // copy that lost its end), rejected alone, so that it does not swallow the hosts after it.
            log.reject(
                line: records.startLine, code: "systeminfo.unterminated",
                "a quoted field is not closed on its line (systeminfo writes a host per line); row skipped")
            records.reset()
        case .malformed:  // never: quotes are read leniently
            return
        case .overlong(let start):
            log.reject(line: start, code: "systeminfo.record-too-long", "row longer than 1 MiB; skipped")
        case .record(let start):
            // A copy (of references) so the record can be read while `self` changes.
            let record = records
            record.withRecord { consume($0, line: start, into: &hosts, log: &log) }
        }
    }

    private mutating func consume(
        _ row: CSVRecord, line: Int, into hosts: inout HostCollector, log: inout DiagnosticLog
    ) {
        if row.count == 1, row[0].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        guard row.count >= 3 else {
            log.reject(line: line, code: "systeminfo.short-row", "expected at least Host Name, OS Name, OS Version")
            return
        }
        if isHeader(row) {
            setColumns(Self.mapping((0..<row.count).map(row.string)))
            return
        }
        read(row, line: line, into: &hosts, log: &log)
        rows += 1
    }

    private func isHeader(_ row: CSVRecord) -> Bool {
        let version = osVersionColumn < row.count ? osVersionColumn : 2
        if SystemInfoBytes.systemInfoVersion(row, version, trimmed: false) != nil { return false }
        return rows == 0 || (0..<3).contains { SystemInfoField.named(row.string($0)) == .hostName }
    }

    private mutating func setColumns(_ mapping: [SystemInfoField: Int]) {
        columns = mapping
        hostColumn = mapping[.hostName] ?? SystemInfoField.hostName.position
        osNameColumn = mapping[.osName] ?? SystemInfoField.osName.position
        osVersionColumn = mapping[.osVersion] ?? SystemInfoField.osVersion.position
        configurationColumn = mapping[.osConfiguration]
        systemTypeColumn = mapping[.systemType]
        hotfixesColumn = mapping[.hotfixes]
    }

    private static func mapping(_ header: [String]) -> [SystemInfoField: Int] {
        var columns: [SystemInfoField: Int] = [:]
        for (index, name) in header.enumerated() {
            if let field = SystemInfoField.named(name), columns[field] == nil { columns[field] = index }
        }
        for field in [SystemInfoField.hostName, .osName, .osVersion] where columns[field] == nil {
            columns[field] = field.position
        }
        // A header in a language Vigil does not read, with all of systeminfo's columns: its fixed order.
        if columns[.hotfixes] == nil, header.count > SystemInfoField.hotfixes.position {
            columns[.hotfixes] = SystemInfoField.hotfixes.position
        }
        if columns[.osConfiguration] == nil, header.count > SystemInfoField.hotfixes.position {
            columns[.osConfiguration] = SystemInfoField.osConfiguration.position
        }
        return columns
    }

    /// The trimmed text of field `index`, `nil` when the row is shorter; repeated values share one string.
    private mutating func value(_ row: CSVRecord, _ index: Int, intern: Bool = false) -> String? {
        guard index < row.count else { return nil }
        let field = row[index]
        guard SystemInfoBytes.isPlain(field) else { return row.string(index).trimming(" \t\u{00A0}") }
        let trimmed = SystemInfoBytes.trimmed(field)
        if intern, let shared = interner.string(trimmed) { return shared }
        return String(decoding: trimmed, as: UTF8.self)
    }

    private mutating func read(_ row: CSVRecord, line: Int, into hosts: inout HostCollector, log: inout DiagnosticLog) {
        let hostName = value(row, hostColumn)
        let osName = value(row, osNameColumn, intern: true)
        guard osVersionColumn < row.count,
            let osVersion = SystemInfoBytes.systemInfoVersion(row, osVersionColumn, trimmed: true)
        else {
            log.reject(line: line, code: "systeminfo.os-version", "expected an OS Version like '10.0.19045 … 19045'")
            return
        }
        var architecture: String?
        if let systemTypeColumn, systemTypeColumn < row.count {
            architecture = value(row, systemTypeColumn, intern: true)
        } else if let found = (0..<row.count).first(where: { SystemInfoBytes.isArchitecture(row, $0) }) {
            architecture =
                SystemInfoBytes.isPlain(row[found])
                ? interner.string(row[found]) ?? row.string(found) : row.string(found)
        }
        // The hotfix list is one field: `N Hotfix(s) Installed.,[01]: KB…,[02]: KB…`.
        kbs.removeAll(keepingCapacity: true)
        var listed = false
        var listColumn: Int?
        if let hotfixesColumn, hotfixesColumn < row.count {
            listed = true
            listColumn = hotfixesColumn
            SystemInfoBytes.hotfixKBs(row, hotfixesColumn, trimmed: true, into: &kbs)
        }
        if kbs.isEmpty {
            for index in 0..<row.count {
                SystemInfoBytes.hotfixKBs(row, index, trimmed: false, into: &kbs)
                if !kbs.isEmpty {
                    listed = true
                    listColumn = index
                    break
                }
            }
        }
        guard let hostName, !hostName.isEmpty else {
            log.reject(
                line: line, code: "systeminfo.incomplete",
                "expected a host name followed by the OS Name and OS Version fields (or the Hotfix(s) field)")
            return
        }
        // As in the printed report: a list shorter than the count it states (systeminfo stops at 245 on older Windows)
        // or with an entry cut short is not the host's whole list.
        var listCut = false
        if listed, let listColumn, let cut = Self.listCut(row.string(listColumn)) {
            listCut = true
            log.warn(
                line: line, code: "systeminfo.hotfixes-cut",
                "the report says \(cut.stated.map(String.init) ?? "more") update\(cut.stated == 1 ? " is" : "s are") installed but lists \(cut.whole) whole (systeminfo lists at most 245 on older Windows, and a file cut short lists fewer): its update list is not taken as complete, so nothing is called missing for want of one it leaves out; add the host's Get-HotFix or wmic qfe export"
            )
        }
        let source = EvidenceReference(file: file, line: line)
        var updates: [InstalledUpdate] = []
        updates.reserveCapacity(kbs.count)
        if kbs.count <= 24 {
            for (index, kb) in kbs.enumerated() where !kbs[..<index].contains(where: { $0.key == kb.key }) {
                updates.append(InstalledUpdate(kb: kb.kb, source: source))
            }
        } else {
            seen.removeAll(keepingCapacity: true)
            for kb in kbs where seen.insert(kb.key).inserted {
                updates.append(InstalledUpdate(kb: kb.kb, source: source))
            }
        }
        let system = OperatingSystem(
            name: osName ?? "", version: osVersion.version, build: osVersion.build, architecture: architecture,
            servicePack: osVersion.servicePack)
        let configuration = configurationColumn.flatMap { value(row, $0, intern: true) }
        var machine = Machine(
            name: hostName, operatingSystem: system, operatingSystemSource: source, installedUpdates: updates,
            updatesListed: listed,
            domainController: configuration.flatMap { OSConfiguration.isDomainController($0) },
            sources: [source])
        // Set after: a machine with updates counts them as its list unless told otherwise.
        if listCut { machine.updatesListed = false }
        hosts.add(machine, updatesUnique: true)
        log.recordsRead += 1
    }

    /// Whether the hotfix field `N Hotfix(s) Installed.,[01]: KB…` lists fewer entries than it states or one cut short:
    /// the count stated and the whole entries listed, or `nil` for a whole list.
    static func listCut(_ field: String) -> (stated: Int?, whole: Int)? {
        let parts = field.split(separator: ",")
        let stated = parts.first.flatMap { SystemInfoRecord.leadingNumber($0) }
        var entries = 0
        var damaged = 0
        for part in parts {
            if SystemInfoRecord.hotfixKB(part) != nil {
                entries += 1
            } else {
                let entry = SystemInfoRecord.nonKBEntry(part)
                if entry.entry { entries += 1 }
                if entry.damaged { damaged += 1 }
            }
        }
        guard damaged > 0 || stated.map({ entries < $0 }) == true else { return nil }
        return (stated, entries - damaged)
    }

    func finish(log: inout DiagnosticLog) {
        if records.isOpen {
            log.reject(line: records.startLine, code: "systeminfo.unterminated", "a quoted field is never closed")
        }
    }
}

/// Byte versions of the systeminfo value rules, for plain ASCII fields (``isPlain(_:)``); other fields go through the
/// string versions (``WindowsVersion/systemInfo(_:)``, ``SystemInfoRecord/hotfixKB(_:)``,
/// ``SystemInfoRecord/isArchitecture(_:)``), which give the same results on plain ASCII.
enum SystemInfoBytes {
    /// Whether every byte is printable ASCII, a tab or a line feed: then each byte is one character, and trimming,
    /// splitting and case rules act on bytes alone.
    static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte &- 0x20 >= 0x5F && byte != 0x09 && byte != 0x0A { return false }
        return true
    }

    /// `bytes` without leading and trailing spaces and tabs.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// ``WindowsVersion/systemInfo(_:)`` of field `index` (trimmed of spaces, tabs and no-break spaces first when
    /// `trimmed`).
    static func systemInfoVersion(_ row: CSVRecord, _ index: Int, trimmed: Bool) -> (
        version: String, build: Int?, servicePack: Int?
    )? {
        let field = row[index]
        guard isPlain(field) else {
            let text = row.string(index)
            return WindowsVersion.systemInfo(trimmed ? text.trimming(" \t\u{00A0}") : text)
        }
        return systemInfoVersion(trimmed ? self.trimmed(field) : field)
    }

    /// ``WindowsVersion/systemInfo(_:)`` of plain ASCII.
    static func systemInfoVersion(_ bytes: UnsafeBufferPointer<UInt8>) -> (
        version: String, build: Int?, servicePack: Int?
    )? {
        var words: [Range<Int>] = []
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x20 {
            if index > start { words.append(start..<index) }
            start = index + 1
        }
        guard let first = words.first else { return nil }
        // Three dot-separated runs of 1 to 9 digits.
        var parts = 0
        var digits = 0
        var third: Range<Int> = first.upperBound..<first.upperBound
        for index in first {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard (1...9).contains(digits) else { return nil }
                parts += 1
                digits = 0
                if parts == 2 { third = index + 1..<first.upperBound }
            } else {
                guard byte &- UInt8(ascii: "0") < 10 else { return nil }
                digits += 1
            }
        }
        guard parts == 2, (1...9).contains(digits) else { return nil }
        var build = 0
        for index in third { build = build * 10 + Int(bytes[index] &- UInt8(ascii: "0")) }
        var servicePack: Int?
        for index in words.indices.dropLast(2)
        where equalsLowercase(bytes, words[index], "service") && equalsLowercase(bytes, words[index + 1], "pack") {
            servicePack = Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[words[index + 2]]), as: UTF8.self))
        }
        let version = String(decoding: UnsafeBufferPointer(rebasing: bytes[first]), as: UTF8.self)
        return (version, build, servicePack)
    }

    private static func equalsLowercase(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: StaticString)
        -> Bool
    {
        ASCII.equalsLowercase(UnsafeBufferPointer(rebasing: bytes[range]), word)
    }

    /// ``SystemInfoRecord/isArchitecture(_:)`` of field `index`.
    static func isArchitecture(_ row: CSVRecord, _ index: Int) -> Bool {
        let field = row[index]
        guard isPlain(field) else { return SystemInfoRecord.isArchitecture(row.string(index)) }
        let suffix = 9  // "-based pc"
        guard field.count < 40, field.count >= suffix else { return false }
        return ASCII.equalsLowercase(UnsafeBufferPointer(rebasing: field[(field.count - suffix)...]), "-based pc")
    }

    /// Appends the KB numbers of field `index`'s comma-separated entries (``SystemInfoRecord/hotfixKB(_:)``), in order.
    static func hotfixKBs(_ row: CSVRecord, _ index: Int, trimmed: Bool, into kbs: inout [(key: Int, kb: String)]) {
        let field = row[index]
        guard isPlain(field) else {
            let text = row.string(index)
            for entry in (trimmed ? text.trimming(" \t\u{00A0}") : text).split(separator: ",") {
                if let kb = SystemInfoRecord.hotfixKB(entry) { kbs.append((key(kb), kb)) }
            }
            return
        }
        var start = 0
        for position in 0...field.count where position == field.count || field[position] == UInt8(ascii: ",") {
            if let kb = hotfixKB(UnsafeBufferPointer(rebasing: field[start..<position])) { kbs.append(kb) }
            start = position + 1
        }
    }

    /// A number that tells normalised KB numbers (`KB` and up to 8 digits) apart: the digits and how many there are.
    static func key(_ kb: String) -> Int {
        var key = 0
        for byte in kb.utf8.dropFirst(2) { key = key &* 10 &+ Int(byte &- UInt8(ascii: "0")) }
        return key &* 16 &+ kb.utf8.count
    }

    /// ``SystemInfoRecord/hotfixKB(_:)`` of a plain ASCII entry `[NN]: KB…`, with its ``key(_:)``.
    static func hotfixKB(_ entry: UnsafeBufferPointer<UInt8>) -> (key: Int, kb: String)? {
        let text = trimmed(entry)
        guard text.first == UInt8(ascii: "["), let close = text.firstIndex(of: UInt8(ascii: "]")) else { return nil }
        let rest = trimmed(UnsafeBufferPointer(rebasing: text[(close + 1)...]))
        guard rest.first == UInt8(ascii: ":") else { return nil }
        // ``InstalledUpdate/normalisedKB(_:)``: white space and line feeds around (plain text holds no other), an
        // optional `KB` in either case, 4 to 8 digits.
        var start = 1
        var end = rest.count
        while start < end, rest[start] == 0x20 || rest[start] == 0x09 || rest[start] == 0x0A { start += 1 }
        while end > start, rest[end - 1] == 0x20 || rest[end - 1] == 0x09 || rest[end - 1] == 0x0A { end -= 1 }
        if end - start >= 2, ASCII.lower(rest[start]) == UInt8(ascii: "k"),
            ASCII.lower(rest[start + 1]) == UInt8(ascii: "b")
        {
            start += 2
        }
        let digits = UnsafeBufferPointer(rebasing: rest[start..<end])
        guard (4...8).contains(digits.count) else { return nil }
        var value = 0
        for digit in digits {
            guard digit &- UInt8(ascii: "0") < 10 else { return nil }
            value = value * 10 + Int(digit &- UInt8(ascii: "0"))
        }
        if digits[0] == UInt8(ascii: "0") {
            // How leading zeros read is the model's call.
            let kb = InstalledUpdate.normalisedKB(String(decoding: digits, as: UTF8.self))
            return kb.map { (key($0), $0) }
        }
        let kb = String(unsafeUninitializedCapacity: digits.count + 2) { buffer in
            buffer[0] = UInt8(ascii: "K")
            buffer[1] = UInt8(ascii: "B")
            _ = UnsafeMutableBufferPointer(rebasing: buffer[2...]).initialize(fromContentsOf: digits)
            return digits.count + 2
        }
        return (value &* 16 &+ digits.count + 2, kb)
    }
}
