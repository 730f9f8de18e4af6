import VigilCore
import VigilIO

/// Reads NT hash dumps in the pwdump layout that `secretsdump.py`, `pwdump`, `fgdump` and DSInternals write:
/// `[DOMAIN\]user:rid:lmhash:nthash:::`, with `user_historyN` lines for previous hashes and `NAME$` machine accounts.
///
/// Status lines (`[*] …`), Kerberos key lines (`user:aes256-cts-hmac-sha1-96:…`) and the `(pwdLastSet=…)` and
/// `(status=…)` suffixes of `-pwd-last-set` and `-user-status` are understood. Cleartext lines (`user:CLEARTEXT:…`, from reversible encryption) are counted and
/// dropped without keeping their content. Hash values never appear in diagnostics.
public struct PwdumpReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "pwdump",
        name: "NT hash dump (pwdump / secretsdump)",
        producedBy:
            "secretsdump.py -ntds ntds.dit -system SYSTEM -history LOCAL -outputfile ntds   (writes ntds.ntds), or DSInternals: Get-ADDBAccount -All -DBPath ntds.dit -BootKey $key | Format-Custom -View PwDump"
    )

    public init() {}

    /// Recognised when hash lines follow at most a few lines of something else (a prompt, impacket's banner, notes):
    /// people save secretsdump's console output as it was. Status lines (`[*] …`) and blank lines never count.
    public func recognises(_ sample: TextSample) -> Bool {
        var matches = 0
        var leading = 0
        var otherAfter = 0
        for line in sample.lines() {
            if line.hasPrefix("[") || line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let parsed = Array(line.utf8).withUnsafeBufferPointer { PwdumpLine.parse($0) }
            if parsed != nil {
                matches += 1
                if matches >= 3 { return true }
            } else if matches == 0 {
                leading += 1
                if leading > Self.maximumLeadingLines { return false }
            } else {
                // Sections without NT hashes (LSA secrets, cached logons) may sit between hash sections.
                otherAfter += 1
            }
        }
        return matches > 0 && otherAfter <= matches
    }

    /// The most lines of other text before the first hash line for a file to be recognised as a dump.
    static let maximumLeadingLines = 12

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        var state = PwdumpState(file: file)
        var log = fragment.log
        try LineReader(path: path, maxLineLength: 64 << 10).forEachLine(progress: progress) { line in
            state.consume(line, into: &fragment.credentials, log: &log)
        }
        state.finish(into: &fragment.credentials, log: &log)
        fragment.log = log
        return fragment
    }
}

/// The running state of a dump being read: which accounts were seen, and history lines waiting for their account.
private struct PwdumpState {
    let file: String
    var indexByName: [String: Int] = [:]
    /// The account of the last current-hash line: history lines usually follow it directly.
    var last: (index: Int, name: [UInt8])?
    var pendingHistory: [(line: Int, key: String, rid: UInt32, position: Int, hash: NTHash)] = []
    var cleartextLines = 0
    var lastDomain: (bytes: [UInt8], text: String)?
    var noise = ConsoleNoise()

    init(file: String) {
        self.file = file
    }

    mutating func consume(_ line: LineReader.Line, into credentials: inout [CredentialRecord], log: inout DiagnosticLog)
    {
        if line.isOverlong {
            log.reject(
                line: line.number, code: "pwdump.line-too-long",
                "line longer than 64 KiB; expected 'user:rid:lmhash:nthash:::'")
            return
        }
        let bytes = line.bytes
        guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
        if first == UInt8(ascii: "[") {
            noise.status(bytes, line: line.number)
            return
        }
        switch PwdumpLine.classify(bytes) {
        case .ignored:
            return
        case .cleartext:
            cleartextLines += 1
            return
        case .malformed:
            noise.other(
                line: line.number, record: PwdumpLine.isRecordShaped(bytes),
                explanation: { PwdumpLine.explainFailure(Array(bytes)) })
            return
        case .hashes(let parsed):
            noise.hashLine(log: &log)
            record(parsed, bytes: bytes, line: line.number, into: &credentials, log: &log)
        }
    }

