import Foundation
import VigilCore
import VigilIO

/// The columns of a `Get-HotFix` table, from its header and the line of dashes under it.
struct GetHotFixTable {
    /// Column names (lower-cased) with the character offsets where each starts.
    var columns: [(name: String, start: Int)]

    /// A header line naming `HotFixID` among words (the underline decides the offsets).
    init?(header line: some StringProtocol) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.lowercased() }
        guard words.contains("hotfixid"), words.count >= 2, words.count <= 24 else { return nil }
        columns = words.map { ($0, 0) }
    }

    /// Whether `line` is the underline of this header: one group of dashes per column.
    func matchesUnderline(_ line: some StringProtocol) -> Bool {
        Self.groups(line).map { $0.count == columns.count } ?? false
    }

    /// This header with its offsets taken from the underline `line`.
    func aligned(to line: some StringProtocol) -> GetHotFixTable? {
        guard let groups = Self.groups(line), groups.count == columns.count else { return nil }
        var table = self
        for index in columns.indices { table.columns[index].start = groups[index] }
        return table
    }

    /// The start offsets of the dash groups of an underline, or `nil` when the line is not only dashes and spaces.
    private static func groups(_ line: some StringProtocol) -> [Int]? {
        var starts: [Int] = []
        var previous: Character = " "
        for (offset, character) in line.enumerated() {
            switch character {
            case "-": if previous != "-" { starts.append(offset) }
            case " ", "\t": break
            default: return nil
            }
            previous = character
        }
        return starts.isEmpty ? nil : starts
    }

    /// The fields of a row, cut at the columns' offsets.
    ///
    /// Offsets are console cells, not characters: PowerShell pads each cell to its column by the cells its text takes,
    /// and an East Asian wide character (a Japanese or Chinese host or user name) takes two. A row whose HotFixID cell
    /// holds no KB number while a KB number stands elsewhere in it is out of line (a longer name pasted over the Source
    /// cell): its columns after the first are moved by as much as the KB number is.
    func cut(_ row: String) -> [String: String] {
        let characters = Array(row)
        var cells: [Int] = []
        cells.reserveCapacity(characters.count)
        var cell = 0
        for character in characters {
            cells.append(cell)
            cell += Self.width(character)
        }
        let starts = columns.map(\.start)
        let fields = cut(characters, cells: cells, starts: starts)
        guard let hotfix = columns.firstIndex(where: { $0.name == "hotfixid" }), hotfix > 0,
            !Self.isKB(fields["hotfixid"] ?? ""), let kb = Self.firstKB(characters)
        else { return fields }
        let shift = cells[kb] - starts[hotfix]
        let moved = starts.enumerated().map { $0.offset == 0 ? $0.element : $0.element + shift }
        guard moved.indices.dropFirst().allSatisfy({ moved[$0] > moved[$0 - 1] }) else { return fields }
        let realigned = cut(characters, cells: cells, starts: moved)
        return Self.isKB(realigned["hotfixid"] ?? "") ? realigned : fields
    }

    /// The text of each column, cut at console-cell offsets `starts`.
    private func cut(_ characters: [Character], cells: [Int], starts: [Int]) -> [String: String] {
        var fields: [String: String] = [:]
        var position = 0
        for (index, column) in columns.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1] : Int.max
            while position < characters.count, cells[position] < starts[index] { position += 1 }
            var text = ""
            while position < characters.count, cells[position] < end {
                text.append(characters[position])
                position += 1
            }
            if !text.isEmpty { fields[column.name] = text.trimming(" \t") }
        }
        return fields
    }

    /// The console cells a character takes: two for East Asian wide and full-width characters, one otherwise.
    static func width(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first?.value, scalar >= 0x1100 else { return 1 }
        switch scalar {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// Whether `text` is a KB number (`KB5034123`).
    static func isKB(_ text: some StringProtocol) -> Bool {
        text.count > 2 && text.hasPrefix("KB") && text.dropFirst(2).allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The index of the first character of the first space-separated KB number in a row.
    private static func firstKB(_ characters: [Character]) -> Int? {
        var start = 0
        while start < characters.count {
            while start < characters.count, characters[start] == " " || characters[start] == "\t" { start += 1 }
            var end = start
            while end < characters.count, characters[end] != " ", characters[end] != "\t" { end += 1 }
            if end > start, isKB(String(characters[start..<end])) { return start }
            start = end
        }
        return nil
    }
}

/// The header of `Get-HotFix | Export-Csv`: `HotFixID` and a host or date column among quoted or bare names.
struct GetHotFixCSV {
    /// Column names, lower-cased, in order.
    var names: [String]

    init?(header line: some StringProtocol) {
        guard line.contains(",") else { return nil }
        let names = line.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimming(" \t\"").lowercased()
        }
        guard names.contains("hotfixid"),
            names.contains("installedon") || GetHotFixReader.hostColumns.contains(where: names.contains)
        else { return nil }
        self.names = names
    }
}

/// Reading a Get-HotFix export in whichever form it turns out to be. Rows are kept until the end, when the file's
/// dates show whether they are month-first or day-first.
struct GetHotFixText {
    enum Form {
        case table(GetHotFixTable)
        case csv(GetHotFixCSV, CSVRecordReader)
        case list
    }

    /// The most lines before the output (a prompt, notes) for the file to be recognised.
    static let maximumLeadingLines = 12

    /// One update as read, its date still text.
    struct Row {
        var host: String?
        var kb: String
        var installedOn: String?
        var line: Int
    }

    let file: String
    var form: Form?
    /// A header line waiting for its underline.
    var pendingHeader: (table: GetHotFixTable, line: Int)?
    var rows: [Row] = []
    var block: (fields: [String: String], line: Int)?
    var leading = LineTally()
    var otherText = LineTally()
    var notKB = LineTally()
    /// Rows whose HotFixID begins `KB` but is no KB number: the first lines (as many as a log keeps), and how many.
    var rejectedKB: [Int] = []
    var rejectedKBCount = 0
    /// Rows lost whole (cut inside a quoted field): whose updates they held is not known.
    var lostRows = 0
    /// The line the output's header (or first Format-List block) is on.
    var headerLine: Int?

    init(file: String) {
        self.file = file
    }

    /// `Name : value` (Format-List) as a lower-cased name and its value.
    static func listPair(_ text: some StringProtocol) -> (key: String, value: String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let key = text[..<colon].trimming(" \t")
        guard !key.isEmpty, text[..<colon].last == " ", !key.contains(" ") else { return nil }
        return (key.lowercased(), text[text.index(after: colon)...].trimming(" \t"))
    }

    mutating func consume(_ line: LineReader.Line, log: inout DiagnosticLog) {
        let text = ConsoleText.decode(line.bytes)
        let blank = text.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
        switch form {
        case nil:
            if blank { return }
            decideForm(text, line: line.number, log: &log)
        case .table(let table)?:
            if blank { return }
            if let header = GetHotFixTable(header: text) {
                // Another table follows (Invoke-Command over several hosts, files joined): wait for its underline.
                pendingHeader = (header, line.number)
                return
            }
            if let pending = pendingHeader {
                pendingHeader = nil
                if let aligned = pending.table.aligned(to: text) {
                    form = .table(aligned)
                    return
                }
            }
            row(table.cut(text), line: line.number, text: text)
        case .csv(let header, var records)?:
            if blank, !records.isOpen { return }
            let outcome = records.add(line.bytes, line: line.number)
            form = .csv(header, records)
            switch outcome {
            case .pending:
                // Export-Csv writes each update on one line: a quote left open is a row cut short, rejected alone so
                // that it does not swallow the rows after it.
                log.reject(
                    line: records.startLine, code: "hotfix.unterminated",
                    "a quoted field is not closed on its line (Export-Csv writes an update per line); row skipped")
                lostRows += 1
                records.reset()
                form = .csv(header, records)
            case .malformed:  // never: quotes are read leniently
                return
            case .overlong(let start):
                log.reject(line: start, code: "hotfix.record-too-long", "row longer than 1 MiB; skipped")
            case .record(let start):
                let values = records.fields()
                if GetHotFixCSV(header: values.joined(separator: ",")) != nil { return }
                var fields: [String: String] = [:]
                for (index, name) in header.names.enumerated() where index < values.count {
                    fields[name] = values[index].trimming(" \t")
                }
                row(fields, line: start, text: text)
            }
        case .list?:
            if blank {
                flushBlock()
                return
            }
            guard let (key, value) = Self.listPair(text) else {
                // Format-List wraps long values onto indented lines.
                if text.first == " " { return }
                // A prompt or note between or after the blocks.
                flushBlock()
                otherText.add(line.number)
                return
            }
            if block == nil { block = ([:], line.number) }
            // Format-List wraps long values onto indented lines; the properties Vigil reads are short.
            block?.fields[key] = value
        }
    }

    private mutating func decideForm(_ text: String, line: Int, log: inout DiagnosticLog) {
        if let pending = pendingHeader {
            pendingHeader = nil
            if let aligned = pending.table.aligned(to: text) {
                form = .table(aligned)
                headerLine = pending.line
                return
            }
            leading.add(pending.line)
        }
        if let header = GetHotFixTable(header: text), !text.contains(",") {
            pendingHeader = (header, line)
        } else if let header = GetHotFixCSV(header: text) {
            form = .csv(header, CSVRecordReader(dialect: CSVDialect(quoting: .anywhere)))
            headerLine = line
        } else if let (key, value) = Self.listPair(text), key == "hotfixid" || Self.isListKey(key) {
            form = .list
            headerLine = line
            block = ([key: value], line)
        } else if !text.hasPrefix("#TYPE") {
            // A prompt (`PS C:\> Get-HotFix`), notes. Windows PowerShell's `#TYPE` line is part of its CSV.
            leading.add(line)
        }
    }

    /// Property names a Format-List block of Get-HotFix starts with.
    private static func isListKey(_ key: String) -> Bool {
        ["source", "description", "pscomputername", "csname", "__genus", "installedon"].contains(key)
    }

    private mutating func flushBlock() {
        guard let current = block else { return }
        block = nil
        row(current.fields, line: current.line, text: nil)
    }

    private mutating func row(_ fields: [String: String], line: Int, text: String?) {
        guard let id = fields["hotfixid"], !id.isEmpty else {
            // In a table, a prompt after the output cuts to nothing under HotFixID.
            otherText.add(line)
            return
        }
        guard let kb = InstalledUpdate.normalisedKB(id) else {
            if id.lowercased().hasPrefix("kb") || id.lowercased() == "k" {
                // `KB50`, `KBXYZ`: a KB number cut short or garbled, not an entry of another kind.
                rejectedKBCount += 1
                if rejectedKB.count < EvidenceFileSummary.diagnosticLimit { rejectedKB.append(line) }
                return
            }
            // `File 1` and similar entries name no KB: nothing to match them against.
            notKB.add(line)
            return
        }
        let host = GetHotFixReader.hostColumns.lazy.compactMap { fields[$0] }.first { !$0.isEmpty }
        rows.append(
            Row(host: host, kb: kb, installedOn: fields["installedon"].flatMap { $0.isEmpty ? nil : $0 }, line: line))
    }

    mutating func finish(log: inout DiagnosticLog) {
        flushBlock()
        if case .csv(_, let records)? = form, records.isOpen {
            log.reject(line: records.startLine, code: "hotfix.unterminated", "a quoted field is never closed")
        }
        if form == nil {
            // An empty file (or one of blank lines) holds no updates and says nothing wrong.
            guard let first = leading.first else { return }
            log.reject(
                line: first, code: "hotfix.no-header",
                "expected Get-HotFix output: a table header with HotFixID and its line of dashes, a CSV header, or 'HotFixID : KB…' lines"
            )
            return
        }
        if let first = leading.first {
            log.warn(
                line: first, code: "hotfix.leading-text",
                "\(leading.count == 1 ? "1 line" : "\(leading.count) lines") before the Get-HotFix output (a prompt or notes) skipped"
            )
        }
        if let first = otherText.first {
            log.warn(
                line: first, code: "hotfix.other-text",
                "\(otherText.count == 1 ? "1 line that is" : "\(otherText.count) lines that are") not a Get-HotFix row (a prompt or notes) skipped"
            )
        }
        if let first = notKB.first {
            log.warn(
                line: first, code: "hotfix.not-kb",
                "\(notKB.count) entr\(notKB.count == 1 ? "y names" : "ies name") no KB number (such as 'File 1') and were skipped (first here)"
            )
        }
        for line in rejectedKB {
            log.reject(line: line, code: "hotfix.bad-kb", "expected HotFixID to be KB and 4 to 8 digits")
        }
        if rejectedKBCount > rejectedKB.count {
            log.addUnkept(rejectedKBCount - rejectedKB.count, rejected: rejectedKBCount - rejectedKB.count)
        }
        if rows.isEmpty, notKB.count == 0, rejectedKBCount == 0 {
            // A header and nothing under it: no host, no update, and it says so rather than nothing.
            log.warn(
                line: headerLine, code: "hotfix.no-updates",
                "the Get-HotFix output has a header but no update under it: nothing was read from this file")
        }
    }

    /// What is left of a host name the table cut to its column (`DESKTOP-KA...` → `desktop-ka`, lower case), or `nil`
    /// for a name that is whole.
    static func cutPrefix(_ host: String?) -> String? {
        guard let host else { return nil }
        if host.hasSuffix("...") { return String(host.dropLast(3)).trimming(" \t").lowercased() }
        if host.hasSuffix("\u{2026}") { return String(host.dropLast()).trimming(" \t").lowercased() }
        return nil
    }

    /// The hosts the rows describe, their dates read in the order the file's dates show.
    mutating func hosts(log: inout DiagnosticLog) -> [Machine] {
        let order = InstalledOnOrder(rows.compactMap(\.installedOn))
        if order == .ambiguous,
            rows.contains(where: { $0.installedOn.flatMap(order.date) == nil && $0.installedOn != nil })
        {
            log.warn(
                line: rows.first(where: { $0.installedOn != nil })?.line, code: "hotfix.ambiguous-dates",
                "InstalledOn dates could be month-first or day-first (no number above 12 decides): those dates are left out"
            )
        }
        var collector = HostCollector()
        var unnamed = false
        var cut: Int?
        let stem = HostCollector.hostName(fromFile: file)
        // What is left of each cut host name: one means one host, the file's; several mean rows of other hosts too,
        // and only the one the file's name begins with can be the file's host.
        let cutPrefixes = Set(rows.compactMap { Self.cutPrefix($0.host) })
        for row in rows {
            var name = row.host ?? ""
            if let prefix = Self.cutPrefix(row.host) {
                // The table cut the host name to its column (`DESKTOP-KA...`): it names no host.
                if cut == nil { cut = row.line }
                if cutPrefixes.count > 1, stem.map({ !$0.lowercased().hasPrefix(prefix) || prefix.isEmpty }) ?? false {
                    log.reject(
                        line: row.line, code: "hotfix.host-cut-ambiguous",
                        "the table cut the Source (host) name short ('...') on rows of several hosts, and the file's name does not begin with what is left of this one: its host is not known (export with Export-Csv or Format-List to keep names whole)"
                    )
                    continue
                }
                name = ""
            }
            if name.isEmpty {
                guard let stem else {
                    log.reject(
                        line: row.line, code: "hotfix.no-host",
                        "expected a Source column or a file named after the host")
                    continue
                }
                unnamed = true
                name = stem
            }
            let source = EvidenceReference(file: file, line: row.line)
            let update = InstalledUpdate(
                kb: row.kb, installedOn: row.installedOn.flatMap { order.date($0) }, source: source)
            collector.add(Machine(name: name, installedUpdates: [update], updatesListed: true, sources: [source]))
            log.recordsRead += 1
        }
        if let cut {
            log.warn(
                line: cut, code: "hotfix.host-cut",
                "the table cut the Source (host) name short ('...'), so the host is named after the file (its name up to the first '.'): export with Export-Csv or Format-List to keep it whole"
            )
        }
        // Cut names are said once, above; this is for rows with no host at all.
        if unnamed, cut == nil {
            log.warn(
                line: nil, code: "hotfix.host-from-file-name",
                "no Source column: the host is named after the file (its name up to the first '.')")
        }
        rows = []
        guard lostRows + rejectedKBCount > 0 else { return collector.hosts }
        // A row lost may have held the update that fixes something: the file's lists are not complete, and nothing is
        // called missing for want of an update they may have held.
        log.warn(
            line: nil, code: "hotfix.list-incomplete",
            "\(lostRows + rejectedKBCount) row\(lostRows + rejectedKBCount == 1 ? " was" : "s were") rejected, so the update list read is not taken as complete"
        )
        return collector.hosts.map { host in
            var host = host
            host.updatesListed = false
            return host
        }
    }
}

/// Whether a file's `InstalledOn` dates are month-first or day-first: PowerShell writes them in the culture of the
/// machine it ran on (`1/15/2020 12:00:00 AM` en-US, `15/01/2020 00:00:00` en-GB, `21/09/2019 12:00:00 a.m.` es,
/// `15/01/2020 12:00:00 AM` en-AU: AM/PM says nothing about the order). Year-first dates (`2019/2/14 0:00:00`, zh-CN;
/// `2020-01-15`) need no decision.
enum InstalledOnOrder: Equatable {
    case monthFirst, dayFirst, ambiguous

    /// The order `dates` show: a first number above 12 means day-first, a second above 12 month-first; both or neither
    /// leave it ambiguous.
    init(_ dates: [String]) {
        var dayFirst = false
        var monthFirst = false
        for date in dates {
            guard case .dayOrMonthFirst(let first, let second, _)? = Self.parts(date) else { continue }
            if first > 12 { dayFirst = true }
            if second > 12 { monthFirst = true }
        }
        if dayFirst != monthFirst {
            self = dayFirst ? .dayFirst : .monthFirst
        } else {
            self = .ambiguous
        }
    }

    /// The numbers of a date's first word.
    enum Parts {
        case yearFirst(Int, Int, Int)
        case dayOrMonthFirst(Int, Int, year: Int)
    }

    /// The numbers of `a/b/yyyy`, `a.b.yyyy`, `a-b-yyyy` or `yyyy/m/d` (what follows the first space, a time perhaps
    /// cut by the table, is ignored).
    private static func parts(_ date: String) -> Parts? {
        let day = date.split(separator: " ").first.map(String.init) ?? date
        let numbers = day.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" })
        guard numbers.count == 3, let a = Int(numbers[0]), let b = Int(numbers[1]), let c = Int(numbers[2]) else {
            return nil
        }
        if numbers[0].count == 4 { return .yearFirst(a, b, c) }
        return numbers[2].count == 4 ? .dayOrMonthFirst(a, b, year: c) : nil
    }

    /// The UTC midnight of `date` read in this order; `nil` when it is not a date, or could be either order.
    func date(_ date: String) -> Date? {
        switch Self.parts(date) {
        case .yearFirst(let year, let month, let day)?:
            return QuickFixDate.parse("\(month)/\(day)/\(year)")
        case .dayOrMonthFirst(let first, let second, let year)?:
            switch self {
            case .monthFirst: return QuickFixDate.parse("\(first)/\(second)/\(year)")
            case .dayFirst: return QuickFixDate.parse("\(second)/\(first)/\(year)")
            case .ambiguous: return nil
            }
        case nil:
            return nil
        }
    }
}
