import Foundation
import VigilCore

/// Reads NT hash dumps in the pwdump layout that `secretsdump.py`, `pwdump`, `fgdump` and DSInternals write:
/// `[DOMAIN\]user:rid:lmhash:nthash:::`, with `user_historyN` lines for previous hashes and `NAME$` machine accounts.
///
/// Status lines (`[*] …`), Kerberos key lines (`user:aes256-cts-hmac-sha1-96:…`) and the `(status=…)` suffix of
/// `-user-status` are understood. Cleartext lines (`user:CLEARTEXT:…`, from reversible encryption) are counted and
/// dropped without keeping their content. Hash values never appear in diagnostics.
public struct PwdumpReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "pwdump",
        name: "NT hash dump (pwdump / secretsdump)",
        producedBy:
            "secretsdump.py -ntds ntds.dit -system SYSTEM -history LOCAL -outputfile ntds   (writes ntds.ntds), or DSInternals: Get-ADDBAccount -All -DBPath ntds.dit -BootKey $key | Format-Custom -View PwDump"
    )

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        var matches = 0
        for line in sample.lines() {
            if line.hasPrefix("[") { continue }
            guard PwdumpLine.parse(Array(line.utf8)) != nil else { return false }
            matches += 1
            if matches >= 3 { return true }
        }
        return matches > 0
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        var indexByName: [String: Int] = [:]
        var history: [(line: Int, name: String, rid: UInt32, position: Int, hash: NTHash)] = []
        var cleartextLines = 0

        try LineReader(path: path, maxLineLength: 64 << 10).forEachLine(progress: progress) { line in
            if line.isOverlong {
                fragment.log.reject(
                    line: line.number, code: "pwdump.line-too-long",
                    "line longer than 64 KiB; expected 'user:rid:lmhash:nthash:::'")
                return
            }
            let bytes = line.bytes
            if bytes.isEmpty || bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) || bytes[0] == UInt8(ascii: "[") {
                return
            }
            if PwdumpLine.isKerberosKey(bytes) { return }
            if PwdumpLine.isCleartext(bytes) {
                cleartextLines += 1
                return
            }
            guard let parsed = PwdumpLine.parse(Array(bytes)) else {
                fragment.log.reject(
                    line: line.number, code: "pwdump.malformed", PwdumpLine.explainFailure(Array(bytes)))
                return
            }
            guard let name = String(validating: parsed.name, as: UTF8.self),
                let domain = parsed.domain.map({ String(validating: $0, as: UTF8.self) }) ?? .some(nil)
            else {
                fragment.log.reject(line: line.number, code: "pwdump.invalid-utf8", "account name is not valid UTF-8")
                return
            }
            let reference = EvidenceReference(file: file, line: line.number)
            if let (base, position) = PwdumpLine.historyEntry(name) {
                if let hash = parsed.ntHash { history.append((line.number, base, parsed.rid, position, hash)) }
                fragment.log.recordsRead += 1
                return
            }
            let key = name.lowercased()
            if indexByName[key] != nil {
                fragment.log.warn(
                    line: line.number, code: "pwdump.duplicate-account",
                    "account appears more than once; the first entry is used")
                return
            }
            indexByName[key] = fragment.credentials.count
            fragment.credentials.append(
                CredentialRecord(
                    accountName: name,
                    domain: domain,
                    rid: parsed.rid,
                    ntHash: parsed.ntHash,
                    hasLMHash: parsed.hasLMHash,
                    source: reference
                )
            )
            fragment.log.recordsRead += 1
        }

        for entry in history.sorted(by: { ($0.name, $0.position) < ($1.name, $1.position) }) {
            guard let index = indexByName[entry.name.lowercased()], fragment.credentials[index].rid == entry.rid else {
                fragment.log.warn(
                    line: entry.line, code: "pwdump.orphan-history",
                    "password history entry has no current-hash line for the same account and RID; ignored")
                continue
            }
            fragment.credentials[index].history.append(entry.hash)
        }
        if cleartextLines > 0 {
            fragment.log.warn(
                line: nil, code: "pwdump.cleartext",
                "\(cleartextLines) cleartext password line(s) (reversible encryption) were dropped unread; rotate those passwords"
            )
        }
        return fragment
    }
}