    private mutating func record(
        _ parsed: PwdumpLine, bytes: UnsafeBufferPointer<UInt8>, line: Int, into credentials: inout [CredentialRecord],
        log: inout DiagnosticLog
    ) {
        let nameBytes = UnsafeBufferPointer(rebasing: bytes[parsed.name])
        if let position = parsed.historyPosition {
            log.recordsRead += 1
            guard let hash = parsed.ntHash else { return }
            if let last, credentials[last.index].rid == parsed.rid,
                nameBytes.elementsEqual(last.name, by: { ASCII.lower($0) == $1 })
            {
                credentials[last.index].history.append(hash)
                return
            }
            guard let name = ASCII.string(nameBytes) else {
                log.reject(line: line, code: "pwdump.invalid-utf8", "account name is not valid UTF-8")
                return
            }
            pendingHistory.append((line, key(name.lowercased()), parsed.rid, position, hash))
            return
        }
        guard let name = ASCII.string(nameBytes) else {
            log.reject(line: line, code: "pwdump.invalid-utf8", "account name is not valid UTF-8")
            return
        }
        var domain: String?
        if let range = parsed.domain {
            let domainBytes = UnsafeBufferPointer(rebasing: bytes[range])
            if let lastDomain, domainBytes.elementsEqual(lastDomain.bytes) {
                domain = lastDomain.text
            } else {
                guard let text = ASCII.string(domainBytes) else {
                    log.reject(line: line, code: "pwdump.invalid-utf8", "domain name is not valid UTF-8")
                    return
                }
                lastDomain = (Array(domainBytes), text)
                domain = text
            }
        }
        let key = key(
            nameBytes.contains(where: { $0 &- UInt8(ascii: "A") < 26 || $0 >= 0x80 }) ? name.lowercased() : name)
        if indexByName[key] != nil {
            log.warn(
                line: line, code: "pwdump.duplicate-account", "account appears more than once; the first entry is used")
            last = nil
            return
        }
        indexByName[key] = credentials.count
        last = (credentials.count, nameBytes.map(ASCII.lower))
        credentials.append(
            CredentialRecord(
                accountName: name,
                domain: domain,
                rid: parsed.rid,
                ntHash: parsed.ntHash,
                hasLMHash: parsed.hasLMHash,
                source: EvidenceReference(file: file, line: line),
                isLocalAccount: noise.inLocalSAM,
                enabled: parsed.enabled
            )
        )
        log.recordsRead += 1
    }

    /// The duplicate key of a lower-cased account name: names repeat across secretsdump's sections (the SAM's and the
    /// domain's `Administrator`), only within one section is a repeat a duplicate.
    private func key(_ lowercasedName: String) -> String {
        noise.hashSection == 0 ? lowercasedName : "\(noise.hashSection)\u{1F}\(lowercasedName)"
    }

    mutating func finish(into credentials: inout [CredentialRecord], log: inout DiagnosticLog) {
        noise.finish(log: &log)
        for entry in pendingHistory.sorted(by: { ($0.key, $0.position) < ($1.key, $1.position) }) {
            guard let index = indexByName[entry.key], credentials[index].rid == entry.rid else {
                log.warn(
                    line: entry.line, code: "pwdump.orphan-history",
                    "password history entry has no current-hash line for the same account and RID; ignored")
                continue
            }
            credentials[index].history.append(entry.hash)
        }
        if cleartextLines > 0 {
            log.warn(
                line: nil, code: "pwdump.cleartext",
                "\(cleartextLines) cleartext password line(s) (reversible encryption) were dropped unread; rotate those passwords"
            )
        }
    }
}

/// One parsed `[domain\]user:rid:lmhash:nthash:::` line, as byte ranges into the line.
struct PwdumpLine {
    /// What a line of a dump is.
    enum Kind {
        case hashes(PwdumpLine)
        case cleartext
        case ignored
        case malformed
    }

    var domain: Range<Int>?
    /// The account name, without any `_historyN` suffix.
    var name: Range<Int>
    /// N of a `_historyN` line.
    var historyPosition: Int?
    var rid: UInt32
    var ntHash: NTHash?
    var hasLMHash: Bool
    /// Whether secretsdump's `-user-status` suffix says the account is enabled; `nil` without one.
    var enabled: Bool? = nil

