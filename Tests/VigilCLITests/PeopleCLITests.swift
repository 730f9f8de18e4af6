import Foundation
import Testing
import VigilStore
import VigilTestSupport

/// `vigil admin create-user | list-users | audit` through the real executable over a SQLite file: passwords made and
/// shown once or read from a file or standard input (never argv), stored only hashed; bad values exit 64; every change
/// is in the audit log.
@Suite("people on the command line", .serialized)
struct PeopleCLITests {
    /// Runs `vigil` with `input` on its standard input.
    static func run(_ arguments: [String], input: String) throws -> VigilProcess.Result {
        let process = Process()
        process.executableURL = VigilProcess.executable
        process.arguments = arguments
        let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let error = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return VigilProcess.Result(
            status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
            error: String(decoding: error, as: UTF8.self))
    }

    /// A database with organisations RXX (under Y56/QE1) and RYY.
    static func database(in scratch: ScratchDirectory) throws -> String {
        let database = scratch.url.appending(path: "national.sqlite").path
        for code in ["RXX", "RYY"] {
            let made = try VigilProcess.run([
                "admin", "create-organisation", "--database", database, "--code", code, "--name", "Trust \(code)",
                "--kind", "acute-trust", "--parents", "Y56,QE1",
            ])
            #expect(made.status == 0, "\(made.error)")
        }
        return database
    }

    /// Every file of the SQLite database (main, WAL, shared memory) as bytes.
    static func databaseBytes(_ path: String) -> Data {
        ["", "-wal", "-shm"].reduce(into: Data()) { bytes, suffix in
            bytes.append((try? Data(contentsOf: URL(fileURLWithPath: path + suffix))) ?? Data())
        }
    }

    @Test("a made password is printed once, stored only as a bcrypt hash, and signs the person in")
    func generatedPassword() async throws {
        let scratch = try ScratchDirectory("vigil-people")
        defer { scratch.remove() }
        let database = try Self.database(in: scratch)
        let made = try VigilProcess.run([
            "admin", "create-user", "--database", database, "--name", "Ada@Example.NHS.uk", "--display-name",
            "Ada Lovelace", "--role", "organisation-member", "--organisation", "RXX",
        ])
        #expect(made.status == 0, "\(made.error)")
        #expect(made.output.contains("Created ada@example.nhs.uk (organisation-member)."))
        let line = try #require(made.output.split(separator: "\n").first { $0.hasPrefix("One-time password") })
        let password = String(try #require(line.split(separator: " ").last))
        #expect(password.count == 24 && password.split(separator: "-").count == 5)
        #expect(Self.databaseBytes(database).range(of: Data(password.utf8)) == nil)

        let store = try SQLNationalStore(address: database)
        let outcome = try await store.signIn(
            login: "ada@example.nhs.uk", password: password, origin: Origin(address: "10.0.0.1", at: Date()))
        guard case .signedIn(let session) = outcome else {
            Issue.record("the printed password did not sign in")
            return
        }
        #expect(session.user.organisation?.code == "RXX")

        let listed = try VigilProcess.run(["admin", "list-users", "--database", database])
        #expect(listed.status == 0)
        #expect(listed.output == "ada@example.nhs.uk\torganisation-member\tRXX\tAda Lovelace\tactive\n")
    }

    @Test("a password is read from a file's first line or from standard input, and is never printed")
    func passwordFromFileAndStandardInput() throws {
        let scratch = try ScratchDirectory("vigil-people")
        defer { scratch.remove() }
        let database = try Self.database(in: scratch)
        let file = scratch.url.appending(path: "password.txt")
        try Data("a long passphrase here\r\nsecond line\n".utf8).write(to: file)
        let fromFile = try VigilProcess.run([
            "admin", "create-user", "--database", database, "--name", "viewer", "--role", "regional-viewer",
            "--region", "QE1", "--password-file", file.path,
        ])
        #expect(fromFile.status == 0, "\(fromFile.error)")
        #expect(!fromFile.output.contains("passphrase") && !fromFile.output.contains("One-time"))
        let fromInput = try Self.run(
            [
                "admin", "create-user", "--database", database, "--name", "analyst", "--role", "national-analyst",
                "--password-file", "-",
            ], input: "another long passphrase\n")
        #expect(fromInput.status == 0, "\(fromInput.error)")
        #expect(!fromInput.output.contains("passphrase"))
        let listed = try VigilProcess.run(["admin", "list-users", "--database", database])
        #expect(
            listed.output
                == "analyst\tnational-analyst\tnation\tanalyst\tactive\nviewer\tregional-viewer\tQE1\tviewer\tactive\n")
    }

