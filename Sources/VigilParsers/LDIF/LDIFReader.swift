import Foundation
import Synchronization
import VigilCore
import VigilIO

/// Reads an Active Directory export in LDIF into accounts, groups and domains (with the domain password policy).
///
/// Entries are classified by `objectClass` (`computer` and `user` become accounts, `group` groups, `domainDNS` a
/// domain), or, when an export lacks it, by `objectCategory`, `sAMAccountType` or `userAccountControl`, whichever it
/// has. Entries with a `sAMAccountName` that none of these classify are counted and reported once, naming the missing
/// attributes: an export without them must never read as a directory with no accounts. Other entries (OUs,
/// containers, contacts) are read and ignored. A record with a value that cannot mean what its
/// attribute says (a non-numeric `userAccountControl`, a malformed `objectSid`) is rejected whole, with its position.
public struct LDIFReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "ldif",
        name: "LDIF directory export (RFC 2849, Active Directory)",
        producedBy:
            "ldifde -f directory.ldif -r \"(|(objectClass=user)(objectClass=group)(objectClass=domainDNS))\" -l \"objectClass,objectCategory,sAMAccountType,sAMAccountName,userAccountControl,pwdLastSet,lastLogonTimestamp,lastLogon,whenCreated,accountExpires,objectSid,memberOf,member,adminCount,servicePrincipalName,userPrincipalName,primaryGroupID,displayName,cn,givenName,sn,minPwdLength,pwdHistoryLength,lockoutThreshold,maxPwdAge,minPwdAge,pwdProperties\""
    )

    /// Files at least this large are parsed in segments on every core.
    let segmentThreshold: Int
    /// How many segments to parse at once.
    let parallelism: Int

    public init() {
        self.init(
            segmentThreshold: SegmentedFile.minimumSize, parallelism: ProcessInfo.processInfo.activeProcessorCount)
    }

    init(segmentThreshold: Int, parallelism: Int) {
        self.segmentThreshold = segmentThreshold
        self.parallelism = parallelism
    }

    /// Recognised by a first record (`dn:`) after comments and `version:`, or by ldapsearch's `# extended LDIF` header
    /// or `search:`/`result:` trailer over a search that returned no entry (its `result:` says why); a few lines of a
    /// pasted prompt and command may come first.
    public func recognises(_ sample: TextSample) -> Bool {
        var leading = 0
        var sawLDIF = false
        var extended = false
        var searchLine = false
        // Lines of spaces are blank lines typed carelessly; they must not make a real export unrecognised.
        for line in sample.lines() where !line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
            let lower = line.lowercased()
            if line.hasPrefix("#") {
                sawLDIF = true
                if lower.hasPrefix("# extended ldif") { extended = true }
                continue
            }
            if lower.hasPrefix("version:") {
                sawLDIF = true
                continue
            }
            if lower.hasPrefix("dn:") { return true }
            if extended, lower.hasPrefix("search:") || lower.hasPrefix("result:") { return true }
            // ldapsearch's trailer alone (`search: 2` then `result: 1 Operations error`), pasted without its header.
            if searchLine, lower.hasPrefix("result:") { return true }
            if sawLDIF, lower.hasPrefix("search:") {
                searchLine = true
                continue
            }
            guard !sawLDIF, leading < LDIFParser.maximumLeadingLines else { return false }
            leading += 1
        }
        return false
    }

    /// Reads the file, splitting a large one into segments of whole records parsed on every core.
    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        let size = try RawFile.size(of: path)
        let endsMidLine = try !RawFile.endsWithLineBreak(path: path, size: size)
        let segmented = try SegmentedFile(path: path, size: size, parts: size >= segmentThreshold ? parallelism : 1)
        let readSoFar = Mutex([Int](repeating: 0, count: segmented.segments.count))
        let parts = try segmented.map { index, range in
            var fragment = EvidenceFragment(file: file)
            // Most of an AD export is accounts (about 700 bytes each): reserving avoids regrowing millions of them.
            fragment.accounts.reserveCapacity(min(range.count / 700, 1 << 24))
            var log = fragment.log
            var mapper = DirectoryEntryMapper(file: file)
            let lines = try LDIFParser(attributes: DirectoryAttribute.names).parse(
                path: path,
                range: segmented.segments.count > 1 ? range : nil,
                endsMidLine: endsMidLine && range.upperBound >= size,
                endsFile: range.upperBound >= size,
                log: &log,
                progress: progress.map { report in
                    { bytes in
                        report(
                            readSoFar.withLock {
                                $0[index] = bytes
                                return $0.reduce(0, +)
                            })
                    }
                }
            ) { record, log in
                mapper.map(record, into: &fragment, log: &log)
            }
            mapper.reportUnclassified(log: &log)
            fragment.log = log
            return (fragment, lines)
        }
        var fragment = EvidenceFragment(segments: parts)
        Self.markLogonTimes(&fragment)
        return fragment
    }

    /// Whether the export holds logon times: when any entry has `lastLogon` or `lastLogonTimestamp` (`lastLogon: 0` for
    /// an account that never logged on), an account without them never logged on and its mark is cleared; when none
    /// does, the attribute list left them out, every account keeps its mark (whether accounts are used is not judged)
    /// and one warning says so at the first person's, service's or built-in account.
    static func markLogonTimes(_ fragment: inout EvidenceFragment) {
        guard fragment.accounts.contains(where: { $0.logonTimesMissing == true }) else { return }
        if fragment.accounts.contains(where: { $0.logonTimesMissing != true }) {
            for index in fragment.accounts.indices { fragment.accounts[index].logonTimesMissing = nil }
            return
        }
        guard let first = fragment.accounts.first(where: { $0.kind != .computer }) else { return }
        fragment.log.warn(
            line: first.source.line, code: "ldif.no-logon-times",
            "no entry has lastLogon or lastLogonTimestamp: the export's attribute list left them out, so whether accounts are used is not judged. Export again with them (the commands in docs/formats/ldif.md)"
        )
    }
}

