import VigilCore
import VigilIO

/// A streaming RFC 2849 parser for LDIF content records (as `ldifde -f` and `ldapsearch -LLL` write them).
///
/// Handles folded lines (including folded comments), `::` base64 values, `version:` lines, ldapsearch's extended-LDIF
/// comments, `search:`/`result:` trailers and `ref:` search references, attribute options (`member;range=0-1499`) and
/// case-insensitive attribute names. `changetype: add` (which `ldifde -f` writes on every entry) introduces content;
/// other change records (`modify`, `delete`, `modrdn`) and `:<` URL values are rejected with a diagnostic: Vigil never
/// fetches a file an export names. Signs that the export is incomplete — a non-zero ldapsearch `result:`, a paged
/// search whose last cookie was not empty, a last record cut mid-line — and records run together for lack of a blank
/// line are reported at their line. Only the attributes asked for are kept, which keeps memory per record small and
/// parsing fast.
public struct LDIFParser: Sendable {
    /// The most lines of other text (a pasted prompt and command) skipped before the LDIF; more are read, and
    /// rejected, as records.
    static let maximumLeadingLines = 4

    /// The largest record kept (sum of kept values); larger records are rejected.
    public static let maxRecordBytes = 64 << 20

    private let attributeTable: AttributeTable

    /// - Parameter attributes: the attribute names to keep, matched case-insensitively; a value's index in this list
    ///   identifies it in ``LDIFRecord``.
    public init(attributes: [String]) {
        attributeTable = AttributeTable(attributes)
    }

    /// Parses the file at `path`, calling `body` with each well-formed content record and the log, so that the caller
    /// can reject a record on grounds of its own. Malformed records are logged to `log` (position and what was expected,
    /// never the content) and skipped.
    /// - Parameters:
    ///   - range: the bytes to parse (whole records, see `SegmentedFile`), or `nil` for the whole file.
    ///   - endsMidLine: the bytes parsed end without a line break: the file was cut, so its last record is rejected
    ///     rather than read with a value that may be cut short.
    ///   - endsFile: the bytes parsed are the end of the file, where a paged search left unfinished shows.
    /// - Returns: the number of lines read.
    @discardableResult
    public func parse(
        path: String,
        range: Range<Int>? = nil,
        endsMidLine: Bool = false,
        endsFile: Bool = true,
        log: inout DiagnosticLog,
        progress: ((Int) -> Void)? = nil,
        _ body: (LDIFRecord, inout DiagnosticLog) throws -> Void
    ) throws -> Int {
        var state = ParserState(record: LDIFRecord(attributeCount: attributeTable.count))
        state.sawFirstRecord = (range?.lowerBound ?? 0) > 0
        state.sawLDIFLine = state.sawFirstRecord
        let lines = try LineReader(path: path, range: range).forEachLine(progress: progress) { line in
            try state.consume(line, table: attributeTable, log: &log, body: body)
        }
        try state.finishFile(
            lines: lines, endsMidLine: endsMidLine, endsFile: endsFile, table: attributeTable, log: &log, body: body)
        return lines
    }
}

/// Case-insensitive lookup of wanted attribute names. Each name (at most 24 bytes) is packed lower-cased into three
/// words, so a lookup is a handful of integer comparisons with no allocation.
struct AttributeTable: Sendable {
    private struct Entry: Sendable {
        var length: Int
        var words: (UInt64, UInt64, UInt64)
        var index: Int
    }

    /// Entries sorted by name length; `bucket[n]..<bucket[n + 1]` are those of length n.
    private var entries: [Entry] = []
    private var bucket = [Int](repeating: 0, count: AttributeTable.maximumLength + 2)
    static let maximumLength = 24

    /// The number of attributes.
    let count: Int

    init(_ names: [String]) {
        count = names.count
        var all: [Entry] = []
        for (index, name) in names.enumerated() {
            let bytes = Array(name.lowercased().utf8)
            precondition(bytes.count <= Self.maximumLength, "attribute names are at most 24 bytes")
            var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
            for (offset, byte) in bytes.enumerated() {
                let shifted = UInt64(byte) << (8 * UInt64(offset & 7))
                switch offset >> 3 {
                case 0: words.0 |= shifted
                case 1: words.1 |= shifted
                default: words.2 |= shifted
                }
            }
            all.append(Entry(length: bytes.count, words: words, index: index))
        }
        entries = all.sorted { $0.length < $1.length }
        for length in 0...(Self.maximumLength + 1) {
            bucket[length] = entries.firstIndex { $0.length >= length } ?? entries.count
        }
    }