    /// Options of `create-user` that must be refused, with the exit code.
    static let refused: [([String], Int32)] = [
        (["--name", "x1", "--role", "chief"], 64),
        (["--name", "member", "--role", "organisation-member"], 64),
        (["--name", "member", "--role", "organisation-member", "--region", "QE1"], 64),
        (["--name", "analyst", "--role", "national-analyst", "--organisation", "RXX"], 64),
        (["--name", "viewer", "--role", "regional-viewer"], 64),
        (["--name", "has space", "--role", "national-analyst"], 64),
        (["--name", "member", "--role", "organisation-member", "--organisation", "NOSUCH9"], 65),
    ]

    @Test(
        "bad values exit 64, an unknown organisation exits 65, and nothing is stored", arguments: PeopleCLITests.refused
    )
    func badValues(_ options: [String], _ status: Int32) throws {
        let scratch = try ScratchDirectory("vigil-people")
        defer { scratch.remove() }
        let database = try Self.database(in: scratch)
        let result = try VigilProcess.run(["admin", "create-user", "--database", database] + options)
        #expect(result.status == status, "\(result.error)")
        let listed = try VigilProcess.run(["admin", "list-users", "--database", database])
        #expect(listed.output.isEmpty)
    }

    @Test("a short password from a file exits 64 without quoting it; a name taken exits 65")
    func shortPasswordAndDuplicate() throws {
        let scratch = try ScratchDirectory("vigil-people")
        defer { scratch.remove() }
        let database = try Self.database(in: scratch)
        let arguments = [
            "admin", "create-user", "--database", database, "--name", "analyst", "--role", "national-analyst",
        ]
        let short = try Self.run(arguments + ["--password-file", "-"], input: "hunter2\n")
        #expect(short.status == 64)
        #expect(!short.error.contains("hunter2") && short.error.contains("12 to 72 bytes"))
        #expect(try VigilProcess.run(arguments).status == 0)
        let again = try VigilProcess.run(arguments)
        #expect(again.status == 65)
    }

