import Foundation
import VigilCore
import VigilIO

/// Reads the WES-NG (Windows Exploit Suggester – Next Generation) definitions CSV, `CVEs_YYYYMMDD.csv` or
/// `Custom_YYYYMMDD.csv` from `definitions.zip`: one row per (CVE, fixing KB, affected product).
///
/// Rows are grouped into one advisory per CVE (`cve-2012-0159` and `CVE20163247` normalised), or per other identifier
/// in the CVE column (`ADV180002`, the custom file's `SP81U1X64`); rows with an empty or bare `CVE` column (Flash and
/// authentication bulletins) are grouped by their bulletin, `KB` + BulletinKB, or by their title when that is not a KB
/// number either. Each advisory
/// has one fix per (product, KB, AffectedComponent) — one Internet Explorer update is listed for IE 8, 9, 10 and 11 —;
/// repeated rows are merged and their Supersedes lists united. Supersedes keeps only KB
/// numbers: `None`, version strings (`20.0.1`), `<br>` debris and the custom file's service-pack pseudo-KBs
/// (`SP81X64`, which no installed-update list can contain) are dropped. The file is streamed and split at byte level:
/// the full 608,740-row file is read in about a second.
public struct WesngDefinitionsReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "wesng-definitions",
        name: "WES-NG definitions (CVEs_*.csv from definitions.zip)",
        producedBy:
            "wes.py --update   (downloads definitions.zip: vigil advisories import definitions.zip -o advisories.db, or put its CVEs_YYYYMMDD.csv in the bundle)"
    )

    /// The header, lower case, without quotes.
    static let columns = [
        "dateposted", "cve", "bulletinkb", "title", "affectedproduct", "affectedcomponent", "severity", "impact",
        "supersedes", "exploits",
    ]

    /// The longest record kept.
    static let maxRecordLength = 1 << 20

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        guard let first = sample.lines(limit: 1).first else { return false }
        return Self.isHeader(CSVRecordReader.strings(ofLine: first.utf8, dialect: CSVDialect()))
    }

    static func isHeader(_ names: [String]) -> Bool {
        names.map { $0.trimmingCharacters(in: .init(charactersIn: "\" ")).lowercased() } == columns
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        var log = fragment.log
        var table = WesngTable()
        // RFC 4180 quoting; the record limit is checked here, before a line is added, so an overlong record is
        // dropped at once and the next line starts afresh.
        var records = CSVRecordReader(dialect: CSVDialect(quoting: .fieldStart), maxRecordLength: .max)
        var expectingHeader = true

        func process(_ record: CSVRecord, line: Int) {
            if expectingHeader {
                expectingHeader = false
                if Self.isHeader(record.strings()) { return }
                log.reject(
                    line: line, code: "wesng.no-header",
                    "expected the header DatePosted,CVE,BulletinKB,Title,AffectedProduct,AffectedComponent,Severity,Impact,Supersedes,Exploits; reading the rows anyway"
                )
            }
            table.add(record, line: line, log: &log)
        }

        try LineReader(path: path, maxLineLength: Self.maxRecordLength).forEachLine(progress: progress) { line in
            if records.isOpen {
                if line.isOverlong || records.recordLength - 1 + line.bytes.count > Self.maxRecordLength {
                    log.reject(
                        line: records.startLine, code: "wesng.record-too-long", "record longer than 1 MiB; skipped")
                    records.reset()
                    return
                }
            } else {
                if line.isOverlong {
                    log.reject(line: line.number, code: "wesng.record-too-long", "record longer than 1 MiB; skipped")
                    return
                }
                if line.bytes.isEmpty || line.bytes[0] == UInt8(ascii: "#") { return }
            }
            switch records.add(line.bytes, line: line.number) {
            case .pending, .overlong: return
            case .record(let start): records.withRecord { process($0, line: start) }
            case .malformed(let start, let field): Self.rejectQuote(field, line: start, log: &log)
            }
        }
        if records.isOpen {
            log.reject(line: records.startLine, code: "wesng.unterminated", "a quoted field is never closed")
        }
        fragment.advisories = table.advisories(file: file)
        fragment.log = log
        return fragment
    }

    private static func rejectQuote(_ field: Int, line: Int, log: inout DiagnosticLog) {
        log.reject(
            line: line, code: "wesng.malformed",
            "expected a comma after the closing quote of field \(field + 1)")
    }
}

