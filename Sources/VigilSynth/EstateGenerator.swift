public import Foundation
import VigilCore

/// Writes a synthetic organisation's directory export (LDIF) and hash dump (secretsdump format), and optionally its host
/// inventories and file share, with a manifest, and returns the ground truth of every failing it seeded.
///
/// Every staff account is a pure function of the seed and its index, so estates of any size stream to disk in bounded
/// memory (a byte of state per account) and group membership can be written without keeping accounts around.
public struct EstateGenerator: Sendable {
    /// The organisation to generate.
    public let specification: EstateSpecification
    /// The date the estate is as of: logon times and password ages are relative to it.
    public let asOf: Date

    /// Names of the files written into the bundle folder.
    public enum FileName {
        /// The directory export.
        public static let directory = "directory.ldif"
        /// The hash dump, named as `secretsdump.py -outputfile ntds` names it.
        public static let hashes = "ntds.ntds"
        /// The manifest.
        public static let manifest = "vigil.yaml"
    }

    /// The breach index the bundle's manifest points at (relative to the bundle), if any.
    public let breachIndex: String?

    public init(_ specification: EstateSpecification, asOf: Date, breachIndex: String? = nil) {
        self.specification = specification
        self.asOf = asOf
        self.breachIndex = breachIndex
    }

    /// Writes the bundle into `directory` (created if needed) and returns its ground truth. `progress` receives the
    /// number of staff accounts written so far.
    public func write(to directory: URL, progress: ((Int) -> Void)? = nil) throws -> GroundTruth {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let plan = EstatePlan(specification, asOf: asOf)
        let ldif = try LDIFWriter(path: directory.appendingPathComponent(FileName.directory).path)
        let dump = try EstateFileWriter(path: directory.appendingPathComponent(FileName.hashes).path)
        var sharing = PasswordSharing()
        try writeDomain(plan, to: ldif)
        for account in plan.specialAccounts {
            try writeAccount(account, plan: plan, ldif: ldif, dump: dump)
            sharing.add(account, netBIOS: specification.netBIOSName)
        }
        for index in 0..<specification.staff {
            let account = plan.staffAccount(index)
            try writeAccount(account, plan: plan, ldif: ldif, dump: dump)
            sharing.add(account, netBIOS: specification.netBIOSName)
            if index % 10_000 == 9_999 { progress?(index + 1) }
        }
        progress?(specification.staff)
        for index in 0..<specification.computers {
            try writeAccount(plan.computer(index), plan: plan, ldif: ldif, dump: dump)
        }
        for group in plan.groups {
            try writeGroup(group, plan: plan, to: ldif)
        }
        try ldif.close()
        try dump.close()
        var manifest = manifest()
        var rules = EstatePlan.coveredRules
        var expected = plan.expectations + sharing.expectations()
        var metrics: [String: Int]?
        if specification.inventories {
            expected += try HostInventoryWriter(specification: specification, asOf: asOf).write(
                to: directory, plan: plan)
            rules += HostInventoryWriter.coveredRules
        }
        if specification.shareFiles > 0 {
            let share = FileShareWriter(specification: specification, asOf: asOf)
            let shareExpected = try share.write(to: directory)
            expected += shareExpected
            rules += FileShareWriter.coveredRules
            manifest += share.manifestSection
            // Who really uses the share: the access log and the usage numbers it must give.
            metrics = try AccessLogWriter(
                specification: specification, asOf: asOf, aclRoot: share.aclRoot, folders: share.folders.map(\.path)
            )
            .write(
                to: directory.appendingPathComponent("logs/\(share.host.lowercased())-access.csv"), plan: plan,
                broadReadersHoldIdentifiers: shareExpected.contains { $0.rule == .accessWideGrant })
        }
        do {
            try manifest.write(
                to: directory.appendingPathComponent(FileName.manifest), atomically: true, encoding: .utf8)
        } catch {
            throw SynthError(message: "cannot write \(FileName.manifest)")
        }
        return GroundTruth(
            seed: specification.seed,
            asOf: asOf,
            organisation: specification.organisation,
            accounts: specification.staff + plan.specialAccounts.count,
            computers: specification.computers,
            rules: rules,
            expected: expected.sorted(),
            metrics: metrics
        )
    }

    private func manifest() -> String {
        let organisation = specification.organisation
        return """
            # Evidence bundle written by `vigil demo` / `vigil generate` (synthetic data).
            organisation:
              code: \(organisation.code)
              name: "\(organisation.name)"
              kind: \(organisation.kind.rawValue)

            """ + (breachIndex.map { "reference:\n  breach-index: \($0)\n" } ?? "")
    }

    // MARK: Writing

    private func writeDomain(_ plan: EstatePlan, to ldif: LDIFWriter) throws(SynthError) {
        let policy = plan.domainPolicy
        try ldif.entry(
            plan.domainDN,
            [
                ("objectClass", .text("top")), ("objectClass", .text("domain")), ("objectClass", .text("domainDNS")),
                ("dc", .text(String(specification.domain.split(separator: ".")[0]))),
                ("objectSid", .bytes(plan.domainSID.binary)),
                ("minPwdLength", .text(String(policy.minimumLength))),
                ("pwdProperties", .text(policy.complexity ? "1" : "0")),
                ("pwdHistoryLength", .text(String(policy.history))),
                ("lockoutThreshold", .text(String(policy.lockoutThreshold))),
                ("maxPwdAge", .text(String(-Int64(policy.maximumAgeDays) * 864_000_000_000))),
                ("minPwdAge", .text(specification.layout == .trust ? "-864000000000" : "0")),
            ]
        )
    }

