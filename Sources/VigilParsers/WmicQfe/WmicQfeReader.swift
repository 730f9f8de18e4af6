import VigilCore
import VigilIO

/// Reads the installed updates Windows Management Instrumentation lists (Win32_QuickFixEngineering) in the forms
/// `wmic qfe` writes them:
///
/// - the default table (`wmic qfe`, `wmic qfe list`, `wmic qfe get HotFixID,InstalledOn,CSName`): a header whose
///   column offsets cut every row, widths depending on the content;
/// - CSV (`wmic qfe get … /format:csv`): a blank first line, then `Node,HotFixID,…`;
/// - `wmic qfe list full`: `Name=value` lines, one blank-line-separated block per update.
///
/// The host is the `CSName` (or `Node`) column; without one, the file's name up to its first `.` (`PC0042.qfe.txt`).
/// `InstalledOn` is read as `M/D/YYYY` or a hexadecimal FILETIME, and left out when it is neither.
public struct WmicQfeReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "wmic-qfe",
        name: "Windows installed updates (wmic qfe)",
        producedBy:
            "wmic qfe list > %COMPUTERNAME%.qfe.txt   (or, for several hosts: wmic /node:@hosts.txt qfe get CSName,HotFixID,InstalledOn /format:csv > qfe.csv)"
    )

    /// The column names of Win32_QuickFixEngineering that `wmic qfe` prints.
    static let columnNames: Set<String> = [
        "caption", "csname", "description", "fixcomments", "hotfixid", "installdate", "installedby", "installedon",
        "name", "servicepackineffect", "status",
    ]

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        let lines = sample.lines(limit: 8)
        for line in lines.prefix(3) {
            if WmicQfeHeader(table: line) != nil { return true }
            if line.hasPrefix("Node,"), WmicQfeHeader(csv: line) != nil { return true }
        }
        let keys = Set(lines.compactMap { $0.split(separator: "=", maxSplits: 1).first?.lowercased() })
        return keys.contains("hotfixid") && keys.isSubset(of: Self.columnNames)
            && (keys.contains("csname") || keys.contains("installedon"))
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        var log = fragment.log
        var state = WmicQfeState(file: file)
        try LineReader(path: path, maxLineLength: 64 << 10).forEachLine(progress: progress) { line in
            if line.isOverlong {
                log.reject(line: line.number, code: "qfe.line-too-long", "line longer than 64 KiB; expected a qfe row")
                return
            }
            state.consume(line, log: &log)
        }
        state.finish(log: &log)
        fragment.hosts = state.hosts.hosts
        fragment.log = log
        return fragment
    }
}

/// The columns of a qfe header: where each starts (in characters, for the table form) and which is which.
struct WmicQfeHeader {
    /// Column names (lower-cased) with their start offsets.
    let columns: [(name: String, start: Int)]
    /// The columns a row is read for (``readColumns``), with where each starts and ends: of a table row's dozen
    /// fields three are used, and cutting and trimming the rest was most of the reader's work per row.
    let read: [(name: String, start: Int, end: Int?)]

    /// The columns the reader uses: the update, its date and the host.
    static let readColumns: Set<String> = ["hotfixid", "installedon", "csname", "node"]

    private static func read(_ columns: [(name: String, start: Int)]) -> [(name: String, start: Int, end: Int?)] {
        columns.indices.compactMap { index in
            guard readColumns.contains(columns[index].name) else { return nil }
            let end = index + 1 < columns.count ? columns[index + 1].start : nil
            return (columns[index].name, columns[index].start, end)
        }
    }

