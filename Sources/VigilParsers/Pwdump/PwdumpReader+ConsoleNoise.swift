/// What surrounds the hash lines of a saved console run (`secretsdump.py … | tee dump.txt`, a pasted terminal): the
/// prompt and impacket's banner before them, `[*]`/`[+]`/`[-]` status lines, sections that hold no NT hashes (LSA
/// secrets, cached logons, Kerberos keys), and whatever follows the last hash line. Each kind is skipped, counted and
/// reported once with the line of its first occurrence; a line that is not a hash line *between* hash lines of a hash
/// section is still a malformed record.
struct ConsoleNoise {
    /// Lines of other text before the first hash line.
    private(set) var leading = LineTally()
    /// `[*]`, `[+]`, `[-]`, `[!]` status lines.
    private(set) var statusLines = LineTally()
    /// Lines inside a secretsdump section without NT hashes.
    private(set) var sectionLines = LineTally()
    /// Lines of other text after the last hash line read so far: malformed records if a hash line follows, trailing
    /// text otherwise. At most ``pendingLimit`` are kept with their explanation; more are only counted.
    private var pending: [(line: Int, explanation: String, record: Bool)] = []
    /// Of the pending lines, those shaped as hash records (a 32-digit hash between colons): malformed records wherever
    /// they stand, the last one of a file cut short too.
    private var pendingRecords = 0
    private var pendingCount = 0
    private var pendingFirst: Int?
    private var sawHash = false
    private var inOtherSection = false
    /// The hash sections opened so far: secretsdump run with both a SAM and the NTDS lists `Administrator` (RID 500) in
    /// each, and they are two accounts, the computer's and the domain's.
    private(set) var hashSection = 0
    /// Whether the current hash section is secretsdump's "Dumping local SAM hashes": one computer's local accounts.
    private(set) var inLocalSAM = false

    /// Pending lines kept with their explanation.
    static let pendingLimit = 1_000

    /// A status line; `[*] Dumping …` lines also open a section, with NT hashes only when it says `lmhash:nthash`.
    mutating func status(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        statusLines.add(line)
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        if text.contains("lmhash:nthash") {
            inOtherSection = false
            hashSection += 1
            inLocalSAM = text.contains("local SAM")
        } else if text.contains("NTDS.DIT secrets") {
            inOtherSection = false
        } else if text.hasPrefix("[*] Dumping") || text.hasPrefix("[*] Kerberos keys") || text.hasPrefix("[*] DPAPI")
            || text.hasPrefix("[*] NL$KM") || text.hasPrefix("[*] $MACHINE.ACC") || text.hasPrefix("[*] _SC_")
            || text.hasPrefix("[*] DefaultPassword") || text.hasPrefix("[*] ClearText")
        {
            inOtherSection = true
        }
    }

    /// A line that is not a hash line. Before the first hash line it is leading text, unless a status line has
    /// opened a hash section (`[*] Dumping Domain Credentials (domain\uid:rid:lmhash:nthash)`): there, the first
    /// account's line, mangled, is a malformed record, not a banner.
    /// `record` says whether the line is shaped as a hash record (``PwdumpLine/isRecordShaped(_:)``).
    mutating func other(line: Int, record: Bool, explanation: () -> String) {
        if !sawHash, hashSection == 0 {
            leading.add(line)
        } else if inOtherSection {
            sectionLines.add(line)
        } else {
            pendingCount += 1
            if record { pendingRecords += 1 }
            if pendingFirst == nil { pendingFirst = line }
            if pending.count < Self.pendingLimit { pending.append((line, explanation(), record)) }
        }
    }

    /// A hash line: lines of other text since the previous one were malformed records.
    mutating func hashLine(log: inout DiagnosticLog) {
        sawHash = true
        inOtherSection = false
        guard pendingCount > 0 else { return }
        for entry in pending { log.reject(line: entry.line, code: "pwdump.malformed", entry.explanation) }
        if pendingCount > pending.count {
            log.reject(
                line: pending.last.map { $0.line + 1 }, code: "pwdump.malformed",
                "\(pendingCount - pending.count) more lines that are not 'user:rid:lmhash:nthash:::' lines")
        }
        pending.removeAll(keepingCapacity: true)
        pendingCount = 0
        pendingRecords = 0
        pendingFirst = nil
    }

    /// Reports what was skipped.
    mutating func finish(log: inout DiagnosticLog) {
        if let first = leading.first {
            log.warn(
                line: first, code: "pwdump.leading-text",
                "\(Self.lines(leading.count)) before the first hash line (a prompt, banner or notes) skipped")
        }
        if let first = statusLines.first {
            log.warn(
                line: first, code: "pwdump.status-lines",
                "\(Self.lines(statusLines.count, "status line")) ([*], [+], [-]) of a saved secretsdump run skipped")
        }
        if let first = sectionLines.first {
            log.warn(
                line: first, code: "pwdump.other-section",
                "\(Self.lines(sectionLines.count)) in secretsdump sections without NT hashes (LSA secrets, cached logons, Kerberos keys) skipped unread"
            )
        }
        // After the last hash line: a line shaped as a record is a malformed one (a file cut in its last line), the
        // rest a prompt or notes.
        let keptRecords = pending.count { $0.record }
        for entry in pending where entry.record {
            log.reject(line: entry.line, code: "pwdump.malformed", entry.explanation)
        }
        // Past the lines kept with their explanation, counted: none is lost silently.
        let beyond = pending.last.map { $0.line + 1 }
        if pendingRecords > keptRecords {
            log.reject(
                line: beyond, code: "pwdump.malformed",
                "\(pendingRecords - keptRecords) more lines shaped as 'user:rid:lmhash:nthash:::' lines but not read as one"
            )
        }
        if pendingCount > pendingRecords, let first = pending.first(where: { !$0.record })?.line ?? beyond {
            log.warn(
                line: first, code: "pwdump.trailing-text",
                "\(Self.lines(pendingCount - pendingRecords)) after the last hash line (a prompt or notes) skipped")
        }
    }

    private static func lines(_ count: Int, _ noun: String = "line") -> String {
        count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
    }
}