    private func writeAccount(_ account: PlannedAccount, plan: EstatePlan, ldif: LDIFWriter, dump: EstateFileWriter)
        throws(SynthError)
    {
        var attributes: [(String, LDIFValue)] = [("objectClass", .text("top"))]
        if account.isComputer {
            attributes += [
                ("objectClass", .text("person")), ("objectClass", .text("organizationalPerson")),
                ("objectClass", .text("user")), ("objectClass", .text("computer")),
            ]
        } else {
            attributes += [
                ("objectClass", .text("person")), ("objectClass", .text("organizationalPerson")),
                ("objectClass", .text("user")),
            ]
        }
        attributes.append(("cn", .text(account.commonName)))
        if let surname = account.surname { attributes.append(("sn", .text(surname))) }
        if let given = account.givenName { attributes.append(("givenName", .text(given))) }
        if !account.isComputer { attributes.append(("displayName", .text(account.commonName))) }
        if let department = account.department { attributes.append(("department", .text(department))) }
        attributes.append(("sAMAccountName", .text(account.samAccountName)))
        if account.isComputer {
            let host = account.samAccountName.dropLast().lowercased()
            attributes.append(("dNSHostName", .text("\(host).\(specification.domain)")))
            attributes.append(("operatingSystem", .text(account.operatingSystem ?? "Windows 10 Enterprise")))
        } else {
            attributes.append(("userPrincipalName", .text("\(account.samAccountName)@\(specification.domain)")))
        }
        attributes.append(("userAccountControl", .text(String(account.control.rawValue))))
        attributes.append(("pwdLastSet", .text(String(WindowsFileTime.ticks(from: account.passwordLastSet)))))
        if let lastLogon = account.lastLogon {
            attributes.append(("lastLogonTimestamp", .text(String(WindowsFileTime.ticks(from: lastLogon)))))
        }
        attributes.append(("whenCreated", .text(Self.generalizedTime(account.created))))
        attributes.append(("accountExpires", .text("9223372036854775807")))
        attributes.append(("objectSid", .bytes(plan.sid(account.rid).binary)))
        attributes.append(("primaryGroupID", .text(account.isComputer ? "515" : "513")))
        if account.adminCount { attributes.append(("adminCount", .text("1"))) }
        for spn in account.servicePrincipalNames { attributes.append(("servicePrincipalName", .text(spn))) }
        for group in account.memberOf { attributes.append(("memberOf", .text(plan.groups[group].distinguishedName))) }
        try ldif.entry(account.distinguishedName, attributes)

        let prefix = account.isBuiltIn ? "" : specification.netBIOSName + "\\"
        let lm = account.lmHash ?? "aad3b435b51404eeaad3b435b51404ee"
        try dump.write("\(prefix)\(account.samAccountName):\(account.rid):\(lm):\(account.hash.unredactedHex):::\n")
        for (position, old) in account.history.enumerated() {
            try dump.write(
                "\(prefix)\(account.samAccountName)_history\(position):\(account.rid):aad3b435b51404eeaad3b435b51404ee:\(old.unredactedHex):::\n"
            )
        }
    }

    private func writeGroup(_ group: PlannedGroup, plan: EstatePlan, to ldif: LDIFWriter) throws(SynthError) {
        var attributes: [(String, LDIFValue)] = [
            ("objectClass", .text("top")), ("objectClass", .text("group")), ("cn", .text(group.name)),
            ("sAMAccountName", .text(group.name)),
            ("groupType", .text(group.builtin ? "-2147483643" : "-2147483646")),
            ("objectSid", .bytes(group.sid.binary)),
        ]
        if group.adminCount { attributes.append(("adminCount", .text("1"))) }
        for member in plan.members(of: group) { attributes.append(("member", .text(member))) }
        try ldif.entry(group.distinguishedName, attributes)
    }

    /// `20250105110850.0Z`.
    static func generalizedTime(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let (year, month, day) = CivilDate.components(days: days)
        let rest = seconds - days * 86_400
        return zeroPadded(year, width: 4) + zeroPadded(month, width: 2) + zeroPadded(day, width: 2)
            + zeroPadded(rest / 3600, width: 2) + zeroPadded(rest / 60 % 60, width: 2) + zeroPadded(rest % 60, width: 2)
            + ".0Z"
    }
}

/// Which enabled accounts ended up with the same password, for the ground truth of shared passwords: seeded groups (a
/// shared starting password, an administrator's reused password, suppliers' service accounts) and repeats that a large
/// estate makes by itself.
struct PasswordSharing {
    private var owners: [NTHash: [(subject: String, privileged: Bool)]] = [:]

    mutating func add(_ account: PlannedAccount, netBIOS: String) {
        guard !account.isComputer, !account.control.contains(.disabled), account.hash != .emptyPassword else { return }
        let subject = "\(netBIOS)\\\(account.samAccountName)"
        owners[account.hash, default: []].append((subject, account.adminCount))
    }

    func expectations() -> [GroundTruth.Expectation] {
        owners.values.filter { $0.count > 1 }.flatMap { members in
            members.map {
                GroundTruth.Expectation(
                    rule: $0.privileged ? .privilegedSharedPassword : .sharedPassword, subject: $0.subject)
            }
        }
    }
}