    /// Whether `line` names `HotFixID` (in any case): only such a line can be a header, so a row that does not is
    /// never parsed as one.
    static func namesHotFixID(_ line: String) -> Bool {
        let target = Array("hotfixid".utf8)
        var matched = 0
        for byte in line.utf8 {
            // Letters only: a byte ORed with 0x20 is a lower-case letter only if it was a letter.
            if byte | 0x20 == target[matched] {
                matched += 1
                if matched == target.count { return true }
            } else {
                // `h` occurs once in the name, so a mismatch restarts at this byte.
                matched = byte | 0x20 == target[0] ? 1 : 0
            }
        }
        return false
    }

    /// A table header: known column names separated by spaces, `HotFixID` among them.
    init?(table line: some StringProtocol) {
        var columns: [(String, Int)] = []
        var offset = 0
        var start: Int?
        var word = ""
        for character in line.unicodeScalars {
            if character == " " || character == "\t" {
                if let first = start { columns.append((word.lowercased(), first)) }
                start = nil
                word = ""
            } else {
                if start == nil { start = offset }
                word.unicodeScalars.append(character)
            }
            offset += 1
        }
        if let first = start { columns.append((word.lowercased(), first)) }
        guard columns.contains(where: { $0.0 == "hotfixid" }),
            columns.allSatisfy({ WmicQfeReader.columnNames.contains($0.0) })
        else { return nil }
        self.columns = columns
        read = Self.read(columns)
    }

    /// A CSV header: `Node` then known column names, `HotFixID` among them.
    init?(csv line: some StringProtocol) {
        let names = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimming(" \t").lowercased() }
        guard names.first == "node", names.contains("hotfixid"),
            names.dropFirst().allSatisfy({ WmicQfeReader.columnNames.contains($0) })
        else { return nil }
        columns = names.enumerated().map { ($0.element, $0.offset) }
        read = Self.read(columns)
    }

    /// The fields of a table row the reader uses, cut at the header's offsets.
    func cut(_ row: String) -> [String: String] {
        let scalars = Array(row.unicodeScalars)
        var fields: [String: String] = [:]
        for column in read where column.start < scalars.count {
            let end = min(column.end ?? scalars.count, scalars.count)
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[column.start..<end])
            fields[column.name] = String(text).trimming(" \t")
        }
        return fields
    }
}

/// Reading a qfe export in whichever form it turns out to be.
private struct WmicQfeState {
    enum Form {
        case table(WmicQfeHeader)
        case csv(WmicQfeHeader)
        case list
    }

    let file: String
    var form: Form?
    var hosts = HostCollector()
    /// The `Name=value` block being read (list form), with its first line.
    var block: (fields: [String: String], line: Int)?
    var skippedBeforeHeader: Int?
    var notKB = 0
    var unnamed = false

    init(file: String) {
        self.file = file
    }

    mutating func consume(_ line: LineReader.Line, log: inout DiagnosticLog) {
        let text = ConsoleText.decode(line.bytes)
        let blank = text.allSatisfy { $0 == " " || $0 == "\t" }
        switch form {
        case nil:
            if blank { return }
            if let header = WmicQfeHeader(table: text) {
                form = .table(header)
            } else if let header = WmicQfeHeader(csv: text) {
                form = .csv(header)
            } else if Self.keyValue(text) != nil {
                form = .list
                consume(line, log: &log)
            } else if skippedBeforeHeader == nil {
                // A stray line before the header (a command echoed into the file) is tolerated.
                skippedBeforeHeader = line.number
            }
        case .table(let header)?:
            if blank { return }
            if WmicQfeHeader.namesHotFixID(text), WmicQfeHeader(table: text) != nil { return }
            row(Self.realigned(header.cut(text), row: text), line: line.number, log: &log)
        case .csv(let header)?:
            if blank { return }
            if WmicQfeHeader.namesHotFixID(text), WmicQfeHeader(csv: text) != nil { return }
            let values = text.split(separator: ",", omittingEmptySubsequences: false)
            var fields: [String: String] = [:]
            for column in header.read where column.start < values.count {
                fields[column.name] = values[column.start].trimming(" \t")
            }
            row(fields, line: line.number, log: &log)
        case .list?:
            if blank {
                flushBlock(log: &log)
                return
            }
            guard let (key, value) = Self.keyValue(text) else {
                log.reject(line: line.number, code: "qfe.malformed", "expected 'Name=value' (wmic qfe list full)")
                return
            }
            if block == nil { block = ([:], line.number) }
            block?.fields[key] = value
        }
    }