    /// LM hash of the empty password: stored when no LM hash exists.
    static let emptyLM = Array("aad3b435b51404eeaad3b435b51404ee".utf8)
    static let noPassword = Array("NO PASSWORD".utf8)
    static let historySuffix = Array("_history".utf8)

    /// Classifies one line.
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> Kind {
        if let parsed = parse(bytes) { return .hashes(parsed) }
        var colons: [Int] = []
        for index in bytes.indices where bytes[index] == UInt8(ascii: ":") {
            colons.append(index)
            if colons.count > 2 { break }
        }
        if colons.count >= 2 {
            let type = bytes[(colons[0] + 1)..<colons[1]]
            if type.elementsEqual("CLEARTEXT".utf8) { return .cleartext }
            if colons.count == 2 {
                for prefix in ["aes", "des-", "rc4", "dec-"] where type.starts(with: prefix.utf8) { return .ignored }
            }
        }
        return .malformed
    }

    /// Parses a hash line; `nil` for anything else.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> PwdumpLine? {
        let end = endBeforeSuffixes(bytes)
        var colons = (0, 0, 0, 0, 0, 0)
        var count = 0
        for index in 0..<end where bytes[index] == UInt8(ascii: ":") {
            switch count {
            case 0: colons.0 = index
            case 1: colons.1 = index
            case 2: colons.2 = index
            case 3: colons.3 = index
            case 4: colons.4 = index
            case 5: colons.5 = index
            default: return nil
            }
            count += 1
        }
        // Seven fields, the last three empty: `name:rid:lm:nt:::`.
        guard count == 6, colons.4 == colons.3 + 1, colons.5 == colons.4 + 1, colons.5 == end - 1, colons.0 > 0 else {
            return nil
        }
        guard let rid = Int64(asciiDecimal: bytes[(colons.0 + 1)..<colons.1]), rid >= 0, rid <= UInt32.max else {
            return nil
        }
        let lm = bytes[(colons.1 + 1)..<colons.2]
        let nt = bytes[(colons.2 + 1)..<colons.3]
        let hasLM: Bool
        if lm.count == 32, lm.allSatisfy({ HexDigit.value($0) != nil }) {
            hasLM = !lm.elementsEqual(emptyLM) { ASCII.lower($0) == $1 } && !lm.allSatisfy { $0 == UInt8(ascii: "0") }
        } else if lm.starts(with: noPassword) {
            hasLM = false
        } else {
            return nil
        }
        let ntHash: NTHash?
        if let hash = NTHash(hex: nt) {
            ntHash = hash
        } else if nt.starts(with: noPassword) {
            ntHash = nil
        } else {
            return nil
        }
        var nameStart = 0
        var domain: Range<Int>?
        if let slash = bytes[0..<colons.0].lastIndex(of: UInt8(ascii: "\\")) {
            domain = 0..<slash
            nameStart = slash + 1
        }
        var nameEnd = colons.0
        guard nameStart < nameEnd else { return nil }
        var historyPosition: Int?
        // `name_historyN`: digits at the end after `_history`.
        var digitsStart = nameEnd
        while digitsStart > nameStart, bytes[digitsStart - 1] &- UInt8(ascii: "0") < 10 { digitsStart -= 1 }
        if digitsStart < nameEnd, digitsStart - nameStart > historySuffix.count,
            bytes[(digitsStart - historySuffix.count)..<digitsStart].elementsEqual(historySuffix),
            let position = Int64(asciiDecimal: bytes[digitsStart..<nameEnd])
        {
            historyPosition = Int(position)
            nameEnd = digitsStart - historySuffix.count
        }
        return PwdumpLine(
            domain: domain, name: nameStart..<nameEnd, historyPosition: historyPosition, rid: UInt32(rid),
            ntHash: ntHash, hasLMHash: hasLM, enabled: status(bytes, after: end))
    }

    /// What `-user-status` says after the hash fields (from `start`): ` (status=Enabled)` or ` (status=Disabled)`.
    static func status(_ bytes: UnsafeBufferPointer<UInt8>, after start: Int) -> Bool? {
        let tail = bytes[start...]
        let marker = suffixes[1]
        var index = tail.startIndex
        while index + marker.count <= tail.endIndex {
            if tail[index..<(index + marker.count)].elementsEqual(marker) {
                let value = tail[(index + marker.count)...]
                if value.starts(with: "Enabled)".utf8) { return true }
                if value.starts(with: "Disabled)".utf8) { return false }
                return nil
            }
            index += 1
        }
        return nil
    }

    /// What secretsdump may write after `:::`: ` (pwdLastSet=2020-02-23 19:09)` (or `never`, `N/A`) with
    /// `-pwd-last-set`, then ` (status=Enabled)` with `-user-status`. The password age is read past (the directory
    /// export's is used); the status is kept for entries the directory does not hold, or a dump read alone.
    static let suffixes = [Array("(pwdLastSet=".utf8), Array("(status=".utf8)]

    /// Where the hash fields of `bytes` end: before secretsdump's suffixes (either, or both in either order) and the
    /// spaces before them.
    static func endBeforeSuffixes(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var end = bytes.count
        for _ in suffixes.indices {
            guard end > 0, bytes[end - 1] == UInt8(ascii: ")"),
                let open = bytes[0..<end].lastIndex(of: UInt8(ascii: "(")),
                suffixes.contains(where: { bytes[open..<end].starts(with: $0) })
            else { break }
            end = open
            while end > 0, bytes[end - 1] == 0x20 { end -= 1 }
        }
        return end
    }

    /// Where the last `:::` in `bytes[0..<end]` begins, if anywhere.
    static func lastTripleColon(_ bytes: [UInt8], before end: Int) -> Int? {
        var index = end - 3
        while index >= 0 {
            let colon = UInt8(ascii: ":")
            if bytes[index] == colon, bytes[index + 1] == colon, bytes[index + 2] == colon { return index }
            index -= 1
        }
        return nil
    }

    /// What was wrong with a line that did not parse, without quoting it.
    /// Whether a line that is not a hash line is still shaped as one: a field of 32 hex digits between colons after
    /// a name and a RID (`user:1001:…:<32 hex>:::` with junk after it, a hash cut short). Prompts and notes are not.
    static func isRecordShaped(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var run = 0  // hex digits since the last colon; -1 after another byte
        var colons = 0
        for byte in bytes {
            let lower = byte | 0x20
            if byte == UInt8(ascii: ":") {
                if run == 32, colons >= 2 { return true }
                colons += 1
                run = 0
            } else if run >= 0, Byte.isDigit(byte) || (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f")) {
                run += 1
            } else {
                run = -1
            }
        }
        return false
    }

    static func explainFailure(_ bytes: [UInt8]) -> String {
        let expected = "expected 'user:rid:lmhash:nthash:::'"
        let end = bytes.withUnsafeBufferPointer { endBeforeSuffixes($0) }
        // The last `:::` ends the hash fields (`user:::lm:nt:::` has an empty RID, not text after them).
        if let marker = Self.lastTripleColon(bytes, before: end), marker + 3 < end,
            bytes[(marker + 3)..<end].contains(where: { $0 != 0x20 && $0 != 0x09 })
        {
            return "\(expected): text after ':::' that is not secretsdump's '(pwdLastSet=…)' or '(status=…)'"
        }
        let fields = bytes[0..<end].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard fields.count == 7 else { return "\(expected): found \(fields.count) ':'-separated fields instead of 7" }
        if Int64(asciiDecimal: fields[1]) == nil { return "\(expected): the RID (field 2) is not a number" }
        if fields[2].count != 32 {
            return "\(expected): the LM hash (field 3) is \(fields[2].count) characters, not 32 hex digits"
        }
        if fields[3].count != 32 {
            return "\(expected): the NT hash (field 4) is \(fields[3].count) characters, not 32 hex digits"
        }
        return "\(expected): a hash field holds characters other than hex digits"
    }
}