/// The advisories being assembled from WES-NG rows: groups (advisories) and fixes addressed by small integers, so that
/// a row costs a few hash look-ups and no allocation once its CVE and product have been seen.
private struct WesngTable {
    struct Group {
        var id: String
        var title: String
        var days: Int
        var severity: String?
        var impact: String?
        var line: Int
        var fixes: [Int32] = []
    }

    struct Fix {
        var product: Int32
        var kb: UInt32
        var supersedes: [UInt32]
        /// Index into ``components``; -1 when the row names none.
        var component: Int32
        /// The earliest DatePosted of the fix's rows, in days since 1970: later than its advisory's where the row
        /// dates the update rather than the vulnerability (the built-in catalogue's series links, an emergency
        /// update published after the month's).
        var days: Int
    }

    struct FixKey: Hashable {
        var group: Int32
        var product: Int32
        var kb: UInt32
        var component: Int32
    }

    var groups: [Group] = []
    var groupByKey: [String: Int32] = [:]
    var groupByID: [String: Int32] = [:]
    var fixes: [Fix] = []
    var fixByKey: [FixKey: Int32] = [:]
    var products = NameTable()
    var components = NameTable()
    var lastKey: [UInt8] = []
    var lastIndex: Int32 = 0
    var hasLast = false
    var lastDate: (packed: UInt64, days: Int)?
    var supersedes: [UInt32] = []

    /// Severity and impact values that are serialisation debris, not ratings.
    static let junk: Set<String> = ["System.Object[]", "None"]

    mutating func add(
        _ record: CSVRecord, line: Int, log: inout DiagnosticLog
    ) {
        guard record.count == 10 else {
            log.reject(
                line: line, code: "wesng.columns", "expected 10 fields, found \(record.count)")
            return
        }
        guard let days = date(record[0]) else {
            log.reject(line: line, code: "wesng.date", "expected DatePosted as YYYYMMDD")
            return
        }
        let kbBytes = record[2]
        let kb = AdvisoryText.kbNumber(kbBytes) ?? 0
        let group = self.group(record, kb: kb, days: days, line: line)
        let product = products.index(record[4])
        let componentBytes = record[5]
        let component = componentBytes.isEmpty ? -1 : components.index(componentBytes)
        supersedes.removeAll(keepingCapacity: true)
        AdvisoryText.appendKBList(record[8], to: &supersedes)
        let key = FixKey(group: group, product: product, kb: kb, component: component)
        if let known = fixByKey[key] {
            if days < fixes[Int(known)].days { fixes[Int(known)].days = days }
            for number in supersedes where !fixes[Int(known)].supersedes.contains(number) {
                fixes[Int(known)].supersedes.append(number)
            }
        } else {
            let index = Int32(fixes.count)
            fixes.append(
                Fix(
                    product: product, kb: kb, supersedes: supersedes.isEmpty ? [] : supersedes, component: component,
                    days: days))
            fixByKey[key] = index
            groups[Int(group)].fixes.append(index)
        }
        log.recordsRead += 1
    }

    /// The group of a row, created on first sight. The last CVE's bytes are remembered: rows of one CVE are often
    /// adjacent.
    private mutating func group(
        _ record: CSVRecord, kb: UInt32, days: Int, line: Int
    ) -> Int32 {
        let cve = record[1]
        let index: Int32
        if hasLast, cve.elementsEqual(lastKey) {
            index = lastIndex
        } else {
            let raw = String(decoding: cve, as: UTF8.self)
            if let known = groupByKey[raw] {
                index = known
                hasLast = true
            } else {
                let columnID = AdvisoryText.cveID(raw) ?? Self.advisoryID(raw)
                let id = columnID ?? (kb != 0 ? AdvisoryText.kb(kb) : record.string(3))
                index = groupByID[id] ?? newGroup(id: id, record, days: days, line: line)
                // Rows with no identifier group by bulletin or title, so their (empty) key is not remembered.
                hasLast = columnID != nil
                if columnID != nil { groupByKey[raw] = index }
            }
            lastKey.removeAll(keepingCapacity: true)
            lastKey.append(contentsOf: cve)
            lastIndex = index
        }
        let position = Int(index)
        if days < groups[position].days { groups[position].days = days }
        if groups[position].severity == nil { groups[position].severity = text(record.string(6)) }
        if groups[position].impact == nil { groups[position].impact = text(record.string(7)) }
        return index
    }