/// One parsed `[domain\]user:rid:lmhash:nthash:::` line.
struct PwdumpLine {
    var domain: ArraySlice<UInt8>?
    var name: ArraySlice<UInt8>
    var rid: UInt32
    var ntHash: NTHash?
    var hasLMHash: Bool

    /// LM hash of the empty password: stored when no LM hash exists.
    static let emptyLM = Array("aad3b435b51404eeaad3b435b51404ee".utf8)

    static func parse(_ bytes: [UInt8]) -> PwdumpLine? {
        var line = bytes[...]
        if let suffix = line.lastIndex(of: UInt8(ascii: "(")), line[suffix...].starts(with: Array("(status=".utf8)) {
            line = line[..<suffix]
            while line.last == 0x20 { line = line.dropLast() }
        }
        let fields = line.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard fields.count == 7, fields[4].isEmpty, fields[5].isEmpty, fields[6].isEmpty, !fields[0].isEmpty,
            let rid = ASCII.integer(fields[1]), rid >= 0, rid <= UInt32.max
        else { return nil }
        let lm = fields[2]
        let nt = fields[3]
        let hasLM: Bool
        if lm.count == 32, lm.allSatisfy({ HexDigit.value($0) != nil }) {
            hasLM = !lm.elementsEqual(emptyLM) { ASCII.lower($0) == $1 } && !lm.allSatisfy { $0 == UInt8(ascii: "0") }
        } else if isNoPassword(lm) {
            hasLM = false
        } else {
            return nil
        }
        let ntHash: NTHash?
        if let hash = NTHash(hex: nt) {
            ntHash = hash
        } else if isNoPassword(nt) {
            ntHash = nil
        } else {
            return nil
        }
        var domain: ArraySlice<UInt8>?
        var name = fields[0]
        if let slash = name.lastIndex(of: UInt8(ascii: "\\")) {
            domain = name[..<slash]
            name = name[(slash + 1)...]
        }
        guard !name.isEmpty else { return nil }
        return PwdumpLine(domain: domain, name: name, rid: UInt32(rid), ntHash: ntHash, hasLMHash: hasLM)
    }

    /// What was wrong with a line that did not parse, without quoting it.
    static func explainFailure(_ bytes: [UInt8]) -> String {
        let fields = bytes.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        let expected = "expected 'user:rid:lmhash:nthash:::'"
        guard fields.count == 7 else { return "\(expected): found \(fields.count) ':'-separated fields instead of 7" }
        if ASCII.integer(fields[1]) == nil { return "\(expected): the RID (field 2) is not a number" }
        if fields[2].count != 32 {
            return "\(expected): the LM hash (field 3) is \(fields[2].count) characters, not 32 hex digits"
        }
        if fields[3].count != 32 {
            return "\(expected): the NT hash (field 4) is \(fields[3].count) characters, not 32 hex digits"
        }
        return "\(expected): a hash field holds characters other than hex digits"
    }

    /// pwdump6/fgdump write `NO PASSWORD*********************` for a missing hash.
    static func isNoPassword(_ field: ArraySlice<UInt8>) -> Bool {
        field.starts(with: Array("NO PASSWORD".utf8))
    }

    /// `user:aes256-cts-hmac-sha1-96:hex`, `user:des-cbc-md5:hex` and similar Kerberos key lines.
    static func isKerberosKey(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let fields = bytes.split(separator: UInt8(ascii: ":"), maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { return false }
        let type = String(decoding: fields[1], as: UTF8.self)
        return type.hasPrefix("aes") || type.hasPrefix("des-") || type.hasPrefix("rc4") || type.hasPrefix("dec-")
    }

    /// `user:CLEARTEXT:password` lines secretsdump writes for reversibly encrypted passwords.
    static func isCleartext(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let fields = bytes.split(separator: UInt8(ascii: ":"), maxSplits: 2, omittingEmptySubsequences: false)
        return fields.count == 3 && fields[1].elementsEqual("CLEARTEXT".utf8)
    }

    /// `name_historyN` → (`name`, N).
    static func historyEntry(_ name: String) -> (String, Int)? {
        guard let range = name.range(of: "_history", options: .backwards),
            let position = Int(name[range.upperBound...]), !name[..<range.lowerBound].isEmpty
        else { return nil }
        return (String(name[..<range.lowerBound]), position)
    }
}