/// The Active Directory attributes the reader keeps, in the order that defines their indexes.
enum DirectoryAttribute: Int, CaseIterable {
    case objectClass, samAccountName, userAccountControl, pwdLastSet, lastLogonTimestamp, lastLogon, whenCreated
    case accountExpires, objectSid, memberOf, member, adminCount, servicePrincipalName, displayName, givenName, sn, cn
    case primaryGroupID, minPwdLength, pwdHistoryLength, lockoutThreshold, maxPwdAge, minPwdAge, pwdProperties
    case objectCategory, samAccountType, userPrincipalName

    static let names: [String] = allCases.map { attribute in
        switch attribute {
        case .samAccountName: "sAMAccountName"
        case .samAccountType: "sAMAccountType"
        case .primaryGroupID: "primaryGroupID"
        case .userPrincipalName: "userPrincipalName"
        default: String(describing: attribute)
        }
    }
}

/// Turns LDIF records into directory model values.
struct DirectoryEntryMapper {
    let file: String
    /// Domain names already derived, by the bytes of their first `DC=` value: an export names only a few domains.
    var domainNames = DomainNameCache()
    /// Repeated values (group DNs in `memberOf` and `member`) share one string.
    var interner = StringInterner()
    /// Entries with a `sAMAccountName` that no attribute of the export could classify.
    var unclassified = 0
    /// The line of the first of them.
    var firstUnclassifiedLine: Int?
    /// The line of a root DSE entry (empty DN), when the export is one.
    var rootEntryLine: Int?
    /// Entries classified as a user, computer, group or domain.
    var classified = 0
    /// Entries with neither a class attribute nor a `sAMAccountName`, and the line of the first.
    var classless = 0
    var firstClasslessLine: Int?

    /// The kind of directory object a record holds.
    enum EntryClass {
        case user, computer, group, domain, other
    }

    /// A value that could not be read; the record is rejected with this message at this line.
    struct Rejection: Error {
        var line: Int
        var code: String
        var message: String
    }