    /// The index of the attribute named by `name` (options after `;` ignored), or `nil` when not wanted.
    func index(of name: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = name.baseAddress else { return nil }
        var length = name.count
        if let semicolon = ByteSearch.firstIndex(of: UInt8(ascii: ";"), in: base, count: length) { length = semicolon }
        guard length <= Self.maximumLength else { return nil }
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { $0.baseAddress?.copyMemory(from: base, byteCount: length) }
        words = (Self.lowered(words.0), Self.lowered(words.1), Self.lowered(words.2))
        return entries.withUnsafeBufferPointer { entries in
            for position in bucket[length]..<bucket[length + 1] where entries[position].words == words {
                return entries[position].index
            }
            return nil
        }
    }

    /// Eight bytes at once with ASCII capitals lower-cased (SWAR): other bytes, non-ASCII included, are unchanged.
    @inline(__always)
    static func lowered(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high = ones &* 0x80
        let low7 = word & ~high
        let atLeastA = low7 &+ ones &* (0x80 - 0x41)
        let pastZ = low7 &+ ones &* (0x80 - 0x5B)
        let capitals = atLeastA & ~pastZ & ~word & high
        return word | (capitals >> 2)
    }
}

/// The line-by-line state of an LDIF parse.
private struct ParserState {
    enum Pending {
        case none
        case skipped
        case distinguishedName(base64: Bool)
        case attribute(index: Int, base64: Bool, start: Int, line: Int)
        /// A line whose first physical line held no `:` (the name itself was folded); parsed once complete.
        case unfolding(line: Int)
    }

    var record: LDIFRecord
    var inRecord = false
    var broken = false
    var pending = Pending.none
    var base64Scratch: [UInt8] = []
    var unfoldingScratch: [UInt8] = []
    var sawFirstRecord = false
    var skippingReference = false
    /// The line of the last paged-search cookie, when it was not empty: more pages were due.
    var pendingCookieLine: Int?
    /// Whether the export is a paged search (it has `pagedresults: cookie=` lines).
    var pagedSearch = false
    /// Records read since the last cookie: a complete paged search ends with a cookie, so records after it were
    /// cut short (ldapsearch -LL stopped by a size limit prints no result line).
    var recordsAfterCookie = 0
    /// The line of the first record after the last cookie.
    var firstRecordAfterCookie: Int?
    /// Whether the last line outside a record was ldapsearch's `result:` trailer (a `control:` may follow it).
    var inTrailer = false
    /// Whether a `result:` line was seen since the last cookie (it reports a limit itself).
    var sawResult = false
    /// Whether a non-zero `result:` was reported: the export's one truncation warning.
    var resultReportedCut = false
    /// Whether an LDIF line (a comment, `version:`, `dn:`) was seen: lines before the first are a pasted prompt and
    /// command (`$ ldapsearch -x -H ldap://…`), skipped and counted.
    var sawLDIFLine = false
    /// Lines of other text before the first LDIF line.
    var leading = LineTally()

