import Foundation
import Testing
import VigilCore
import VigilParsers
import VigilTestSupport

/// Runs the ldapsearch command documented in `docs/formats/ldif.md` against a real OpenLDAP server (Debian's `slapd`),
/// loaded with the directory VigilSynth generated for `Tests/Fixtures/ad-estate-sample` plus a few computers, and
/// checks that Vigil reads back every account as it was loaded. Needs `slapd` and `ldap-utils`; `.ci/run` installs them
/// and sets `VIGIL_LDAP_TESTS=1`.
///
/// Schema: OpenLDAP's own `msuser.schema` (Active Directory's `user`, `computer` and `group` classes and attributes,
/// shipped with slapd) plus `nis.schema` it depends on, and a small schema defined here for what msuser lacks:
/// `domainDNS`, `container`, and an auxiliary `securityPrincipal` class carrying `sAMAccountName`, `objectSid` and the
/// other attributes Vigil reads (in AD, `securityPrincipal` is a system auxiliary class never listed in `objectClass`;
/// here entries list it). msuser's `mstop` requires `instanceType`, `nTSecurityDescriptor` and `objectCategory`, so the
/// loader adds them (with the real `objectCategory` DNs); everything Vigil reads is as VigilSynth wrote it.
@Suite(
    "OpenLDAP server (VIGIL_LDAP_TESTS=1)",
    .enabled(
        if: ProcessInfo.processInfo.environment["VIGIL_LDAP_TESTS"] == "1",
        "skipped: set VIGIL_LDAP_TESTS=1 with slapd and ldap-utils installed (.ci/run does) to run the documented ldapsearch against a real OpenLDAP server"
    ),
    .serialized)
struct LDAPServerTests {
    static let base = "DC=riverside,DC=nhs,DC=local"
    static let adminDN = "CN=admin,\(base)"
    static let password = "vigil-test-only"

    @Test("the documented ldapsearch command exports every account, group and the domain, classified as loaded")
    func documentedCommand() throws {
        let server = try LDAPServer(base: Self.base, adminDN: Self.adminDN, password: Self.password)
        defer { server.stop() }
        let source = try Self.sourceDirectory()
        try server.load(Self.openLDAPEntries(from: source.text))

        let export = server.scratch.url.appendingPathComponent("directory.ldif")
        let status = try Self.runDocumentedCommand(server: server, extra: nil, output: export)
        #expect(status == 0)
        let fragment = try LDIFReader().read(path: export.path, file: "directory.ldif", progress: nil)
        #expect(fragment.log.recordsRejected == 0)
        #expect(fragment.log.diagnostics.isEmpty)

        let expected = Dictionary(uniqueKeysWithValues: source.fragment.accounts.map { ($0.name, $0.kind) })
            .merging(Self.computers.map { ($0 + "$", Account.Kind.computer) }) { $1 }
        let read = Dictionary(uniqueKeysWithValues: fragment.accounts.map { ($0.name, $0.kind) })
        #expect(read.count == 182 + Self.computers.count)
        #expect(read == expected)
        #expect(Set(fragment.groups.map(\.name)) == Set(source.fragment.groups.map(\.name)))
        #expect(fragment.domains.map(\.passwordPolicy) == source.fragment.domains.map(\.passwordPolicy))
        let amy = try #require(fragment.accounts.first { $0.name == "amy.hall" })
        let amySource = try #require(source.fragment.accounts.first { $0.name == "amy.hall" })
        #expect(amy.sid == amySource.sid && amy.passwordLastSet == amySource.passwordLastSet)
        #expect(amy.memberOf == amySource.memberOf && amy.control == amySource.control)
    }

    @Test("a size-limited search (-z) is reported as truncated, with the entries it did return")
    func sizeLimited() throws {
        let server = try LDAPServer(base: Self.base, adminDN: Self.adminDN, password: Self.password)
        defer { server.stop() }
        let source = try Self.sourceDirectory()
        try server.load(Self.openLDAPEntries(from: source.text))

        let export = server.scratch.url.appendingPathComponent("directory.ldif")
        let status = try Self.runDocumentedCommand(server: server, extra: "-z 40", output: export)
        #expect(status == 4)  // ldapsearch's exit status for "size limit exceeded"
        let fragment = try LDIFReader().read(path: export.path, file: "directory.ldif", progress: nil)
        #expect(fragment.accounts.count + fragment.groups.count + fragment.domains.count == 40)
        let warning = try #require(fragment.log.diagnostics.first { $0.code == "ldif.truncated" })
        #expect(warning.message.contains("size limit"))
        #expect(warning.location.line != nil)
    }