    mutating func map(_ record: LDIFRecord, into fragment: inout EvidenceFragment, log: inout DiagnosticLog) {
        do {
            try record.withView { (record) throws(Rejection) in
                switch entryClass(record) {
                case .user:
                    fragment.accounts.append(try account(record, computerClass: false))
                    classified += 1
                case .computer:
                    fragment.accounts.append(try account(record, computerClass: true))
                    classified += 1
                case .group:
                    fragment.groups.append(try group(record))
                    classified += 1
                case .domain:
                    fragment.domains.append(try domain(record))
                    classified += 1
                case .other:
                    // The root DSE (the empty DN `ldapsearch -s base` returns) holds no accounts: reported on its own.
                    if record.distinguishedName.isEmpty {
                        // Not a record of the directory: a file holding only this is read as holding none.
                        log.recordsRead -= 1
                        if rootEntryLine == nil { rootEntryLine = record.line }
                    } else if record.first(DirectoryAttribute.samAccountName.rawValue) != nil {
                        unclassified += 1
                        if firstUnclassifiedLine == nil { firstUnclassifiedLine = record.line }
                    } else if !classifiable(record) {
                        classless += 1
                        if firstClasslessLine == nil { firstClasslessLine = record.line }
                    }
                }
            }
        } catch {
            log.recordsRead -= 1
            log.reject(line: error.line, code: error.code, error.message)
        }
    }

    /// Reports, once, the entries that could not be classified, and a root DSE read instead of the directory.
    mutating func reportUnclassified(log: inout DiagnosticLog) {
        if let rootEntryLine {
            log.warn(
                line: rootEntryLine, code: Diagnostic.Code.ldifRootDSE,
                "an entry with an empty DN is the server's root DSE (what 'ldapsearch -s base' returns), not the directory: it holds no accounts. Export the domain with the commands in docs/formats/ldif.md"
            )
            self.rootEntryLine = nil
        }
        // Entries with nothing to classify them by and no sAMAccountName may be OUs exported without objectClass; when
        // nothing else in the export could be classified either (`ldifde -l cn`, a misspelt attribute list), they are
        // the export's accounts, and reading none of them must not pass as a directory of no accounts.
        if unclassified == 0, classified == 0, classless > 0 {
            unclassified = classless
            firstUnclassifiedLine = firstClasslessLine
        }
        classless = 0
        firstClasslessLine = nil
        guard unclassified > 0 else { return }
        log.warn(
            line: firstUnclassifiedLine, code: Diagnostic.Code.ldifUnclassified,
            "\(unclassified == 1 ? "1 entry" : "\(unclassified) entries") could not be classified as a user, computer or group: the export has none of objectClass, objectCategory, sAMAccountType or userAccountControl, so these accounts are not assessed. Export again requesting objectClass (the commands in docs/formats/ldif.md)"
        )
        unclassified = 0
        firstUnclassifiedLine = nil
    }

    /// Whether the export gave the entry any attribute its class is read from.
    private func classifiable(_ record: LDIFRecordView) -> Bool {
        record.first(DirectoryAttribute.objectClass.rawValue) != nil
            || record.first(DirectoryAttribute.objectCategory.rawValue) != nil
            || record.first(DirectoryAttribute.samAccountType.rawValue) != nil
            || record.first(DirectoryAttribute.userAccountControl.rawValue) != nil
    }

    /// What the entry is, from the first attribute the export has: `objectClass`, then `objectCategory`,
    /// `sAMAccountType`, `userAccountControl` (exports made with an attribute list often lack `objectClass`).
    private func entryClass(_ record: LDIFRecordView) -> EntryClass {
        if record.first(DirectoryAttribute.objectClass.rawValue) != nil { return objectClass(record) }
        if let (value, _) = record.first(DirectoryAttribute.objectCategory.rawValue) {
            return Self.category(value)
        }
        if let (value, _) = record.first(DirectoryAttribute.samAccountType.rawValue),
            let type = Int64(asciiDecimal: value)
        {
            return Self.accountType(type)
        }
        if let (value, _) = record.first(DirectoryAttribute.userAccountControl.rawValue),
            let control = Int64(asciiDecimal: value)
        {
            let flags = AccountControl(rawValue: UInt32(truncatingIfNeeded: control))
            if flags.contains(.workstationTrust) || flags.contains(.serverTrust) { return .computer }
            return .user
        }
        return .other
    }