    private mutating func newGroup(
        id: String, _ record: CSVRecord, days: Int, line: Int
    ) -> Int32 {
        let index = Int32(groups.count)
        groups.append(
            Group(
                id: id, title: AdvisoryText.title(record.string(3)), days: days,
                severity: text(record.string(6)), impact: text(record.string(7)), line: line))
        groupByID[id] = index
        return index
    }

    /// The CVE column's value as an identifier when it is not a CVE but names something (`ADV180002`, the custom
    /// file's `SP81U1X64`); `nil` when empty or a bare `CVE`.
    private static func advisoryID(_ raw: String) -> String? {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || trimmed.uppercased() == "CVE" ? nil : trimmed
    }

    private func text(_ value: String) -> String? {
        value.isEmpty || Self.junk.contains(value) ? nil : value
    }

    /// Days since 1970 of an eight-digit `YYYYMMDD`, or `nil` when it is not a calendar date.
    private mutating func date(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.count == 8, let base = bytes.baseAddress else { return nil }
        let packed = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)
        if let lastDate, lastDate.packed == packed { return lastDate.days }
        var value = 0
        for byte in bytes {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        let (year, month, day) = (value / 10_000, value / 100 % 100, value % 100)
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let days = CivilDate.days(year: year, month: month, day: day)
        guard CivilDate.components(days: days) == (year, month, day) else { return nil }
        lastDate = (packed, days)
        return days
    }

    /// The advisories, in the order their CVEs first appear; fixes in the order first seen.
    func advisories(file: String) -> [Advisory] {
        var kbNames: [UInt32: String] = [:]
        var lists: [[UInt32]: [String]] = [:]
        func kbName(_ number: UInt32) -> String {
            if let name = kbNames[number] { return name }
            let name = AdvisoryText.kb(number)
            kbNames[number] = name
            return name
        }
        return groups.map { group in
            let fixes = group.fixes.map { index -> AdvisoryFix in
                let fix = self.fixes[Int(index)]
                var names: [String] = []
                if !fix.supersedes.isEmpty {
                    if let shared = lists[fix.supersedes] {
                        names = shared
                    } else {
                        names = fix.supersedes.map(kbName)
                        lists[fix.supersedes] = names
                    }
                }
                return AdvisoryFix(
                    product: products.names[Int(fix.product)], kb: fix.kb == 0 ? nil : kbName(fix.kb),
                    supersedes: names, component: fix.component < 0 ? nil : components.names[Int(fix.component)],
                    released: fix.days > group.days ? Date(timeIntervalSince1970: TimeInterval(fix.days) * 86_400) : nil
                )
            }
            return Advisory(
                id: group.id, title: group.title, cves: group.id.hasPrefix("CVE-") ? [group.id] : [],
                published: Date(timeIntervalSince1970: TimeInterval(group.days) * 86_400),
                vendorSeverity: group.severity,
                impact: group.impact, fixes: fixes, source: EvidenceReference(file: file, line: group.line))
        }
    }
}

/// Names (products, components) by small integer, looked up by their bytes without making a `String` once a name is
/// known.
private struct NameTable {
    private(set) var names: [String] = []
    private var byHash: [Int: Int32] = [:]
    private var byName: [String: Int32] = [:]

    /// The index of the product named by UTF-8 `bytes`, added on first sight.
    mutating func index(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        let hash = hasher.finalize()
        if let known = byHash[hash], names[Int(known)].utf8.elementsEqual(bytes) { return known }
        let name = String(decoding: bytes, as: UTF8.self)
        if let known = byName[name] { return known }
        let index = Int32(names.count)
        names.append(name)
        byName[name] = index
        if byHash[hash] == nil { byHash[hash] = index }
        return index
    }
}
