import Foundation
import VigilCore

/// One account to write, whatever its kind.
struct PlannedAccount {
    var samAccountName: String
    var commonName: String
    var givenName: String?
    var surname: String?
    var department: String?
    var distinguishedName: String
    var rid: UInt32
    var control: AccountControl
    var passwordLastSet: Date
    var lastLogon: Date?
    var created: Date
    var adminCount = false
    var servicePrincipalNames: [String] = []
    var memberOf: [Int] = []
    var hash: NTHash
    var lmHash: String?
    var history: [NTHash] = []
    var isComputer = false
    var isBuiltIn = false
    var operatingSystem: String?
}

/// One group to write; members are listed lazily so that huge estates need not keep DNs in memory.
struct PlannedGroup {
    enum Member {
        case account(String)
        case group(Int)
        case staff(Range<Int>)
    }

    var name: String
    var distinguishedName: String
    var sid: SecurityIdentifier
    var builtin = false
    var adminCount = false
    var members: [Member] = []
}

/// What happens to a staff account; each gets at most one seeded condition.
enum StaffCondition: UInt8 {
    case clean, disabled, stale, neverLoggedOnStale, neverLoggedOnRecent, neverExpires, passwordNotRequired
    case reversibleEncryption, lmHash, emptyPassword, sharedStarter, sharesWithAdmin
    case desOnly, noPreAuth
    /// Password conditions: the plaintext is in ``EstatePlan/weakPasswords``.
    case breachedOnly, commonPassword, organisationWord, seasonYear, ownNameYear, keyboardWalk, usernamePassword
    case reusedPassword, sharedHistory
}

/// The decisions behind an estate: who exists, in which groups, seeded with which failings.
struct EstatePlan {
    /// The rules the ground truth is complete for: every account, credential and password-policy rule.
    static let coveredRules: [RuleID] = [
        .staleAccount, .stalePrivilegedAccount, .passwordNeverExpires, .passwordNotRequired, .reversibleEncryption,
        .desOnly, .preAuthNotRequired, .lmHashStored, .emptyPassword, .sharedPassword, .privilegedSharedPassword,
        .breachedPassword, .guessablePassword, .usernameAsPassword, .machineDefaultPassword, .reusedPassword,
        .sharedHistoryPassword, .kerberoastable, .policyMinimumLength, .policyLockout, .policyForcedExpiry,
        .policyComposition, .policyHistory, .policyLengthBypassed, .policyComplexityBypassed, .policyHistoryBypassed,
    ]
    static let teamSize = 60

    let specification: EstateSpecification
    let asOf: Date
    let domainDN: String
    let domainSID: SecurityIdentifier
    let directorates: [String]
    var conditions: [StaffCondition]
    private(set) var specialAccounts: [PlannedAccount] = []
    private(set) var groups: [PlannedGroup] = []
    var expectations: [GroundTruth.Expectation] = []
    /// The plaintext of every seeded weak or shared-history password, by staff index (unique across the estate).
    var weakPasswords: [Int: String] = [:]
    /// Hashes placed in a donor's password history (donor staff index → hash another account now uses).
    var historyGifts: [Int: NTHash] = [:]
    /// Computer indexes left with their default password.
    var machineDefaults: Set<Int> = []
    /// The shared starting password of new accounts.
    var starterPassword = ""
    private var teamGroupBase = 0
    var starterHash = NTHash(high: 0, low: 0)
    private let adminPairHash: NTHash
    private var adminPartner: Int?

    init(_ specification: EstateSpecification, asOf: Date) {
        self.specification = specification
        self.asOf = asOf
        var random = SeededRandom(seed: specification.seed, stream: 0x5EED)
        domainDN = specification.domain.split(separator: ".").map { "DC=\($0)" }.joined(separator: ",")
        domainSID = SecurityIdentifier(
            authority: 5,
            subAuthorities: [
                21, UInt32(1_000_000_000 + random.next() % 3_000_000_000),
                UInt32(1_000_000_000 + random.next() % 3_000_000_000),
                UInt32(1_000_000_000 + random.next() % 3_000_000_000),
            ]
        )
        directorates =
            specification.layout == .trust
            ? [
                "Medicine", "Surgery", "Women and Children", "Clinical Support", "Emergency Care", "Community Services",
                "Corporate Services", "Estates and Facilities",
            ]
            : ["Practice"]
        adminPairHash = NTHash(high: random.next(), low: random.next())
        conditions = Self.assignConditions(specification, random: &random)
        planGroups()
        planSpecialAccounts(random: &random)
        planPasswords(random: &random)
        recordStaffExpectations()
        recordPolicyExpectations()
    }