    /// The class named by an `objectCategory` DN's first value (`CN=Person,CN=Schema,…`).
    static func category(_ dn: UnsafeBufferPointer<UInt8>) -> EntryClass {
        guard dn.count > 3, ASCII.lower(dn[0]) == UInt8(ascii: "c"), ASCII.lower(dn[1]) == UInt8(ascii: "n"),
            dn[2] == UInt8(ascii: "=")
        else { return .other }
        let end = dn.firstIndex(of: UInt8(ascii: ",")) ?? dn.count
        switch categories.index(of: UnsafeBufferPointer(rebasing: dn[3..<end])) {
        case 0: return .user
        case 1: return .computer
        case 2: return .group
        case 3: return .domain
        default: return .other
        }
    }

    /// The schema classes `objectCategory` names, looked up case-insensitively.
    private static let categories = AttributeTable(["Person", "Computer", "Group", "Domain-DNS"])

    /// The class a `sAMAccountType` value means (SAM_USER_OBJECT, SAM_MACHINE_ACCOUNT, the group and alias types);
    /// trust accounts are not people or computers, so they are left out.
    static func accountType(_ type: Int64) -> EntryClass {
        switch type {
        case 0x3000_0000: .user
        case 0x3000_0001: .computer
        case 0x1000_0000, 0x1000_0001, 0x2000_0000, 0x2000_0001: .group
        default: .other
        }
    }

    private func objectClass(_ record: LDIFRecordView) -> EntryClass {
        var result = EntryClass.other
        record.forEachValue(DirectoryAttribute.objectClass.rawValue) { value, _ in
            guard result != .computer else { return }
            switch Self.objectClasses.index(of: value) {
            case 0: result = .computer
            case 1: result = .user
            case 2: result = .group
            case 3: result = .domain
            default: break
            }
        }
        return result
    }

    /// The object classes that decide what an entry becomes, looked up like attribute names (case-insensitively).
    private static let objectClasses = AttributeTable(["computer", "user", "group", "domainDNS"])

    /// The account an entry describes; `computerClass`: the entry's class says it is a computer, whatever its flags.
    private mutating func account(_ record: LDIFRecordView, computerClass: Bool) throws(Rejection) -> Account {
        let dn = try text(record.distinguishedName, line: record.line, attribute: "dn")
        guard let name = try string(record, .samAccountName) else {
            throw Rejection(
                line: record.line, code: "ldif.missing-attribute",
                message: "user or computer entry without sAMAccountName")
        }
        let control = AccountControl(
            rawValue: UInt32(truncatingIfNeeded: try integer(record, .userAccountControl) ?? 0x200))
        let sid = try securityIdentifier(record)
        let lastLogon = [try fileTime(record, .lastLogonTimestamp), try fileTime(record, .lastLogon)].compactMap { $0 }
            .max()
        // Present even as `lastLogon: 0` (never logged on): absent from every entry, the export left them out.
        let logonExported =
            record.first(DirectoryAttribute.lastLogon.rawValue) != nil
            || record.first(DirectoryAttribute.lastLogonTimestamp.rawValue) != nil
        let spns = try strings(record, .servicePrincipalName)
        let isComputer =
            computerClass || control.contains(.workstationTrust) || control.contains(.serverTrust)
            || name.hasSuffix("$")
        let kind: Account.Kind =
            if isComputer { .computer } else if let rid = sid?.rid, rid < 1000 { .builtIn } else if !spns.isEmpty {
                .service
            } else { .user }
        let displayName = try string(record, .displayName)
        let commonName = displayName == nil ? try string(record, .cn) : nil
        var account = Account(
            name: name,
            domain: domainNames.netBIOSGuess(record.distinguishedName),
            displayName: displayName ?? commonName,
            givenName: try string(record, .givenName),
            surname: try string(record, .sn),
            distinguishedName: dn,
            sid: sid,
            kind: kind,
            control: control,
            passwordLastSet: try fileTime(record, .pwdLastSet),
            lastLogon: lastLogon,
            created: try generalizedTime(record, .whenCreated),
            expires: try fileTime(record, .accountExpires),
            adminCount: try integer(record, .adminCount).map { $0 != 0 } ?? false,
            memberOf: try strings(record, .memberOf),
            primaryGroupID: try integer(record, .primaryGroupID).map { UInt32(truncatingIfNeeded: $0) },
            servicePrincipalNames: spns,
            userPrincipalName: try string(record, .userPrincipalName),
            source: EvidenceReference(file: file, line: record.line)
        )
        // Marked for now; ``LDIFReader/markLogonTimes(_:)`` keeps the mark only when no entry of the file has one.
        if !logonExported { account.logonTimesMissing = true }
        return account
    }

