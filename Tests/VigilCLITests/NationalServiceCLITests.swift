import Foundation
import Glibc
import Testing
import VigilCore
import VigilReport
import VigilSubmission
import VigilTestSupport

/// The national service end to end through the real executable: `admin` sets up an organisation and a token, `serve`
/// listens on a free loopback port, `submit` sends the golden practice's assessment, and SIGTERM stops the server
/// gracefully with exit 0.
@Suite("national service command line", .serialized)
struct NationalServiceCLITests {
    static let golden = Fixtures.url("golden/practice-seed7.assessment.json").path

    /// Runs `vigil` with HOME in `home`, so the pseudonymisation key is made there.
    static func run(_ arguments: [String], home: URL) throws -> VigilProcess.Result {
        let process = Process()
        process.executableURL = VigilProcess.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        process.environment = environment
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return VigilProcess.Result(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData, as: UTF8.self))
    }

    @Test("submit --dry-run makes the key 0600 on first use and writes a submission without the assessment's names")
    func dryRun() throws {
        let scratch = try ScratchDirectory("vigil-submit")
        defer { scratch.remove() }
        let out = scratch.url.appending(path: "submission.json")
        let result = try Self.run(["submit", Self.golden, "--dry-run", "--out", out.path], home: scratch.url)
        #expect(result.status == 0, "\(result.error)")
        let key = scratch.url.appending(path: ".config/vigil/pseudonym.key")
        let mode = try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(result.error.contains("made a new pseudonymisation key"))
        let text = try String(contentsOf: out, encoding: .utf8)
        #expect(text.contains("\"findings\""))
        // Every subject name and id, evidence file and detail of the assessment stays behind.
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.golden)))
        let findings = try #require((document as? [String: Any])?["findings"] as? [[String: Any]])
        var names = Set<String>()
        for finding in findings {
            let subject = finding["subject"] as? [String: Any]
            names.formUnion([subject?["name"], subject?["id"], finding["detail"]].compactMap { $0 as? String })
            names.formUnion((finding["evidence"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String })
        }
        #expect(names.count > 10)
        for name in names where name.count > 4 {
            #expect(!text.contains(name), "a name leaked (\(name.count) characters)")
        }
        // The same assessment and key again: the same bytes, and no word about the key.
        let again = scratch.url.appending(path: "again.json")
        let second = try Self.run(["submit", Self.golden, "--dry-run", "--out", again.path], home: scratch.url)
        #expect(try Data(contentsOf: again) == Data(contentsOf: out))
        #expect(!second.error.contains("pseudonymisation key"))
        // A key others can read (copied with the wrong mode) is used, with a warning saying how to fix it.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key.path)
        let readable = try Self.run(["submit", Self.golden, "--dry-run", "--out", again.path], home: scratch.url)
        #expect(readable.status == 0)
        #expect(readable.error.contains("can be read by others (mode 644)") && readable.error.contains("chmod 600"))
    }

    @Test(
        "submit --reveal writes, owner-only, the organisation's map from every key the submission carries to its subject"
    )
    func reveal() throws {
        let scratch = try ScratchDirectory("vigil-reveal")
        defer { scratch.remove() }
        let out = scratch.url.appending(path: "submission.json")
        let map = scratch.url.appending(path: "reveal.csv")
        let result = try Self.run(
            ["submit", Self.golden, "--dry-run", "--out", out.path, "--reveal", map.path], home: scratch.url)
        #expect(result.status == 0, "\(result.error)")
        let mode = try FileManager.default.attributesOfItem(atPath: map.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let rows = try String(contentsOf: map, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(rows.first == "kind,key,id,name")
        // Every subject key the submission carries is on the map, and each maps to the subject the key file gives it.
        let submission = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        let findings = try #require(submission["findings"] as? [[String: Any]])
        let keys = Set(findings.compactMap { $0["subject"] as? String })
        #expect(keys.count > 5)
        let mapped = Dictionary(
            rows.dropFirst().map { row -> (String, String) in
                let cells = row.split(separator: ",", maxSplits: 3, omittingEmptySubsequences: false)
                return (String(cells[1]), String(cells[0]) + " " + String(cells[2]))
            }, uniquingKeysWith: { first, _ in first })
        #expect(keys.isSubset(of: Set(mapped.keys)))
        let key = try PseudonymKey.load(
            from: scratch.url.appending(path: ".config/vigil/pseudonym.key"), create: false
        ).key
        let assessment = try JSONReportRenderer.decode(Data(contentsOf: URL(fileURLWithPath: Self.golden)))
        for finding in assessment.findings where !finding.subject.id.contains(",") {
            let pseudonym = key.subjectKey(kind: finding.subject.kind, id: finding.subject.id)
            #expect(mapped[pseudonym] == "\(finding.subject.kind.rawValue) \(finding.subject.id)")
        }
        // The map stays local: nothing but the receipt line was printed.
        #expect(!result.output.contains("kind,key"))
    }

    @Test(
        "the token travels only over https://, or http:// to this machine: anything else is a usage error before anything is read or sent",
        arguments: [
            ("http://vigil.example.nhs.uk", Int32(64)), ("ftp://x", 64), ("not an address", 64),
            ("http://10.0.0.5:8080", 64), ("http://127.0.0.2:1", 69), ("http://localhost:1", 69),
            ("http://[::1]:1", 69),
        ])
    func serverAddress(_ server: String, _ status: Int32) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("token", "vgl_0123\n")
        let result = try Self.run(
            ["submit", Self.golden, "--server", server, "--token-file", scratch.url.appending(path: "token").path],
            home: scratch.url)
        // Loopback addresses pass the check and then find no server listening (69); the rest are refused (64).
        #expect(result.status == status, "\(server): \(result.error)")
        #expect(!result.error.contains("vgl_0123"))
    }

    @Test("admin, serve, submit and SIGTERM: a receipt comes back and the server stops with 0")
    func endToEnd() async throws {
        let scratch = try ScratchDirectory("vigil-serve")
        defer { scratch.remove() }
        let database = scratch.url.appending(path: "national.sqlite").path
        let created = try Self.run(
            [
                "admin", "create-organisation", "--database", database, "--code", "Y90001", "--name", "Test Practice",
                "--kind", "gp-practice", "--parents", "Y56,QE1",
            ], home: scratch.url)
        #expect(created.status == 0, "\(created.error)")
        let tokenFile = scratch.url.appending(path: "token").path
        let issued = try Self.run(
            ["admin", "issue-token", "--database", database, "--code", "Y90001", "--out", tokenFile], home: scratch.url)
        #expect(issued.status == 0, "\(issued.error)")
        #expect(!issued.output.contains("vgl_"))
        let noKey = try Self.run(["admin", "show-key", "--database", database, "--code", "Y90001"], home: scratch.url)
        #expect(noKey.status == 0 && noKey.output.isEmpty && noKey.error.contains("no key recorded"), "\(noKey.error)")

        let server = Process()
        server.executableURL = VigilProcess.executable
        server.arguments = ["serve", "--database", database, "--listen", "127.0.0.1:0"]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let address = try Self.listeningAddress(output)

        // The golden practice's assessment names Y90001, the organisation the token is for.
        let submitted = try Self.run(
            ["submit", Self.golden, "--server", address, "--token-file", tokenFile], home: scratch.url)
        #expect(submitted.status == 0, "\(submitted.error)")
        #expect(submitted.output.contains("Received as submission"))
        let again = try Self.run(
            ["submit", Self.golden, "--server", address, "--token-file", tokenFile], home: scratch.url)
        #expect(again.output.contains("nothing changed"))
        let wrong = try Self.run(
            ["submit", Self.golden, "--server", address, "--token-file", Self.golden], home: scratch.url)
        #expect(wrong.status != 0)

        // Another key (a new machine, a lost key file) is refused naming both fingerprints, until the national team
        // accepts the one the organisation reads out.
        let otherKey = scratch.url.appending(path: "other.key").path
        let rekeyed = try Self.run(
            ["submit", Self.golden, "--server", address, "--token-file", tokenFile, "--pseudonym-key", otherKey],
            home: scratch.url)
        let fingerprint = try Self.run(["submit", "--key-fingerprint", "--pseudonym-key", otherKey], home: scratch.url)
            .output.trimmingCharacters(in: .whitespacesAndNewlines)
        let original = try Self.run(["submit", "--key-fingerprint"], home: scratch.url).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(
            PseudonymKey.isFingerprint(fingerprint) && PseudonymKey.isFingerprint(original) && fingerprint != original)
        #expect(rekeyed.status == 69 && rekeyed.error.contains("submission.key-changed"), "\(rekeyed.error)")
        let recorded = try Self.run(
            ["admin", "show-key", "--database", database, "--code", "Y90001"], home: scratch.url)
        #expect(recorded.status == 0 && recorded.output == original + "\n", "\(recorded.error)")
        let unknown = try Self.run(
            ["admin", "show-key", "--database", database, "--code", "Y99999"], home: scratch.url)
        #expect(unknown.status == 65, "\(unknown.error)")
        #expect(rekeyed.error.contains(fingerprint) && rekeyed.error.contains(original), "\(rekeyed.error)")
        let accepted = try Self.run(
            ["admin", "accept-key", "--database", database, "--code", "Y90001", "--fingerprint", fingerprint],
            home: scratch.url)
        #expect(accepted.status == 0 && accepted.output.contains("in place of \(original)"), "\(accepted.error)")
        let shown = try Self.run(["admin", "show-key", "--database", database, "--code", "Y90001"], home: scratch.url)
        #expect(shown.status == 0 && shown.output == fingerprint + "\n", "\(shown.error)")
        let underNewKey = try Self.run(
            ["submit", Self.golden, "--server", address, "--token-file", tokenFile, "--pseudonym-key", otherKey],
            home: scratch.url)
        #expect(
            underNewKey.status == 0 && underNewKey.output.contains("Received as submission"), "\(underNewKey.error)")
        let underOldKey = try Self.run(
            ["submit", Self.golden, "--server", address, "--token-file", tokenFile], home: scratch.url)
        // The very document received before is answered with its receipt as ever (idempotency comes first); the
        // store's tests refuse a new one under the retired key.
        #expect(underOldKey.status == 0 && underOldKey.output.contains("nothing changed"), "\(underOldKey.error)")

        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationReason == .exit && server.terminationStatus == 0)

        // Nothing that names a person, a host or a file reached the service: the database (and its journal) holds none
        // of the assessment's subject ids or names, nor what the client printed.
        let names = try Self.subjectNames(Self.golden)
        #expect(names.count > 20)
        let stored = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
            .filter { $0.hasPrefix("national.sqlite") }
            .map { try Data(contentsOf: scratch.url.appending(path: $0)) }
        #expect(stored.reduce(0) { $0 + $1.count } > 0)
        for name in names {
            for data in stored { #expect(data.range(of: Data(name.utf8)) == nil, "a subject reached the database") }
            for text in [submitted.output, submitted.error, again.output, wrong.error, rekeyed.error, accepted.output] {
                #expect(!text.contains(name), "a subject was printed")
            }
        }
    }

    @Test(
        "--key-fingerprint prints an existing key's only: never makes one, and takes nothing that would send or write")
    func keyFingerprintOption() throws {
        let scratch = try ScratchDirectory("vigil-key-fingerprint")
        defer { scratch.remove() }
        let missing = try Self.run(["submit", "--key-fingerprint"], home: scratch.url)
        #expect(missing.status == 66 && missing.error.contains("no pseudonymisation key"), "\(missing.error)")
        let keyFile = scratch.url.appending(path: ".config/vigil/pseudonym.key").path
        #expect(!FileManager.default.fileExists(atPath: keyFile))
        for extra in [[Self.golden], ["--dry-run"], ["--server", "https://example.invalid"], ["--reveal", "map.csv"]] {
            let mixed = try Self.run(["submit", "--key-fingerprint"] + extra, home: scratch.url)
            #expect(mixed.status == 64 && mixed.error.contains("--key-fingerprint takes only"), "\(extra)")
        }
        let neither = try Self.run(["submit"], home: scratch.url)
        #expect(neither.status == 64 && neither.error.contains("assessment.json"), "\(neither.error)")
        // Made by a dry run (said so with its fingerprint), then printed the same.
        let made = try Self.run(
            ["submit", Self.golden, "--dry-run", "--out", scratch.url.appending(path: "s.json").path], home: scratch.url
        )
        let printed = try Self.run(["submit", "--key-fingerprint"], home: scratch.url)
        let fingerprint = printed.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(printed.status == 0 && PseudonymKey.isFingerprint(fingerprint))
        #expect(made.error.contains("fingerprint \(fingerprint)"), "\(made.error)")
        for command in [["submit", "--help"], ["admin", "--help"], ["serve", "--help"]] {
            let help = try Self.run(command, home: scratch.url).output.components(separatedBy: "USAGE:")[0]
                .components(separatedBy: "EXIT CODES")[0]
            for line in help.split(separator: "\n") {
                #expect(!line.trimmingCharacters(in: .whitespaces).contains("  "), "\(command): \(line)")
            }
        }
    }

    @Test("assess --submit sends what submit would send of the written assessment.json; --submit needs a token file")
    func assessAndSubmit() async throws {
        let scratch = try ScratchDirectory("vigil-assess-submit")
        defer { scratch.remove() }
        let bundle = try SyntheticBundles.make(seed: 7, staff: 30, layout: .practice, inventories: true)
        let database = scratch.url.appending(path: "national.sqlite").path
        _ = try Self.run(
            [
                "admin", "create-organisation", "--database", database, "--code", "Y90001", "--name", "Test Practice",
                "--kind", "gp-practice",
            ], home: scratch.url)
        let tokenFile = scratch.url.appending(path: "token").path
        _ = try Self.run(
            ["admin", "issue-token", "--database", database, "--code", "Y90001", "--out", tokenFile], home: scratch.url)
        let server = Process()
        server.executableURL = VigilProcess.executable
        server.arguments = ["serve", "--database", database, "--listen", "127.0.0.1:0"]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let address = try Self.listeningAddress(output)

        let out = scratch.url.appending(path: "out")
        let unpaired = try Self.run(
            ["assess", bundle.directory.path, "--out", out.path, "--submit", address], home: scratch.url)
        #expect(unpaired.status == 64)
        let assessed = try Self.run(
            [
                "assess", bundle.directory.path, "--out", out.path, "--as-of", "2026-11-01",
                "--submit", address, "--token-file", tokenFile,
            ], home: scratch.url)
        #expect(assessed.status == 0, "\(assessed.error)")
        #expect(assessed.output.contains("Received as submission"))
        // The same document as `vigil submit` makes of the assessment.json just written: the service has it already.
        let again = try Self.run(
            ["submit", out.appending(path: "assessment.json").path, "--server", address, "--token-file", tokenFile],
            home: scratch.url)
        #expect(again.status == 0, "\(again.error)")
        #expect(again.output.contains("nothing changed"), "\(again.output)")
        // A service that is gone: the reports are still written, and the exit says the service could not be reached.
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        let unreachable = try Self.run(
            [
                "assess", bundle.directory.path, "--out", out.path, "--as-of", "2026-11-01", "--quiet",
                "--submit", address, "--token-file", tokenFile,
            ], home: scratch.url)
        #expect(unreachable.status == 69)
        #expect(FileManager.default.fileExists(atPath: out.appending(path: "report.html").path))
    }

    /// The ids and names of the account, host, file and permission subjects of the assessment at `path`, and the parts
    /// of each (the account without its domain, the file name without its folders), at least 4 characters long.
    static func subjectNames(_ path: String) throws -> Set<String> {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let assessment = try decoder.decode(Assessment.self, from: Data(contentsOf: URL(filePath: path)))
        var names: Set<String> = []
        for finding in assessment.findings where [.account, .host, .file, .resource].contains(finding.subject.kind) {
            for text in [finding.subject.id, finding.subject.name] {
                names.insert(text)
                for part in text.split(whereSeparator: { "\\/|".contains($0) }) { names.insert(String(part)) }
            }
        }
        let generic: Set<String> = ["Shares", "shares", "Practice", "practice", "Everyone", "everyone"]
        return names.filter { $0.count >= 4 && !generic.contains($0) && !$0.hasSuffix(":") }
    }

    /// Reads the server's first line until it names its address (at most 60 s).
    static func listeningAddress(_ pipe: Pipe) throws -> String {
        let deadline = Date().addingTimeInterval(60)
        var text = ""
        while Date() < deadline {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+/"#, options: .regularExpression) {
                return String(text[range])
            }
        }
        throw CocoaError(.fileReadUnknown)
    }

    @Test("an assessment dated on a day the calendar does not have is refused (65), never sent as the next month")
    func impossibleAssessmentDay() throws {
        let scratch = try ScratchDirectory("vigil-submit")
        defer { scratch.remove() }
        let text = try String(contentsOfFile: Self.golden, encoding: .utf8)
        #expect(text.contains("\"assessedAt\" : \"2026-11-01T00:00:00Z\""))
        let edited = try scratch.write(
            "assessment.json",
            text.replacingOccurrences(
                of: "\"assessedAt\" : \"2026-11-01T00:00:00Z\"", with: "\"assessedAt\" : \"2026-02-30T00:00:00Z\""))
        let out = scratch.url.appending(path: "submission.json")
        let result = try Self.run(["submit", edited.path, "--dry-run", "--out", out.path], home: scratch.url)
        #expect(result.status == 65, "\(result.error)")
        #expect(result.error.contains("assessedAt is not a day of the calendar"), "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
