import Testing
import VigilCore

@Suite("Machine roles from the directory's computer accounts")
struct MachineDirectoryRoleTests {
    static let source = EvidenceReference(file: "directory.ldif", line: 1)

    static func computer(
        _ name: String, domain: String, control: AccountControl, primaryGroup: UInt32? = nil,
        container: String = "CN=Computers"
    ) -> Account {
        let components = domain.split(separator: ".").map { "DC=\($0)" }.joined(separator: ",")
        return Account(
            name: name + "$", distinguishedName: "CN=\(name),\(container),\(components)", kind: .computer,
            control: control, primaryGroupID: primaryGroup, source: source)
    }

    static func roles(_ hosts: [String], _ accounts: [Account]) -> [String: Bool?] {
        Dictionary(
            uniqueKeysWithValues: Machine.withDirectoryRoles(
                hosts.map { Machine(name: $0, sources: [source]) }, accounts: accounts
            ).map { ($0.name, $0.domainController) })
    }

    @Test(
        "a domain controller's account by its flags, primary group or container; a member's by WORKSTATION_TRUST_ACCOUNT",
        arguments: [
            (AccountControl(rawValue: 532_480), nil, "CN=Computers", true),  // SERVER_TRUST | TRUSTED_FOR_DELEGATION
            (AccountControl(rawValue: 0x0500_1000), nil, "CN=Computers", true),  // a read-only DC, no primaryGroupID
            (.workstationTrust, 521, "CN=Computers", true),
            (.workstationTrust, nil, "OU=Domain Controllers", true),
            (.workstationTrust, 515, "CN=Computers", false),
            (.normalAccount, nil, "CN=Computers", nil),
        ] as [(AccountControl, UInt32?, String, Bool?)])
    func accountRole(control: AccountControl, primaryGroup: UInt32?, container: String, expected: Bool?) {
        let account = Self.computer(
            "SRV01", domain: "a.nhs.uk", control: control, primaryGroup: primaryGroup, container: container)
        #expect(account.isDomainController == expected)
    }

    @Test("a qualified host takes its own domain's role only; a short name is a controller if any of its name is one")
    func domains() {
        let memberInA = Self.computer("SRV01", domain: "a.nhs.uk", control: .workstationTrust)
        let controllerInB = Self.computer("SRV01", domain: "b.nhs.uk", control: .serverTrust)
        // One domain exported: its member and a short or qualified host of that domain.
        let one = Self.roles(["SRV01", "srv01.a.nhs.uk", "SRV01.b.nhs.uk", "PC-07"], [memberInA])
        #expect(one["SRV01"] == .some(false))
        #expect(one["srv01.a.nhs.uk"] == .some(false))
        // The other domain was not exported: its SRV01 could be a controller.
        #expect(one["SRV01.b.nhs.uk"] == .some(nil))
        #expect(one["PC-07"] == .some(nil))
        // Two domains: each qualified host its own; the short name is a controller if either is.
        let two = Self.roles(["SRV01", "srv01.a.nhs.uk", "srv01.b.nhs.uk"], [memberInA, controllerInB])
        #expect(two["srv01.a.nhs.uk"] == .some(false))
        #expect(two["srv01.b.nhs.uk"] == .some(true))
        #expect(two["SRV01"] == .some(true))
        // Two domains, the name in one, a member's: a member (a domain not exported is not guessed at).
        let otherMember = Self.computer("PC-09", domain: "b.nhs.uk", control: .workstationTrust)
        #expect(Self.roles(["SRV01"], [memberInA, otherMember])["SRV01"] == .some(false))
    }

    @Test("an inventory's domain controller stays one whatever the directory says; accounts without a DN are ignored")
    func precedence() {
        var controller = Machine(name: "SRV01", sources: [Self.source])
        controller.domainController = true
        let member = Self.computer("SRV01", domain: "a.nhs.uk", control: .workstationTrust)
        #expect(Machine.withDirectoryRoles([controller], accounts: [member]).first?.domainController == true)
        // A hash dump's machine account (no DN) says nothing of the role.
        let dumped = Account(name: "SRV01$", kind: .computer, control: .workstationTrust, source: Self.source)
        #expect(Self.roles(["SRV01"], [dumped])["SRV01"] == .some(nil))
    }
}