    private mutating func group(_ record: LDIFRecordView) throws(Rejection) -> DirectoryGroup {
        let dn = try text(record.distinguishedName, line: record.line, attribute: "dn")
        let accountName = try string(record, .samAccountName)
        let commonName = try string(record, .cn)
        return DirectoryGroup(
            distinguishedName: dn,
            name: accountName ?? commonName ?? DistinguishedName.firstValue(dn),
            sid: try securityIdentifier(record),
            adminCount: try integer(record, .adminCount).map { $0 != 0 } ?? false,
            members: try strings(record, .member),
            source: EvidenceReference(file: file, line: record.line)
        )
    }

    private func domain(_ record: LDIFRecordView) throws(Rejection) -> DirectoryDomain {
        let dn = try text(record.distinguishedName, line: record.line, attribute: "dn")
        let properties = try integer(record, .pwdProperties)
        let policy = PasswordPolicy(
            minimumLength: try integer(record, .minPwdLength).map(Int.init),
            historyLength: try integer(record, .pwdHistoryLength).map(Int.init),
            lockoutThreshold: try integer(record, .lockoutThreshold).map(Int.init),
            maximumAgeDays: try integer(record, .maxPwdAge).map(Self.intervalDays),
            minimumAgeDays: try integer(record, .minPwdAge).map(Self.intervalDays),
            complexityRequired: properties.map { $0 & 0x1 != 0 },
            reversibleEncryption: properties.map { $0 & 0x10 != 0 }
        )
        return DirectoryDomain(
            distinguishedName: dn,
            dnsName: DistinguishedName.dnsName(dn),
            sid: try securityIdentifier(record),
            passwordPolicy: policy,
            source: EvidenceReference(file: file, line: record.line)
        )
    }

    /// Days in an AD negative interval (`maxPwdAge`); 0 for "never" (`Int64.min` or 0).
    static func intervalDays(_ ticks: Int64) -> Int {
        guard ticks != Int64.min, ticks != 0 else { return 0 }
        return Int(ticks.magnitude / (864_000_000_000))
    }

    // MARK: Values

    private func text(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, attribute: String) throws(Rejection) -> String {
        guard let text = ASCII.string(bytes) else {
            throw Rejection(
                line: line, code: "ldif.invalid-utf8",
                message: "\(attribute) is not valid UTF-8 (binary values must be written base64 after '::')")
        }
        return text
    }

    private func string(_ record: LDIFRecordView, _ attribute: DirectoryAttribute) throws(Rejection) -> String? {
        guard let (bytes, line) = record.first(attribute.rawValue) else { return nil }
        return try text(bytes, line: line, attribute: DirectoryAttribute.names[attribute.rawValue])
    }

