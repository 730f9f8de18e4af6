import Foundation
import Testing
import VigilTestSupport

/// What `--database` may name, and what the admin commands do with days, tokens and the organisation tree, through the
/// real executable: the defects an auditor met on a national operator's first day.
@Suite("admin commands: the database path, days, tokens and the tree", .serialized)
struct AdminDatabaseCLITests {
    /// The permission bits of `path`.
    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// `vigil admin COMMAND --database DATABASE ARGUMENTS…`.
    static func admin(_ command: String, _ database: String, _ arguments: [String] = []) throws
        -> VigilProcess.Result
    {
        try VigilProcess.run(["admin", command, "--database", database] + arguments)
    }

    /// A database holding RXX under Y56/QE1.
    static func database(in scratch: ScratchDirectory) throws -> String {
        let database = scratch.url.appending(path: "national.sqlite").path
        let made = try admin(
            "create-organisation", database,
            ["--code", "RXX", "--name", "Trust RXX", "--kind", "acute-trust", "--parents", "Y56,QE1"])
        #expect(made.status == 0, "\(made.error)")
        return database
    }

    @Test("a folder or a file that is not SQLite is refused with its path and kept as it was, for admin and serve")
    func notADatabase() throws {
        let scratch = try ScratchDirectory("vigil-admin-db")
        defer { scratch.remove() }
        let folder = scratch.url.appending(path: "d").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
        let other = try scratch.write("notes.txt", "not a database\n").path
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: other)
        for (path, mode, words) in [(folder, 0o755, "is a folder"), (other, 0o644, "is not a SQLite database")] {
            for command in ["list-organisations", "create-organisation"] {
                let extra = command == "create-organisation" ? ["--code", "RXX", "--name", "Trust"] : []
                let result = try Self.admin(command, path, extra)
                #expect(result.status == 69, "\(command) \(path): \(result.error)")
                #expect(result.error.contains(path) && result.error.contains(words), "\(result.error)")
                #expect(!result.error.contains("does not answer"), "\(result.error)")
                #expect(try Self.mode(path) == mode, "\(command) changed the mode of \(path)")
            }
            let serve = try VigilProcess.run(["serve", "--database", path, "--listen", "127.0.0.1:0"])
            #expect(serve.status == 69 && serve.error.contains(words), "\(serve.error)")
            #expect(try Self.mode(path) == mode)
        }
        #expect(try String(contentsOfFile: other, encoding: .utf8) == "not a database\n")
        // An empty file is a database SQLite has yet to write: used, and made owner-only.
        let empty = try scratch.write("empty.sqlite", Data()).path
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: empty)
        #expect(try Self.admin("list-organisations", empty).status == 0)
        #expect(try Self.mode(empty) == 0o600)
    }

    @Test("a read-only command on a missing database exits 66 naming it and what creates it, and creates nothing")
    func missingDatabase() throws {
        let scratch = try ScratchDirectory("vigil-admin-db")
        defer { scratch.remove() }
        let missing = scratch.url.appending(path: "typo.sqlite").path
        let commands: [(String, [String])] = [
            ("list-organisations", []), ("list-alerts", []), ("list-users", []), ("list-tokens", ["--code", "RXX"]),
            ("list-tickets", ["--code", "RXX"]), ("list-exceptions", []), ("alert-status", ["1"]), ("audit", []),
            ("sweep", []), ("revoke-token", ["--code", "RXX", "--all"]), ("issue-token", ["--code", "RXX"]),
            ("disable-user", ["--name", "someone"]), ("show-key", ["--code", "RXX"]),
        ]
        for (command, arguments) in commands {
            let result = try Self.admin(command, missing, arguments)
            #expect(result.status == 66, "\(command): \(result.error)")
            #expect(result.error.contains(missing) && result.error.contains("create-organisation"), "\(result.error)")
            #expect(!FileManager.default.fileExists(atPath: missing), "\(command) created the database")
        }
        // Commands that add something still make it.
        #expect(try Self.admin("create-organisation", missing, ["--code", "RXX", "--name", "Trust"]).status == 0)
        #expect(try Self.mode(missing) == 0o600)
    }

    /// Days the calendar does not have, for each option taking a day or a time.
    static let impossibleDays: [(command: String, arguments: [String], option: String)] = [
        ("audit", ["--since", "2026-02-30"], "--since"),
        ("audit", ["--since", "2026-02-30T09:00:00Z"], "--since"),
        ("list-alerts", ["--at", "2026-02-29"], "--at"),
        ("alert-status", ["1", "--at", "2026-04-31T00:00:00Z"], "--at"),
        ("list-exceptions", ["--at", "2026-02-30"], "--at"),
        (
            "request-exception",
            ["--as", "x", "--ticket", "1", "--reason", "r", "--controls", "c", "--expires", "2027-02-30"], "--expires"
        ),
        ("decide-exception", ["1", "--as", "x", "--approve", "--expires", "2027-02-30"], "--expires"),
        (
            "issue-alert",
            ["--title", "t", "--severity", "high", "--rule", "VGL-UPD-MISSING", "--remediate-by", "2027-02-30"],
            "--remediate-by"
        ),
    ]

    @Test("a day the calendar does not have exits 64 as --as-of does, never rolled over", arguments: 0..<8)
    func impossibleDay(_ index: Int) throws {
        let scratch = try ScratchDirectory("vigil-admin-db")
        defer { scratch.remove() }
        let database = try Self.database(in: scratch)
        let (command, arguments, option) = Self.impossibleDays[index]
        let result = try Self.admin(command, database, arguments)
        #expect(result.status == 64, "\(result.error)")
        #expect(result.error.contains("\(option) is not a day of the calendar"), "\(result.error)")
    }

    @Test("--at takes a bare day, as audit --since does")
    func bareDays() throws {
        let scratch = try ScratchDirectory("vigil-admin-db")
        defer { scratch.remove() }
        let database = try Self.database(in: scratch)
        #expect(try Self.admin("list-alerts", database, ["--at", "2026-12-07"]).status == 0)
        #expect(try Self.admin("list-exceptions", database, ["--at", "2026-12-07"]).status == 0)
        #expect(try Self.admin("audit", database, ["--since", "2026-12-07"]).status == 0)
    }

    @Test("an organisation is not a parent, and an area's code is an organisation only as the ICB itself (exit 65)")
    func organisationTree() throws {
        let scratch = try ScratchDirectory("vigil-admin-db")
        defer { scratch.remove() }
        let database = try Self.database(in: scratch)
        func create(_ code: String, _ parents: String, kind: String = "gp-practice") throws -> VigilProcess.Result {
            try Self.admin(
                "create-organisation", database,
                ["--code", code, "--name", "Org", "--kind", kind, "--parents", parents])
        }
        let underPractice = try create("Y90021", "Y56,QE1,RXX")
        #expect(underPractice.status == 65 && underPractice.error.contains("RXX is an organisation"))
        let icbAsPractice = try create("QE1", "Y56")
        #expect(icbAsPractice.status == 65 && icbAsPractice.error.contains("QE1 is an ICB"))
        let region = try create("Y56", "")
        #expect(region.status == 65 && region.error.contains("Y56 is a region"))
        #expect(try create("QE1", "Y56", kind: "commissioning-body").status == 0)
        let listed = try Self.admin("list-organisations", database).output
        #expect(!listed.contains("Y90021") && listed.contains("Y56/QE1\tcommissioning-body"))
    }

    @Test(
        "issue-token stores nothing when --out cannot be written, refuses to overwrite a token file without --replace, and audits fingerprints"
    )
    func tokens() throws {
        let scratch = try ScratchDirectory("vigil-admin-db")
        defer { scratch.remove() }
        let database = try Self.database(in: scratch)
        let unwritable = try Self.admin(
            "issue-token", database, ["--code", "RXX", "--out", scratch.url.appending(path: "no/such/dir/t").path])
        #expect(unwritable.status == 73 && unwritable.error.contains("no token was stored"), "\(unwritable.error)")
        #expect(try Self.admin("list-tokens", database, ["--code", "RXX"]).output.isEmpty)

        let file = scratch.url.appending(path: "token").path
        let first = try Self.admin("issue-token", database, ["--code", "RXX", "--out", file])
        #expect(first.status == 0, "\(first.error)")
        let token = try String(contentsOfFile: file, encoding: .utf8)
        let again = try Self.admin("issue-token", database, ["--code", "RXX", "--out", file])
        #expect(again.status == 73 && again.error.contains("--replace"), "\(again.error)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == token)
        #expect(try Self.admin("list-tokens", database, ["--code", "RXX"]).output.split(separator: "\n").count == 1)

        let rotated = try Self.admin("issue-token", database, ["--code", "RXX", "--out", file, "--replace"])
        #expect(rotated.status == 0, "\(rotated.error)")
        let tokens = try Self.admin("list-tokens", database, ["--code", "RXX"]).output.split(separator: "\n")
        #expect(tokens.count == 2 && tokens.filter { $0.hasSuffix("\tlive") }.count == 1)
        // Issued within one second, so listed by hash: told apart by which is live.
        let old = String(try #require(tokens.first { !$0.hasSuffix("\tlive") }).prefix(12))
        let new = String(try #require(tokens.first { $0.hasSuffix("\tlive") }).prefix(12))
        #expect(rotated.output.contains("fingerprint \(new)"))
        let log = try Self.admin("audit", database).output
        #expect(log.contains("\tissue-token\toperator\tRXX\tcli\ttoken \(old)\n"), "\(log)")
        #expect(log.contains("\tissue-token\toperator\tRXX\tcli\ttoken \(new) (replacing the others)\n"), "\(log)")
        #expect(log.contains("\trevoke-token\toperator\tRXX\tcli\ttoken \(old) (replaced by \(new))\n"), "\(log)")
        #expect(log.components(separatedBy: "\trevoke-token\t").count == 2)
        #expect(!log.contains(token.trimmingCharacters(in: .newlines)))
    }

    @Test("create-user names the person in the audit log and refuses a region nothing stands under")
    func people() throws {
        let scratch = try ScratchDirectory("vigil-admin-db")
        defer { scratch.remove() }
        let database = try Self.database(in: scratch)
        let nowhere = try Self.admin(
            "create-user", database, ["--name", "viewer1", "--role", "regional-viewer", "--region", "ZZZ"])
        #expect(nowhere.status == 65 && nowhere.error.contains("region or ICB"), "\(nowhere.error)")
        #expect(
            try Self.admin(
                "create-user", database, ["--name", "viewer2", "--role", "regional-viewer", "--region", "QE1"]
            ).status == 0)
        #expect(try Self.admin("list-users", database).output.hasPrefix("viewer2\tregional-viewer\tQE1"))
        let log = try Self.admin("audit", database).output
        #expect(log.contains("\tcreate-user\toperator\t-\tcli\tviewer2 regional-viewer QE1\n"), "\(log)")
    }

    @Test("decide-exception takes one of --approve and --reject; an unknown person exits 65")
    func decisions() throws {
        let scratch = try ScratchDirectory("vigil-admin-db")
        defer { scratch.remove() }
        let database = try Self.database(in: scratch)
        let neither = try Self.admin("decide-exception", database, ["1", "--as", "x"])
        #expect(neither.status == 64 && neither.error.contains("give --approve or --reject"), "\(neither.error)")
        #expect(!neither.error.contains("Help:"))
        let usage = try VigilProcess.run(["admin", "decide-exception", "--help"]).output
        #expect(usage.contains("--approve | --reject"), "\(usage)")
        let nobody = try Self.admin("decide-exception", database, ["1", "--as", "nobody", "--approve"])
        #expect(nobody.status == 65, "\(nobody.error)")
        let requester = try Self.admin(
            "request-exception", database,
            ["--as", "nobody", "--ticket", "1", "--reason", "r", "--controls", "c", "--expires", "2027-01-31"])
        #expect(requester.status == 65, "\(requester.error)")
    }

    @Test("help texts: no runs of spaces mid-sentence, and every exit code each command can give")
    func help() throws {
        for command in [
            "disable-user", "list-tickets", "decide-exception", "request-exception", "issue-token", "accept-key",
            "show-key",
        ] {
            let help = try VigilProcess.run(["admin", command, "--help"]).output
            let discussion = help.components(separatedBy: "USAGE:")[0]
            for line in discussion.split(separator: "\n") {
                #expect(!line.trimmingCharacters(in: .whitespaces).contains("  "), "\(command): \(line)")
            }
            #expect(discussion.contains("64") && discussion.contains("66") && discussion.contains("69"), "\(command)")
        }
        #expect(try VigilProcess.run(["admin", "--help"]).output.contains("73"))
    }
}