    /// `fields` with the HotFixID and InstalledOn taken from the row's words when the header's offsets miss them: wmic
    /// pads non-ASCII values (`TEST_dc\Администратор`) by another measure than characters, shifting the columns after.
    static func realigned(_ fields: [String: String], row: String) -> [String: String] {
        var fields = fields
        // The row's words only when a field needs them: most rows are aligned.
        func words() -> [Substring] { row.split(whereSeparator: { $0 == " " || $0 == "\t" }) }
        if let id = fields["hotfixid"], InstalledUpdate.normalisedKB(id) == nil,
            let kb = words().first(where: {
                $0.uppercased().hasPrefix("KB") && InstalledUpdate.normalisedKB($0) != nil
            })
        {
            fields["hotfixid"] = String(kb)
        }
        if let date = fields["installedon"], QuickFixDate.parse(date) == nil,
            let found = words().first(where: { $0.contains("/") && QuickFixDate.parse($0) != nil })
        {
            fields["installedon"] = String(found)
        }
        return fields
    }

    /// `HotFixID=KB4486553` → (`hotfixid`, `KB4486553`) for a known column name.
    static func keyValue(_ text: String) -> (String, String)? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let key = text[..<equals].trimming(" \t").lowercased()
        guard WmicQfeReader.columnNames.contains(key) else { return nil }
        return (key, text[text.index(after: equals)...].trimming(" \t"))
    }

    private mutating func flushBlock(log: inout DiagnosticLog) {
        guard let current = block else { return }
        block = nil
        row(current.fields, line: current.line, log: &log)
    }

    private mutating func row(_ fields: [String: String], line: Int, log: inout DiagnosticLog) {
        guard let id = fields["hotfixid"], !id.isEmpty else {
            log.reject(line: line, code: "qfe.no-hotfix-id", "expected a HotFixID under its header column")
            return
        }
        guard let kb = InstalledUpdate.normalisedKB(id) else {
            // `File 1` and similar entries name no KB: nothing to match them against.
            notKB += 1
            return
        }
        var name = fields["csname"] ?? fields["node"] ?? ""
        if name.isEmpty {
            guard let stem = HostCollector.hostName(fromFile: file) else {
                log.reject(line: line, code: "qfe.no-host", "expected a CSName column or a file named after the host")
                return
            }
            unnamed = true
            name = stem
        }
        let source = EvidenceReference(file: file, line: line)
        let update = InstalledUpdate(
            kb: kb, installedOn: fields["installedon"].flatMap(QuickFixDate.parse), source: source)
        hosts.add(Machine(name: name, installedUpdates: [update], updatesListed: true, sources: [source]))
        log.recordsRead += 1
    }

    mutating func finish(log: inout DiagnosticLog) {
        flushBlock(log: &log)
        if let skipped = skippedBeforeHeader, form != nil {
            log.warn(line: skipped, code: "qfe.before-header", "lines before the qfe header were skipped")
        } else if let skipped = skippedBeforeHeader {
            log.reject(line: skipped, code: "qfe.no-header", "expected a header naming HotFixID (wmic qfe output)")
        }
        if notKB > 0 {
            log.warn(
                line: nil, code: "qfe.not-kb",
                "\(notKB) entr\(notKB == 1 ? "y names" : "ies name") no KB number (such as 'File 1') and were skipped")
        }
        if unnamed {
            log.warn(
                line: nil, code: "qfe.host-from-file-name",
                "no CSName column: the host is named after the file (its name up to the first '.')")
        }
    }
}