    private mutating func strings(_ record: LDIFRecordView, _ attribute: DirectoryAttribute) throws(Rejection)
        -> [String]
    {
        var result: [String] = []
        try record.forEachValue(attribute.rawValue) { (bytes, line) throws(Rejection) in
            guard !bytes.isEmpty else { return }
            guard let value = self.interner.string(bytes) else {
                throw Rejection(
                    line: line, code: "ldif.invalid-utf8",
                    message:
                        "\(DirectoryAttribute.names[attribute.rawValue]) is not valid UTF-8 (binary values must be written base64 after '::')"
                )
            }
            result.append(value)
        }
        return result
    }

    private func integer(_ record: LDIFRecordView, _ attribute: DirectoryAttribute) throws(Rejection) -> Int64? {
        guard let (bytes, line) = record.first(attribute.rawValue) else { return nil }
        guard let value = Int64(asciiDecimal: bytes) else {
            throw Rejection(
                line: line, code: "ldif.invalid-integer",
                message: "\(DirectoryAttribute.names[attribute.rawValue]): expected a decimal integer")
        }
        return value
    }

    private func fileTime(_ record: LDIFRecordView, _ attribute: DirectoryAttribute) throws(Rejection) -> Date? {
        guard let ticks = try integer(record, attribute) else { return nil }
        return WindowsFileTime.date(fromTicks: ticks)
    }

    private func securityIdentifier(_ record: LDIFRecordView) throws(Rejection) -> SecurityIdentifier? {
        guard let (bytes, line) = record.first(DirectoryAttribute.objectSid.rawValue) else { return nil }
        if let sid = SecurityIdentifier(buffer: bytes) { return sid }
        if let text = ASCII.string(bytes), let sid = SecurityIdentifier(text) { return sid }
        throw Rejection(
            line: line, code: "ldif.invalid-sid",
            message: "objectSid: expected a binary SID (base64 after '::') or S-1-… text")
    }

    private func generalizedTime(_ record: LDIFRecordView, _ attribute: DirectoryAttribute) throws(Rejection) -> Date? {
        guard let (bytes, line) = record.first(attribute.rawValue) else { return nil }
        guard let date = GeneralizedTime.date(bytes) else {
            throw Rejection(
                line: line, code: "ldif.invalid-time",
                message:
                    "\(DirectoryAttribute.names[attribute.rawValue]): expected LDAP GeneralizedTime of a day of the calendar such as 20250105110850.0Z"
            )
        }
        // AD's value for a time never set is no date.
        return date == GeneralizedTime.windowsEpoch ? nil : date
    }
}

/// The NetBIOS-name guess (first `DC=` label, upper-cased) for DNs, remembering the last label: an export names only a
/// few domains, so nearly every look-up is a comparison without allocation.
struct DomainNameCache {
    private var lastLabel: [UInt8] = []
    private var lastName: String?

    /// The guess for the DN `dn`, or `nil` when it has no `DC=` component.
    mutating func netBIOSGuess(_ dn: UnsafeBufferPointer<UInt8>) -> String? {
        guard let label = Self.firstDomainComponent(dn) else { return nil }
        let bytes = UnsafeBufferPointer(rebasing: dn[label])
        if let lastName, bytes.elementsEqual(lastLabel, by: { ASCII.lower($0) == $1 }) { return lastName }
        lastLabel = bytes.map(ASCII.lower)
        let name = String(decoding: lastLabel, as: UTF8.self).uppercased()
        lastName = name
        return name
    }

    /// Where the first `DC=` value is: the RDN after a comma (or at the start) whose type is `dc`.
    static func firstDomainComponent(_ dn: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var index = 0
        var atStart = true
        var escaped = false
        while index < dn.count {
            let byte = dn[index]
            if atStart, byte != UInt8(ascii: " ") {
                atStart = false
                if index + 2 < dn.count, ASCII.lower(byte) == UInt8(ascii: "d"),
                    ASCII.lower(dn[index + 1]) == UInt8(ascii: "c"),
                    dn[index + 2] == UInt8(ascii: "=")
                {
                    var end = index + 3
                    while end < dn.count, dn[end] != UInt8(ascii: ",") { end += 1 }
                    return (index + 3)..<end
                }
            }
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: ",") {
                atStart = true
            }
            index += 1
        }
        return nil
    }
}