    // MARK: Staff

    private static func assignConditions(_ specification: EstateSpecification, random: inout SeededRandom)
        -> [StaffCondition]
    {
        let count = specification.staff
        var order = Array(0..<count)
        for index in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(index, Int(random.next() % UInt64(index + 1)))
        }
        var conditions = [StaffCondition](repeating: .clean, count: count)
        var cursor = 0
        let rates = specification.rates
        let quotas: [(StaffCondition, Double)] = [
            (.disabled, rates.disabled), (.stale, rates.stale), (.neverLoggedOnStale, rates.neverLoggedOn / 2),
            (.neverLoggedOnRecent, rates.neverLoggedOn / 2), (.neverExpires, rates.neverExpires),
            (.passwordNotRequired, rates.passwordNotRequired), (.reversibleEncryption, rates.reversibleEncryption),
            (.lmHash, rates.lmHash), (.emptyPassword, rates.emptyPassword), (.desOnly, rates.desOnly),
            (.noPreAuth, rates.noPreAuth), (.breachedOnly, rates.breached), (.commonPassword, rates.commonPassword),
            (.organisationWord, rates.organisationWord), (.seasonYear, rates.seasonYear),
            (.ownNameYear, rates.ownNameYear),
            (.keyboardWalk, rates.keyboardWalk), (.usernamePassword, rates.usernamePassword),
            (.reusedPassword, rates.reusedPassword), (.sharedHistory, rates.sharedHistory),
        ]
        for (condition, rate) in quotas {
            let quota = Int((Double(count) * rate).rounded())
            for _ in 0..<quota where cursor < count {
                conditions[order[cursor]] = condition
                cursor += 1
            }
        }
        let starters = max(count >= 20 ? 2 : 0, Int((Double(count) * rates.sharedStarterPassword).rounded()))
        for _ in 0..<starters where cursor < count {
            conditions[order[cursor]] = .sharedStarter
            cursor += 1
        }
        return conditions
    }

    /// The person behind staff index `index`.
    func person(_ index: Int) -> (given: String, surname: String, sam: String, commonName: String) {
        let (given, surname, suffix) = NamePool.person(index, salt: specification.seed)
        let number = suffix > 0 ? String(suffix + 1) : ""
        let sam: String
        switch specification.layout {
        case .trust: sam = "\(given.lowercased()).\(surname.lowercased())\(number)"
        case .practice: sam = "\(given.prefix(1).lowercased())\(surname.lowercased())\(number)"
        }
        return (given, surname, sam, suffix > 0 ? "\(given) \(surname) (\(suffix + 1))" : "\(given) \(surname)")
    }

    private func directorate(ofStaff index: Int) -> Int {
        (index / Self.teamSize) % directorates.count
    }

    private func staffDN(_ index: Int) -> String {
        let name = escapeRDN(person(index).commonName)
        if conditions[index] == .disabled { return "CN=\(name),OU=Leavers,\(domainDN)" }
        return "CN=\(name),OU=Users,OU=\(directorates[directorate(ofStaff: index)]),\(domainDN)"
    }

    func staffAccount(_ index: Int) -> PlannedAccount {
        var random = SeededRandom(seed: specification.seed, stream: UInt64(index) &+ 1_000_000)
        let who = person(index)
        let condition = conditions[index]
        let day: Double = 86_400
        let created = asOf.addingTimeInterval(-day * Double(400 + random.next() % 3_000))
        var lastLogon: Date? = asOf.addingTimeInterval(
            -day * Double(random.next() % 45) - Double(random.next() % 86_400))
        var passwordSet = asOf.addingTimeInterval(-day * Double(1 + random.next() % 80))
        var accountCreated = created
        var control: AccountControl = .normalAccount
        var hash = NTHash(high: random.next(), low: random.next())
        var lmHash: String?
        switch condition {
        case .clean, .sharedStarter, .sharesWithAdmin, .reusedPassword: break
        case .desOnly: control.insert(.desKeyOnly)
        case .noPreAuth: control.insert(.preAuthNotRequired)
        case .breachedOnly, .commonPassword, .organisationWord, .seasonYear, .ownNameYear, .keyboardWalk,
            .usernamePassword,
            .sharedHistory:
            hash = NTHash(password: weakPasswords[index]!)
        case .disabled:
            control.insert(.disabled)
            lastLogon = asOf.addingTimeInterval(-day * Double(200 + random.next() % 1_300))
            if random.chance(0.3) { control.insert(.passwordNeverExpires) }
        case .stale:
            let last = asOf.addingTimeInterval(-day * Double(120 + random.next() % 900))
            lastLogon = last
            passwordSet = last.addingTimeInterval(-day * Double(1 + random.next() % 80))
        case .neverLoggedOnStale:
            lastLogon = nil
            accountCreated = asOf.addingTimeInterval(-day * Double(150 + random.next() % 550))
            passwordSet = accountCreated
        case .neverLoggedOnRecent:
            lastLogon = nil
            accountCreated = asOf.addingTimeInterval(-day * Double(1 + random.next() % 30))
            passwordSet = accountCreated
        case .neverExpires: control.insert(.passwordNeverExpires)
        case .passwordNotRequired: control.insert(.passwordNotRequired)
        case .reversibleEncryption: control.insert(.reversibleEncryption)
        case .lmHash: lmHash = HexDigit.encode((0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        case .emptyPassword: hash = .emptyPassword
        }
        if condition == .sharedStarter { hash = starterHash }
        if condition == .sharesWithAdmin { hash = adminPairHash }
        if let lastLogon, lastLogon < accountCreated { accountCreated = lastLogon.addingTimeInterval(-day * 30) }
        if passwordSet < accountCreated { passwordSet = accountCreated }
        var history: [NTHash] = []
        if condition != .disabled, random.chance(0.3) {
            history = [
                NTHash(high: random.next(), low: random.next()), NTHash(high: random.next(), low: random.next()),
            ]
        }
        if condition == .reusedPassword { history = [NTHash(high: random.next(), low: random.next()), hash] }
        if let gift = historyGifts[index] { history = [gift] + history }
        let team = index / Self.teamSize
        return PlannedAccount(
            samAccountName: who.sam,
            commonName: who.commonName,
            givenName: who.given,
            surname: who.surname,
            department: directorates[directorate(ofStaff: index)],
            distinguishedName: staffDN(index),
            rid: UInt32(10_000 + index),
            control: control,
            passwordLastSet: passwordSet,
            lastLogon: lastLogon,
            created: accountCreated,
            memberOf: condition == .disabled ? [] : [teamGroupBase + team],
            hash: hash,
            lmHash: lmHash,
            history: history
        )
    }

    private mutating func recordStaffExpectations() {
        for (index, condition) in conditions.enumerated() {
            let rule: RuleID? =
                switch condition {
                case .stale, .neverLoggedOnStale: .staleAccount
                case .neverExpires: .passwordNeverExpires
                case .passwordNotRequired: .passwordNotRequired
                case .reversibleEncryption: .reversibleEncryption
                case .lmHash: .lmHashStored
                case .emptyPassword: .emptyPassword
                case .sharedStarter, .sharesWithAdmin: nil
                case .desOnly: .desOnly
                case .noPreAuth: .preAuthNotRequired
                case .breachedOnly: .breachedPassword
                case .commonPassword, .organisationWord, .seasonYear, .ownNameYear, .keyboardWalk: .guessablePassword
                case .usernamePassword: .usernameAsPassword
                case .reusedPassword: .reusedPassword
                case .sharedHistory: .sharedHistoryPassword
                case .clean, .disabled, .neverLoggedOnRecent: nil
                }
            if let rule { expect(rule, person(index).sam) }
            // The shared starting password is itself guessable.
            if condition == .sharedStarter { expect(.guessablePassword, person(index).sam) }
        }
    }

    // MARK: Computers

    func computer(_ index: Int) -> PlannedAccount {
        var random = SeededRandom(seed: specification.seed, stream: UInt64(index) &+ 50_000_000)
        let prefix =
            specification.layout == .trust
            ? "\(specification.netBIOSName.prefix(3))-WS" : "\(specification.netBIOSName.prefix(6))-PC"
        let name = "\(prefix)\(zeroPadded(index + 1, width: 5))"
        let lastLogon = asOf.addingTimeInterval(-86_400 * Double(random.next() % 20))
        let systems = DemoRelease.workstationMix.map(\.operatingSystemName)
        let hash =
            machineDefaults.contains(index)
            ? NTHash(password: String(name.lowercased().prefix(14))) : NTHash(high: random.next(), low: random.next())
        return PlannedAccount(
            samAccountName: name + "$",
            commonName: name,
            distinguishedName: "CN=\(name),OU=Workstations,\(domainDN)",
            rid: UInt32(10_000 + specification.staff + index),
            control: .workstationTrust,
            passwordLastSet: asOf.addingTimeInterval(-86_400 * Double(random.next() % 30)),
            lastLogon: lastLogon,
            created: asOf.addingTimeInterval(-86_400 * Double(300 + random.next() % 2_000)),
            hash: hash,
            isComputer: true,
            operatingSystem: systems[Int(random.next() % UInt64(systems.count))]
        )
    }

    // MARK: Groups

    private mutating func addGroup(
        _ name: String, container: String, rid: UInt32, builtin: Bool = false, adminCount: Bool = false
    ) -> Int {
        let sid =
            builtin
            ? SecurityIdentifier(authority: 5, subAuthorities: [32, rid])
            : SecurityIdentifier(authority: 5, subAuthorities: domainSID.subAuthorities + [rid])
        groups.append(
            PlannedGroup(
                name: name, distinguishedName: "CN=\(escapeRDN(name)),\(container),\(domainDN)", sid: sid,
                builtin: builtin, adminCount: adminCount))
        return groups.count - 1
    }

    /// Indexes of the well-known groups special accounts join.
    private var domainAdmins = 0
    private var enterpriseAdmins = 0
    private var administrators = 0
    private var backupOperators = 0
    private var tierZero = 0
    private var serviceAccounts = 0

    private mutating func planGroups() {
        administrators = addGroup("Administrators", container: "CN=Builtin", rid: 544, builtin: true, adminCount: true)
        backupOperators = addGroup(
            "Backup Operators", container: "CN=Builtin", rid: 551, builtin: true, adminCount: true)
        domainAdmins = addGroup("Domain Admins", container: "CN=Users", rid: 512, adminCount: true)
        enterpriseAdmins = addGroup("Enterprise Admins", container: "CN=Users", rid: 519, adminCount: true)
        _ = addGroup("Schema Admins", container: "CN=Users", rid: 518, adminCount: true)
        _ = addGroup("Domain Users", container: "CN=Users", rid: 513)
        groups[administrators].members = [.group(domainAdmins), .group(enterpriseAdmins)]
        var rid: UInt32 = 1_100
        func next() -> UInt32 {
            rid += 1
            return rid
        }
        if specification.layout == .trust {
            tierZero = addGroup("Tier 0 Admins", container: "OU=Groups", rid: next(), adminCount: true)
            groups[domainAdmins].members = [.group(tierZero)]
        } else {
            tierZero = domainAdmins
        }
        serviceAccounts = addGroup("Service Accounts", container: "OU=Groups", rid: next())

        let teams = (specification.staff + Self.teamSize - 1) / Self.teamSize
        teamGroupBase = groups.count
        for team in 0..<teams {
            let directorate = directorates[team % directorates.count]
            let name =
                specification.layout == .trust
                ? "TEAM-\(directorate.replacingOccurrences(of: " ", with: ""))-\(zeroPadded(team / directorates.count + 1, width: 3))"
                : ["Clinicians", "Nursing", "Reception", "Administration"][team % 4]
                    + (team >= 4 ? " \(team / 4 + 1)" : "")
            let index = addGroup(name, container: "OU=Groups", rid: next())
            groups[index].members = [
                .staff(team * Self.teamSize..<min(specification.staff, (team + 1) * Self.teamSize))
            ]
        }
        var directorateGroups: [Int] = []
        for (position, directorate) in directorates.enumerated() {
            let index = addGroup(
                specification.layout == .trust
                    ? "GRP-\(directorate.replacingOccurrences(of: " ", with: ""))-All" : "Practice Staff",
                container: "OU=Groups", rid: next())
            groups[index].members = stride(from: position, to: teams, by: directorates.count).map {
                .group(teamGroupBase + $0)
            }
            directorateGroups.append(index)
        }
        if specification.layout == .trust {
            let allStaff = addGroup("All Staff", container: "OU=Groups", rid: next())
            groups[allStaff].members = directorateGroups.map { .group($0) }
            let clinical = addGroup("APP-EPR-Users", container: "OU=Groups", rid: next())
            groups[clinical].members = directorateGroups.prefix(6).map { .group($0) }
            let pacs = addGroup("APP-PACS-Users", container: "OU=Groups", rid: next())
            groups[pacs].members = [.group(directorateGroups[3]), .group(directorateGroups[4])]
        }
    }

    func members(of group: PlannedGroup) -> [String] {
        var result: [String] = []
        for member in group.members {
            switch member {
            case .account(let dn): result.append(dn)
            case .group(let index): result.append(groups[index].distinguishedName)
            case .staff(let range):
                for index in range where conditions[index] != .disabled { result.append(staffDN(index)) }
            }
        }
        return result
    }

    // MARK: Special accounts

    private mutating func planSpecialAccounts(random: inout SeededRandom) {
        let netBIOS = specification.netBIOSName
        let day: Double = 86_400
        func recent(_ random: inout SeededRandom) -> Date {
            asOf.addingTimeInterval(-day * Double(random.next() % 20) - 3_600)
        }
        func special(
            _ sam: String, _ cn: String, container: String, rid: UInt32, control: AccountControl,
            random: inout SeededRandom
        ) -> PlannedAccount {
            PlannedAccount(
                samAccountName: sam, commonName: cn, distinguishedName: "CN=\(escapeRDN(cn)),\(container),\(domainDN)",
                rid: rid,
                control: control, passwordLastSet: asOf.addingTimeInterval(-day * Double(10 + random.next() % 60)),
                lastLogon: recent(&random),
                created: asOf.addingTimeInterval(-day * Double(2_000 + random.next() % 1_000)),
                hash: NTHash(high: random.next(), low: random.next())
            )
        }

        var administrator = special(
            "Administrator", "Administrator", container: "CN=Users", rid: 500,
            control: [.normalAccount, .passwordNeverExpires], random: &random)
        administrator.isBuiltIn = true
        administrator.adminCount = true
        administrator.memberOf = [domainAdmins, enterpriseAdmins, administrators]
        groups[domainAdmins].members.append(.account(administrator.distinguishedName))
        groups[enterpriseAdmins].members.append(.account(administrator.distinguishedName))
        groups[administrators].members.append(.account(administrator.distinguishedName))
        expect(.passwordNeverExpires, "\(netBIOS)\\Administrator")
        var guest = special(
            "Guest", "Guest", container: "CN=Users", rid: 501,
            control: [.normalAccount, .disabled, .passwordNeverExpires, .passwordNotRequired], random: &random)
        guest.isBuiltIn = true
        guest.hash = .emptyPassword
        guest.lastLogon = nil
        var krbtgt = special(
            "krbtgt", "krbtgt", container: "CN=Users", rid: 502, control: [.normalAccount, .disabled], random: &random)
        krbtgt.isBuiltIn = true
        krbtgt.lastLogon = nil
        krbtgt.adminCount = true
        specialAccounts += [administrator, guest, krbtgt]

        // Administrators: separate admin accounts for IT staff (trust), or a supplier's account (practice).
        let adminCount =
            specification.layout == .trust
            ? max(3, specification.staff / 400) : min(2, max(1, specification.staff / 20))
        let cleanStaff = conditions.indices.filter { conditions[$0] == .clean }
        let stride = max(1, cleanStaff.count / max(1, adminCount))
        for number in 0..<min(adminCount, cleanStaff.count) {
            let owner = cleanStaff[number * stride]
            let who = person(owner)
            var admin = special(
                "adm.\(who.sam)", "\(who.commonName) (admin)", container: "OU=Admin Accounts",
                rid: UInt32(4_000 + number), control: .normalAccount, random: &random)
            admin.adminCount = true
            admin.memberOf = [tierZero]
            admin.givenName = who.given
            admin.surname = who.surname
            groups[tierZero].members.append(.account(admin.distinguishedName))
            let subject = "\(netBIOS)\\\(admin.samAccountName)"
            if number == 0, adminCount > 1 || specification.staff >= 20 {
                admin.lastLogon = asOf.addingTimeInterval(-day * Double(200 + random.next() % 400))
                expect(.stalePrivilegedAccount, subject)
            } else if number == 1 || (adminCount == 1 && specification.staff >= 20) {
                admin.hash = adminPairHash
                conditions[owner] = .sharesWithAdmin
                adminPartner = owner
            }
            specialAccounts.append(admin)
        }
        if specification.layout == .trust {
            var former = special(
                "adm.contractor01", "Contractor Admin 01", container: "OU=Admin Accounts", rid: 4_900,
                control: .normalAccount, random: &random)
            former.adminCount = true
            former.lastLogon = asOf.addingTimeInterval(-day * Double(300 + random.next() % 500))
            expect(.stalePrivilegedAccount, "\(netBIOS)\\\(former.samAccountName)")
            specialAccounts.append(former)
        }

        // Service accounts: SPNs, passwords that never expire, and the shared passwords suppliers leave behind.
        let services: [(String, String)] =
            specification.layout == .trust
            ? [
                ("svc_epr", "HTTP/epr"), ("svc_pacs", "HTTP/pacs"), ("svc_lab", "HTTP/lims"), ("svc_scan", "HTTP/scan"),
                ("svc_sql", "MSSQLSvc/sql01:1433"), ("svc_backup", "HTTP/backup"), ("svc_print", "HTTP/print"),
                ("svc_pharmacy", "HTTP/pharmacy"), ("svc_sccm", "HTTP/sccm"),
            ]
            : [("svc_scan", "HTTP/scan"), ("svc_backup", "HTTP/backup")]
        let supplierShared: Set<String> = specification.layout == .trust ? ["svc_pacs", "svc_lab", "svc_scan"] : []
        let backupShared: Set<String> = specification.layout == .trust ? ["svc_backup", "svc_sql"] : []
        // Service passwords nobody has changed for years: kerberoastable.
        let oldPasswords: Set<String> = specification.layout == .trust ? ["svc_print", "svc_pharmacy"] : ["svc_scan"]
        let supplierHash = NTHash(high: random.next(), low: random.next())
        let backupHash = NTHash(high: random.next(), low: random.next())
        for (number, (name, spn)) in services.enumerated() {
            var account = special(
                name, name, container: "OU=Service Accounts", rid: UInt32(3_000 + number),
                control: [.normalAccount, .passwordNeverExpires], random: &random)
            account.servicePrincipalNames = ["\(spn).\(specification.domain)"]
            account.memberOf = [serviceAccounts]
            groups[serviceAccounts].members.append(.account(account.distinguishedName))
            let subject = "\(netBIOS)\\\(name)"
            expect(.passwordNeverExpires, subject)
            if oldPasswords.contains(name) {
                account.passwordLastSet = asOf.addingTimeInterval(-day * Double(400 + random.next() % 1_500))
                expect(.kerberoastable, subject)
            }
            if name == "svc_backup" {
                account.memberOf.append(backupOperators)
                account.adminCount = true
                groups[backupOperators].members.append(.account(account.distinguishedName))
            }
            if supplierShared.contains(name) {
                account.hash = supplierHash
            }
            if backupShared.contains(name) {
                account.hash = backupHash
            }
            specialAccounts.append(account)
        }
    }

    // MARK: Helpers

    mutating func expect(_ rule: RuleID, _ sam: String) {
        let subject = sam.contains("\\") ? sam : "\(specification.netBIOSName)\\\(sam)"
        expectations.append(GroundTruth.Expectation(rule: rule, subject: subject))
    }

    func sid(_ rid: UInt32) -> SecurityIdentifier {
        SecurityIdentifier(authority: 5, subAuthorities: domainSID.subAuthorities + [rid])
    }
}

/// Escapes an RDN value (`,` `+` `"` `\` `<` `>` `;` `=`) as RFC 4514 requires.
func escapeRDN(_ value: String) -> String {
    var result = ""
    for character in value {
        if ",+\"\\<>;=".contains(character) { result.append("\\") }
        result.append(character)
    }
    return result
}
