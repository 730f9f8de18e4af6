import VigilCore
import VigilIO

/// Reads Vigil's own host inventory CSV, for hosts no other inventory covers: a header naming `host` and any of `os`,
/// `version`, `build`, `revision`, `kbs`, `architecture`, `smb1`, `bitlocker` (any case, any order, other columns
/// ignored), then one row per host (a host may take several rows).
///
/// `kbs` lists KB numbers separated by `;` or spaces (`none` for an empty list; a blank cell says nothing); `smb1` and
/// `bitlocker` are `yes`/`no`, `true`/`false`, `1`/`0` or blank. The delimiter is `,`, or `;` when the header has no
/// comma (spreadsheets in European locales). A `#TYPE` first line (Windows PowerShell's `Export-Csv`) is skipped.
public struct HostInventoryCSVReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "host-inventory-csv",
        name: "Host inventory (Vigil CSV)",
        producedBy:
            "Get-CimInstance Win32_OperatingSystem | Select-Object @{n='host';e={$_.CSName}}, @{n='os';e={$_.Caption}}, @{n='version';e={$_.Version}}, @{n='build';e={$_.BuildNumber}}, @{n='kbs';e={(Get-HotFix).HotFixID -join ';'}} | Export-Csv hosts.csv -NoTypeInformation"
    )

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        guard let first = sample.lines(limit: 2).first(where: { !$0.hasPrefix("#TYPE") }) else { return false }
        return HostInventoryHeader(Array(first.utf8)) != nil
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        var log = fragment.log
        var hosts = HostCollector()
        try HeadedCSVReader.read(
            path: path, progress: progress,
            recognise: { line in HostInventoryHeader(line).map { ($0, $0.delimiter) } },
            handle: { event in
                switch event {
                case .record(let header, let fields, let line):
                    switch header.machine(fields, source: EvidenceReference(file: file, line: line)) {
                    case .success(let machine):
                        hosts.add(machine)
                        log.recordsRead += 1
                    case .failure(let problem):
                        log.reject(line: line, code: "hostcsv.malformed-row", problem.expected)
                    }
                case .lineTooLong(let line):
                    log.reject(line: line, code: "hostcsv.line-too-long", "line longer than 1 MiB")
                case .noHeader(let line):
                    // Without the header no row can be read: one diagnostic for the file.
                    log.reject(
                        line: line, code: "hostcsv.no-header",
                        "expected a header naming a 'host' column and some of os, version, build, revision, kbs")
                case .recordTooLong(let line):
                    log.reject(line: line, code: "hostcsv.record-too-long", "row longer than 1 MiB; skipped")
                case .unterminated(let line):
                    log.reject(line: line, code: "hostcsv.unterminated", "a quoted field is never closed")
                }
            })
        fragment.hosts = hosts.hosts
        fragment.log = log
        return fragment
    }
}

/// What a malformed row should have held (never its content).
struct HostInventoryRowProblem: Error {
    /// What was expected, for the diagnostic.
    let expected: String
}

/// The columns of a host inventory CSV.
struct HostInventoryHeader {
    /// The documented columns.
    enum Column: String, CaseIterable {
        case host, os, version, build, revision, kbs, architecture, smb1, bitlocker
    }

    /// The field delimiter.
    let delimiter: UInt8
    /// Where each documented column is.
    let positions: [Column: Int]

    /// The header in `line`, or `nil` when it names no `host` column and fewer than two other documented columns.
    init?(_ line: [UInt8]) {
        let comma = UInt8(ascii: ",")
        let delimiter = line.contains(comma) || !line.contains(UInt8(ascii: ";")) ? comma : UInt8(ascii: ";")
        self.delimiter = delimiter
        var positions: [Column: Int] = [:]
        // Split as the rows are, so a quoted header name holding the delimiter stays one column.
        let names = line.withUnsafeBufferPointer {
            CSVRecordReader.fields(ofLine: $0, dialect: CSVDialect(delimiter: delimiter, quoting: .anywhere))
        }
        for (index, name) in names.enumerated() {
            let text = String(decoding: name, as: UTF8.self).trimming(" \t\"\u{FEFF}").lowercased()
            if let column = Column(rawValue: text), positions[column] == nil { positions[column] = index }
        }
        guard positions[.host] != nil, positions.count >= 3 else { return nil }
        self.positions = positions
    }

    /// The host a row describes, or what the row should have held.
    func machine(_ fields: [String], source: EvidenceReference) -> Result<Machine, HostInventoryRowProblem> {
        func value(_ column: Column) -> String? {
            guard let index = positions[column], index < fields.count else { return nil }
            let text = fields[index].trimming(" \t")
            return text.isEmpty ? nil : text
        }
        func fail(_ expected: String) -> Result<Machine, HostInventoryRowProblem> {
            .failure(HostInventoryRowProblem(expected: expected))
        }
        guard let host = value(.host) else { return fail("host must not be empty") }
        guard !host.contains(where: { $0 == " " || $0 == "\\" || $0 == "/" }) else {
            return fail("host must be a host name without spaces or slashes")
        }
        var build: Int?
        var revision: Int?
        var version = value(.version)
        if let text = value(.build) {
            guard let number = Int(text), number >= 0 else { return fail("build must be a number") }
            build = number
        }
        if let text = value(.revision) {
            guard let number = Int(text), number >= 0 else { return fail("revision must be a number") }
            revision = number
        }
        if let text = version, let parsed = WindowsVersion.parse(text) {
            version = parsed.version
            build = build ?? parsed.build
            revision = revision ?? parsed.revision
        }
        var updates: [InstalledUpdate] = []
        var listed = false
        if let text = value(.kbs) {
            listed = true
            if text.lowercased() != "none" {
                for word in text.split(whereSeparator: { $0 == ";" || $0 == " " || $0 == "," }) {
                    guard let kb = InstalledUpdate.normalisedKB(word) else {
                        return fail("kbs must be KB numbers (KB5034441) separated by ';' or spaces, or 'none'")
                    }
                    updates.append(InstalledUpdate(kb: kb, source: source))
                }
            }
        }
        guard let smb1 = Answer(value(.smb1)) else { return fail("smb1 must be yes, no, true, false, 1, 0 or blank") }
        guard let bitlocker = Answer(value(.bitlocker)) else {
            return fail("bitlocker must be yes, no, true, false, 1, 0 or blank")
        }
        var system: OperatingSystem?
        if value(.os) != nil || version != nil || build != nil || revision != nil {
            system = OperatingSystem(
                name: value(.os) ?? "", version: version, build: build, revision: revision,
                architecture: value(.architecture))
        }
        return .success(
            Machine(
                name: host, operatingSystem: system, operatingSystemSource: system == nil ? nil : source,
                installedUpdates: updates, updatesListed: listed, smbVersion1Enabled: smb1.value,
                diskEncrypted: bitlocker.value, sources: [source]))
    }

    /// A yes/no cell.
    private enum Answer {
        case yes, no, blank

        /// The answer in `text` (`yes`, `no`, `true`, `false`, `1`, `0`, blank), or `nil` for anything else.
        init?(_ text: String?) {
            switch text?.lowercased() {
            case nil: self = .blank
            case "yes", "true", "1", "y", "on", "enabled": self = .yes
            case "no", "false", "0", "n", "off", "disabled": self = .no
            default: return nil
            }
        }

        var value: Bool? { self == .blank ? nil : self == .yes }
    }
}