    @Test("the audit log lists the operator's changes, filters by --since, reads as JSON, and refuses a bad time")
    func audit() throws {
        let scratch = try ScratchDirectory("vigil-people")
        defer { scratch.remove() }
        let database = try Self.database(in: scratch)
        let token = try VigilProcess.run([
            "admin", "issue-token", "--database", database, "--code", "RXX", "--out",
            scratch.url.appending(path: "t").path,
        ])
        #expect(token.status == 0)
        _ = try VigilProcess.run([
            "admin", "create-user", "--database", database, "--name", "analyst", "--role", "national-analyst",
        ])
        let text = try VigilProcess.run(["admin", "audit", "--database", database])
        #expect(text.status == 0, "\(text.error)")
        let lines = text.output.split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false)
        }
        #expect(
            lines.map { String($0[1]) } == ["create-organisation", "create-organisation", "issue-token", "create-user"])
        #expect(lines.allSatisfy { $0[2] == "operator" && $0[4] == "cli" })
        #expect(lines.map { String($0[3]) } == ["RXX", "RYY", "RXX", "-"])

        let json = try VigilProcess.run(["admin", "audit", "--database", database, "--format", "json"])
        let records = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]]
        #expect(records?.count == 4)
        // The person given the role is named, as disable-user's entries name the person disabled.
        #expect(records?.last?["detail"] as? String == "analyst national-analyst")

        let later = try VigilProcess.run(["admin", "audit", "--database", database, "--since", "2999-01-01"])
        #expect(later.status == 0 && later.output.isEmpty)
        let bad = try VigilProcess.run(["admin", "audit", "--database", database, "--since", "yesterday"])
        #expect(bad.status == 64)
    }

    @Test(
        "a token is revoked by its fingerprint or rotated with --replace; a leaver is disabled and listed so; a database that cannot be opened exits 69"
    )
    func takingAccessAway() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let database = try Self.database(in: scratch)
        func admin(_ arguments: [String]) throws -> VigilProcess.Result {
            try VigilProcess.run(["admin"] + arguments + ["--database", database])
        }
        let first = try admin(["issue-token", "--code", "RXX"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let second = try admin(["issue-token", "--code", "RXX"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let fingerprint = SQLNationalStore.tokenFingerprint(first)
        let listed = try admin(["list-tokens", "--code", "RXX"])
        #expect(listed.status == 0 && listed.output.contains("\(fingerprint)\tissued"), "\(listed.output)")
        #expect(!listed.output.contains(first) && !listed.output.contains(second))
        #expect(try admin(["revoke-token", "--code", "RXX", "--fingerprint", fingerprint]).status == 0)
        // The same fingerprint again names no live token: 65, nothing revoked.
        #expect(try admin(["revoke-token", "--code", "RXX", "--fingerprint", fingerprint]).status == 65)
        #expect(try admin(["revoke-token", "--code", "RXX"]).status == 64)
        let rotated = try admin(["issue-token", "--code", "RXX", "--replace"])
        #expect(rotated.status == 0 && rotated.error.contains("revoked 1 other token of RXX"), "\(rotated.error)")
        let after = try admin(["list-tokens", "--code", "RXX"]).output.split(separator: "\n")
        #expect(after.count == 3 && after.filter { $0.hasSuffix("\tlive") }.count == 1, "\(after)")
        let made = try Self.run(
            [
                "admin", "create-user", "--database", database, "--name", "leaver@example.nhs.uk", "--role",
                "national-analyst", "--password-file", "-",
            ], input: "a long enough password\n")
        #expect(made.status == 0)
        #expect(try admin(["disable-user", "--name", "leaver@example.nhs.uk"]).status == 0)
        #expect(try admin(["disable-user", "--name", "nobody@example.nhs.uk"]).status == 65)
        let users = try admin(["list-users"]).output
        #expect(users.contains("leaver@example.nhs.uk\tnational-analyst\tnation\tleaver@example.nhs.uk\tdisabled "))
        let log = try admin(["audit"]).output
        // Revocations name the token by fingerprint, so a leaked token is traced to its issue and its end.
        #expect(log.contains("\trevoke-token\toperator\tRXX\tcli\ttoken \(fingerprint)\n"), "\(log)")
        #expect(log.contains("\tissue-token\toperator\tRXX\tcli\ttoken \(fingerprint)\n"), "\(log)")
        #expect(log.contains("\tdisable-user\toperator\t-\tcli\tleaver@example.nhs.uk"))
        let unusable = try VigilProcess.run([
            "admin", "create-organisation", "--database", scratch.url.appending(path: "no/such/folder/x.sqlite").path,
            "--code", "RZZ", "--name", "Trust",
        ])
        #expect(unusable.status == 69, "\(unusable.error)")
        #expect(unusable.error.split(separator: "\n").count == 1, "\(unusable.error)")
    }

    @Test("each new command's help states its exit codes")
    func help() throws {
        for command in [
            "create-user", "list-users", "audit", "disable-user", "enable-user", "list-tokens", "revoke-token",
        ] {
            let help = try VigilProcess.run(["admin", command, "--help"])
            #expect(help.status == 0)
            #expect(help.output.contains("Exit codes: 0"), "\(command)")
        }
        let serve = try VigilProcess.run(["serve", "--help"])
        #expect(serve.output.contains("--secure-cookies"))
        #expect(serve.output.contains("--trusted-proxy"))
        let badProxy = try VigilProcess.run(["serve", "--trusted-proxy", "proxy.example", "--listen", "0"])
        #expect(badProxy.status == 64)
    }
}