    // MARK: The directory

    /// Computers added to the generated directory (it has none), as `name` without `$`.
    static let computers = ["WS0001", "WS0002", "SRV-EPR01"]

    static func sourceDirectory() throws -> (text: String, fragment: EvidenceFragment) {
        let url = Fixtures.url("ad-estate-sample/directory.ldif")
        let fragment = try LDIFReader().read(path: url.path, file: "directory.ldif", progress: nil)
        return (try String(contentsOf: url, encoding: .utf8), fragment)
    }

    /// The generated LDIF made loadable by slapd: msuser's required attributes added, `domain` dropped (it and
    /// `domainDNS` are both structural here), `securityPrincipal` listed, missing parents created, computers appended.
    static func openLDAPEntries(from text: String) -> String {
        var entries: [[String]] = []
        for block in text.components(separatedBy: "\n\n") {
            let lines = block.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("version:") }
            guard let first = lines.first, first.hasPrefix("dn:") else { continue }
            let classes = Set(lines.filter { $0.hasPrefix("objectClass: ") }.map { $0.dropFirst(13).lowercased() })
            var entry = lines.filter { $0 != "objectClass: domain" }
            if classes.contains("user") || classes.contains("group") {
                let category = classes.contains("user") ? "Person" : "Group"
                entry += [
                    "objectClass: securityPrincipal", "instanceType: 4", "nTSecurityDescriptor:: AQAEgA==",
                    "objectCategory: CN=\(category),CN=Schema,CN=Configuration,\(base)",
                ]
                if classes.contains("group") { entry.append("groupType: -2147483646") }
                if classes.contains("user"), !lines.contains(where: { $0.hasPrefix("sn:") }) { entry.append("sn: -") }
            }
            entries.append(entry)
        }
        for (number, name) in computers.enumerated() {
            entries.append([
                "dn: CN=\(name),CN=Computers,\(base)", "objectClass: top", "objectClass: person",
                "objectClass: organizationalPerson", "objectClass: user", "objectClass: computer",
                "objectClass: securityPrincipal", "cn: \(name)", "sn: \(name)", "sAMAccountName: \(name)$",
                "userAccountControl: \(name.hasPrefix("SRV") ? 8192 : 4096)", "instanceType: 4",
                "nTSecurityDescriptor:: AQAEgA==", "objectCategory: CN=Computer,CN=Schema,CN=Configuration,\(base)",
                "objectSid: S-1-5-21-1111-2222-3333-\(3001 + number)",
            ])
        }
        var known = Set(entries.map { $0[0].dropFirst(4).lowercased() })
        var parents: [[String]] = []
        for entry in entries {
            var dn = String(entry[0].dropFirst(4))
            while let comma = dn.firstIndex(of: ",") {
                dn = String(dn[dn.index(after: comma)...])
                guard dn.lowercased().hasSuffix(base.lowercased()), dn.count > base.count,
                    known.insert(dn.lowercased()).inserted
                else { continue }
                let value = dn.split(separator: ",")[0].split(separator: "=", maxSplits: 1)
                parents.append(
                    value[0].lowercased() == "ou"
                        ? ["dn: \(dn)", "objectClass: organizationalUnit", "ou: \(value[1])"]
                        : ["dn: \(dn)", "objectClass: container", "cn: \(value[1])"])
            }
        }
        // Parents before children: fewer commas first.
        let ordered = (entries + parents).sorted {
            $0[0].filter { $0 == "," }.count < $1[0].filter { $0 == "," }.count
        }
        return ordered.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }

    // MARK: The documented command

    /// The `sh` block of `docs/formats/ldif.md`, run through `/bin/sh` with only the host, base and credentials
    /// substituted (and `extra` options added after `ldapsearch`); returns ldapsearch's exit status.
    static func runDocumentedCommand(server: LDAPServer, extra: String?, output: URL) throws -> Int32 {
        let doc = try String(
            contentsOf: Fixtures.repository.appendingPathComponent("docs/formats/ldif.md"), encoding: .utf8)
        let block = try #require(
            doc.components(separatedBy: "```sh\n").dropFirst().first?.components(separatedBy: "```").first)
        var command = block.replacingOccurrences(of: "\\\n", with: " ").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(command.hasPrefix("ldapsearch "))
        let substitutions = [
            ("ldaps://dc01.trust.nhs.uk", "ldap://127.0.0.1:\(server.port)"),
            ("\"DC=trust,DC=nhs,DC=uk\"", "\"\(base)\""),
            ("-D \"user@trust.nhs.uk\" -W", "-D \"\(adminDN)\" -w \(password)"),
            ("> directory.ldif", "> '\(output.path)'"),
        ]
        for (documented, local) in substitutions {
            #expect(command.contains(documented), "the documented command no longer has \(documented)")
            command = command.replacingOccurrences(of: documented, with: local)
        }
        if let extra { command = command.replacingOccurrences(of: "ldapsearch ", with: "ldapsearch \(extra) ") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// A private slapd on a loopback port, with an mdb database and its configuration in a scratch folder.
final class LDAPServer {
    let scratch: ScratchDirectory
    let port: Int
    let base: String
    let adminDN: String
    let password: String
    private let process: Process

    /// The schema msuser.schema lacks (see ``LDAPServerTests``).
    static let extraSchema = """
        objectclass ( 1.2.840.113556.1.5.67 NAME 'domainDNS' SUP top STRUCTURAL MUST ( dc )
          MAY ( objectSid $ minPwdLength $ pwdHistoryLength $ lockoutThreshold $ maxPwdAge $ minPwdAge $ pwdProperties ) )
        objectclass ( 1.2.840.113556.1.3.23 NAME 'container' SUP top STRUCTURAL MUST ( cn ) MAY ( description ) )
        objectclass ( 1.2.840.113556.1.5.6 NAME 'securityPrincipal' SUP top AUXILIARY MUST ( sAMAccountName )
          MAY ( objectSid $ sAMAccountType $ servicePrincipalName $ lastLogonTimestamp $ lastLogon $ pwdLastSet
            $ accountExpires $ adminCount $ primaryGroupID $ userAccountControl $ memberOf $ whenCreated $ displayName
            $ givenName $ member ) )

        """

    init(base: String, adminDN: String, password: String) throws {
        self.base = base
        self.adminDN = adminDN
        self.password = password
        scratch = try ScratchDirectory("vigil-slapd")
        let schema = try scratch.write("vigil-ad.schema", Self.extraSchema)
        try FileManager.default.createDirectory(
            at: scratch.url.appendingPathComponent("db"), withIntermediateDirectories: true)
        let config = """
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            include /etc/ldap/schema/nis.schema
            include /etc/ldap/schema/msuser.schema
            include \(schema.path)
            pidfile \(scratch.url.path)/slapd.pid
            modulepath /usr/lib/ldap
            moduleload back_mdb
            database mdb
            suffix "\(base)"
            rootdn "\(adminDN)"
            rootpw \(password)
            directory \(scratch.url.path)/db
            maxsize 104857600

            """
        try scratch.write("slapd.conf", config)
        port = Int.random(in: 20_000..<60_000)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/slapd")
        // -d 0 keeps slapd in the foreground, so that this process owns it and stops it.
        process.arguments = ["-d", "0", "-f", "\(scratch.url.path)/slapd.conf", "-h", "ldap://127.0.0.1:\(port)/"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
    }

    /// Loads `ldif` with slapadd (before the server starts), then starts the server and waits until it answers.
    func load(_ ldif: String) throws {
        let file = try scratch.write("load.ldif", ldif)
        let add = try Self.run("/usr/sbin/slapadd", ["-f", "\(scratch.url.path)/slapd.conf", "-l", file.path])
        try #require(add == 0, "slapadd failed: the generated directory does not fit the schema")
        try process.run()
        for _ in 0..<100 {
            let probe = try Self.run(
                "/usr/bin/ldapsearch",
                ["-x", "-H", "ldap://127.0.0.1:\(port)", "-b", base, "-s", "base", "-D", adminDN, "-w", password])
            if probe == 0 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("slapd did not answer on port \(port) within 10 seconds")
    }

    /// Stops the server and removes its folder.
    func stop() {
        if process.isRunning {
            // slapd started by Foundation's Process inherits a signal mask that blocks SIGTERM and SIGINT, so it
            // would outlive the test; SIGKILL cannot be blocked, and a scratch mdb database needs no clean shutdown.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        scratch.remove()
    }

    private static func run(_ path: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