    mutating func consume(
        _ line: LineReader.Line,
        table: AttributeTable,
        log: inout DiagnosticLog,
        body: (LDIFRecord, inout DiagnosticLog) throws -> Void
    ) throws {
        if line.isOverlong {
            fail(
                line.number, "ldif.line-too-long", "line longer than the reader's limit; the record was skipped",
                log: &log)
            return
        }
        let bytes = line.bytes
        // A line of spaces is a blank line typed (or pasted) carelessly: it ends the record. (A fold whose whole
        // continuation is spaces would be cut here; no exporter folds so.)
        if bytes.isEmpty || bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
            try finishRecord(table: table, log: &log, body: body)
            return
        }
        switch bytes[0] {
        case UInt8(ascii: " "):
            continueLine(bytes, line: line.number, log: &log)
        case UInt8(ascii: "#"):
            sawLDIFLine = true
            finishValue(table: table, log: &log)
            notePagedSearchComment(bytes, line: line.number)
            pending = .skipped
        default:
            if !sawLDIFLine {
                if Self.startsRecord(bytes) || Self.startsVersion(bytes)
                    || leading.count >= LDIFParser.maximumLeadingLines
                {
                    sawLDIFLine = true
                } else {
                    leading.add(line.number)
                    return
                }
            }
            finishValue(table: table, log: &log)
            if inRecord, !skippingReference, Self.startsRecord(bytes) {
                // Two records run together: without this, the second's attributes would be merged into the first.
                log.warn(
                    line: line.number, code: Diagnostic.Code.ldifMergedRecords,
                    "a 'dn:' line inside a record: records must be separated by a blank line; read as the start of a new record, but check how the export was made or edited"
                )
                try finishRecord(table: table, log: &log, body: body)
            }
            guard !broken, !skippingReference else { return }
            guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
                unfoldingScratch.removeAll(keepingCapacity: true)
                unfoldingScratch.append(contentsOf: bytes)
                pending = .unfolding(line: line.number)
                return
            }
            startLine(bytes, colon: colon, line: line.number, table: table, log: &log)
            enforceRecordLimit(line: line.number, log: &log)
        }
    }

    /// Skips the record once the values it keeps pass ``maxRecordBytes``, whether they arrived folded or as many short
    /// lines: checking only continuations let a record of unfolded lines grow without bound (280 MiB in the audit).
    private mutating func enforceRecordLimit(line: Int, log: inout DiagnosticLog) {
        guard inRecord, !broken, record.storage.count + base64Scratch.count > LDIFParser.maxRecordBytes else { return }
        fail(
            line, "ldif.record-too-large", "record larger than \(LDIFParser.maxRecordBytes >> 20) MiB; skipped",
            log: &log)
    }

    /// Ends the file: the last record is read unless the file was cut in the middle of a line, and a paged search that
    /// stopped before its last page is reported.
    mutating func finishFile(
        lines: Int, endsMidLine: Bool, endsFile: Bool, table: AttributeTable, log: inout DiagnosticLog,
        body: (LDIFRecord, inout DiagnosticLog) throws -> Void
    ) throws {
        finishValue(table: table, log: &log)
        if endsMidLine, inRecord, !broken, !skippingReference {
            fail(
                lines, Diagnostic.Code.ldifPartialRecord,
                "the file ends in the middle of a line: the last record (from line \(record.line)) was cut and is not read; the export is incomplete, export it again",
                log: &log)
        }
        try finishRecord(table: table, log: &log, body: body)
        if let first = leading.first {
            log.warn(
                line: first, code: "ldif.leading-text",
                "\(leading.count == 1 ? "1 line" : "\(leading.count) lines") before the LDIF (a pasted prompt or command) skipped"
            )
        }
        // One warning per export: a non-zero `result:` already said the search was cut.
        guard endsFile, !resultReportedCut else { return }
        if pagedSearch, recordsAfterCookie > 0, !sawResult {
            log.warn(
                line: firstRecordAfterCookie, code: Diagnostic.Code.ldifTruncated,
                "a paged search whose last page has no closing cookie: the server stopped it (a size or time limit), so the export is incomplete; export again without a size limit, keeping ldapsearch's result lines (no -L)"
            )
        } else if let cookieLine = pendingCookieLine {
            log.warn(
                line: cookieLine, code: Diagnostic.Code.ldifTruncated,
                "a paged search stopped before its last page (the last page cookie is not empty): the export is incomplete; run the search to the end (ldapsearch -E pr=1000/noprompt)"
            )
        }
    }

    /// Whether a line starts with `version:` (any case).
    private static func startsVersion(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 8 && ASCII.equalsLowercase(UnsafeBufferPointer(rebasing: bytes[0..<8]), "version:")
    }

    /// Whether a logical line starts with `dn:` (any case).
    private static func startsRecord(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 3 && ASCII.lower(bytes[0]) == UInt8(ascii: "d") && ASCII.lower(bytes[1]) == UInt8(ascii: "n")
            && bytes[2] == UInt8(ascii: ":")
    }

    /// Remembers ldapsearch's `# pagedresults: cookie=…` comments (-LL): the last one of a complete search is empty.
    private mutating func notePagedSearchComment(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        let marker = Array("# pagedresults:".utf8)
        guard bytes.count >= marker.count,
            zip(bytes.prefix(marker.count), marker).allSatisfy({ ASCII.lower($0) == $1 })
        else { return }
        var start = marker.count
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
        notePagedSearchCookie(UnsafeBufferPointer(rebasing: bytes[start...]), line: line)
    }

    /// Remembers a paged-search cookie (`cookie=…`, after `pagedresults:`): empty on the last page.
    private mutating func notePagedSearchCookie(_ value: UnsafeBufferPointer<UInt8>, line: Int) {
        let marker = Array("cookie=".utf8)
        guard value.count >= marker.count, zip(value.prefix(marker.count), marker).allSatisfy({ ASCII.lower($0) == $1 })
        else { return }
        pagedSearch = true
        sawResult = false
        recordsAfterCookie = 0
        firstRecordAfterCookie = nil
        let rest = value.dropFirst(marker.count)
        pendingCookieLine = rest.allSatisfy { $0 == UInt8(ascii: " ") } ? nil : line
    }

    mutating func finishRecord(
        table: AttributeTable, log: inout DiagnosticLog, body: (LDIFRecord, inout DiagnosticLog) throws -> Void
    ) throws {
        finishValue(table: table, log: &log)
        defer {
            inRecord = false
            broken = false
            skippingReference = false
            pending = .none
        }
        guard inRecord, !broken, !skippingReference else { return }
        recordsAfterCookie += 1
        if firstRecordAfterCookie == nil { firstRecordAfterCookie = record.line }
        log.recordsRead += 1
        try body(record, &log)
    }

    private mutating func fail(_ line: Int, _ code: String, _ message: String, log: inout DiagnosticLog) {
        if !broken { log.reject(line: line, code: code, message) }
        broken = true
        inRecord = true
        pending = .skipped
    }

    private mutating func continueLine(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, log: inout DiagnosticLog) {
        let rest = UnsafeBufferPointer(rebasing: bytes[1...])
        switch pending {
        case .none:
            fail(
                line, "ldif.unexpected-continuation",
                "a continuation line (starting with a space) follows nothing it could continue", log: &log)
        case .skipped:
            break
        case .unfolding:
            unfoldingScratch.append(contentsOf: rest)
            if unfoldingScratch.count > LDIFParser.maxRecordBytes {
                fail(
                    line, "ldif.record-too-large", "record larger than \(LDIFParser.maxRecordBytes >> 20) MiB; skipped",
                    log: &log)
            }
        case .distinguishedName(let base64), .attribute(_, let base64, _, _):
            if base64 {
                base64Scratch.append(contentsOf: rest)
            } else {
                record.storage.append(contentsOf: rest)
            }
            enforceRecordLimit(line: line, log: &log)
        }
    }

    /// Starts a logical line whose first `:` is at `colon`.
    private mutating func startLine(
        _ bytes: UnsafeBufferPointer<UInt8>,
        colon: Int?,
        line: Int,
        table: AttributeTable,
        log: inout DiagnosticLog
    ) {
        guard let colon, colon > 0 else {
            fail(line, "ldif.missing-colon", "expected 'attribute: value' (or 'attribute:: base64')", log: &log)
            return
        }
        let name = UnsafeBufferPointer(rebasing: bytes[0..<colon])
        var valueStart = colon + 1
        var base64 = false
        if valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: ":") {
            base64 = true
            valueStart += 1
        } else if valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: "<") {
            if !inRecord {
                fail(line, "ldif.expected-dn", "expected 'dn:' to start a record", log: &log)
            } else if table.index(of: name) != nil {
                log.warn(
                    line: line, code: "ldif.url-value",
                    "':<' URL values are not read: Vigil never fetches files an export names; value ignored")
            }
            pending = .skipped
            return
        }
        while valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = UnsafeBufferPointer(rebasing: bytes[valueStart...])

        if !inRecord {
            let afterTrailer = inTrailer
            inTrailer = false
            if ASCII.equalsLowercase(name, "dn") {
                record.reset(line: line)
                inRecord = true
                sawFirstRecord = true
                pending = .distinguishedName(base64: base64)
                appendValue(value, base64: base64)
                return
            }
            // Paged ldapsearch (-LL) repeats `version: 1` before each page.
            if ASCII.equalsLowercase(name, "version") {
                if !ASCII.equalsLowercase(value, "1") {
                    log.warn(line: line, code: "ldif.version", "expected 'version: 1'; reading as version 1")
                }
                pending = .skipped
                return
            }
            if ASCII.equalsLowercase(name, "search") {
                pending = .skipped
                return
            }
            if ASCII.equalsLowercase(name, "result") {
                noteResult(value, line: line, log: &log)
                sawResult = true
                inTrailer = true
                pending = .skipped
                return
            }
            if afterTrailer,
                ASCII.equalsLowercase(name, "control") || ASCII.equalsLowercase(name, "matcheddn")
                    || ASCII.equalsLowercase(name, "text") || ASCII.equalsLowercase(name, "pagedresults")
            {
                // The result's response controls, matched DN, text and paged-search cookie belong to the trailer.
                if ASCII.equalsLowercase(name, "pagedresults") { notePagedSearchCookie(value, line: line) }
                inTrailer = true
                pending = .skipped
                return
            }
            if ASCII.equalsLowercase(name, "ref") {
                inRecord = true
                skippingReference = true
                pending = .skipped
                return
            }
            fail(line, "ldif.expected-dn", "expected 'dn:' to start a record", log: &log)
            return
        }
        if let index = table.index(of: name) {
            pending = .attribute(index: index, base64: base64, start: record.storage.count, line: line)
            appendValue(value, base64: base64)
            return
        }
        if ASCII.equalsLowercase(name, "changetype"), !base64, ASCII.equalsLowercase(value, "add") {
            // `ldifde -f` writes `changetype: add` on every entry: the entry's full contents follow.
            pending = .skipped
            return
        }
        if ASCII.equalsLowercase(name, "changetype") || ASCII.equalsLowercase(name, "control") {
            fail(
                line, "ldif.change-record",
                "a change record (changetype: modify, delete or modrdn, or control:) changes a directory and is not an export of its contents; only entries with no changetype or 'changetype: add' are read. Export with the command in docs/formats/ldif.md",
                log: &log)
            return
        }
        pending = .skipped
    }

    /// Reports a non-zero ldapsearch result (`result: 4 Size limit exceeded`, `result: 3 Time limit exceeded`): the
    /// server stopped before sending every entry.
    private mutating func noteResult(_ value: UnsafeBufferPointer<UInt8>, line: Int, log: inout DiagnosticLog) {
        let digits = value.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard !digits.isEmpty, digits.count <= 4, !digits.allSatisfy({ $0 == UInt8(ascii: "0") }) else { return }
        let code = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        resultReportedCut = true
        let limit: String? =
            switch code {
            case 3: "time limit exceeded"
            case 4: "size limit exceeded"
            case 11: "administrative limit exceeded"
            default: nil
            }
        guard let reason = limit else {
            // Any other code is a search that failed (no such base DN, a bind required or refused): not a cut export
            // to be paged, but one that holds nothing of the directory.
            let failure =
                switch code {
                case 1: "operations error (Active Directory answers so when a bind is required)"
                case 32: "no such object (the base DN -b does not exist)"
                case 49: "invalid credentials"
                case 50: "insufficient access rights"
                default: "result code \(code)"
                }
            log.warn(
                line: line, code: Diagnostic.Code.ldifSearchFailed,
                "ldapsearch reported '\(failure)' (result \(code)): the search failed, so the export holds none or only part of the directory; bind with an account that may read it (-D, -W) and give the domain's base DN (-b), as docs/formats/ldif.md shows"
            )
            return
        }
        log.warn(
            line: line, code: Diagnostic.Code.ldifTruncated,
            "ldapsearch reported '\(reason)' (result \(code)): the server stopped before sending every entry, so the export is incomplete; export again with paging (-E pr=1000/noprompt) and no size limit"
        )
    }

    private mutating func appendValue(_ value: UnsafeBufferPointer<UInt8>, base64: Bool) {
        if base64 {
            base64Scratch.removeAll(keepingCapacity: true)
            base64Scratch.append(contentsOf: value)
        } else {
            record.storage.append(contentsOf: value)
        }
    }

    private mutating func finishValue(table: AttributeTable, log: inout DiagnosticLog) {
        defer { pending = .none }
        switch pending {
        case .none, .skipped:
            return
        case .unfolding(let line):
            let logical = unfoldingScratch
            pending = .none
            logical.withUnsafeBufferPointer { bytes in
                startLine(bytes, colon: bytes.firstIndex(of: UInt8(ascii: ":")), line: line, table: table, log: &log)
            }
            finishValue(table: table, log: &log)
        case .distinguishedName(let base64):
            let start = 0
            if base64, !decodeBase64(line: record.line, attribute: "dn", log: &log) { return }
            record.dnRange = start..<record.storage.count
        case .attribute(let index, let base64, let start, let line):
            if base64, !decodeBase64(line: line, attribute: "attribute", log: &log) { return }
            record.append(.init(attribute: index, start: start, end: record.storage.count, line: line))
        }
    }

    private mutating func decodeBase64(line: Int, attribute: String, log: inout DiagnosticLog) -> Bool {
        guard Base64.decode(base64Scratch, appendingTo: &record.storage) else {
            fail(line, "ldif.invalid-base64", "the \(attribute) value after '::' is not valid base64", log: &log)
            return false
        }
        return true
    }
}
