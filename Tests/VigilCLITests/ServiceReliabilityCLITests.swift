import Foundation
import Glibc
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// The service's promises about failure, through the real executables (issue 14, "Isolation and reliability"):
/// `kill -9` of the server while submissions arrive loses no acknowledged submission and leaves no partial one, and two
/// servers on one PostgreSQL take concurrent submissions for the same and different organisations with nothing lost
/// or duplicated.
@Suite("national service under failure and concurrency", .serialized)
struct ServiceReliabilityCLITests {
    /// A running `vigil serve` and its address.
    struct Server {
        let process: Process
        let address: String

        static func start(database: String) throws -> Server {
            let process = Process()
            process.executableURL = VigilProcess.executable
            process.arguments = ["serve", "--database", database, "--listen", "127.0.0.1:0"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            return Server(process: process, address: try NationalServiceCLITests.listeningAddress(output))
        }

        func stop(signal: Int32 = SIGTERM) {
            guard process.isRunning else { return }
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }
    }

    /// A `vigil submit` started without waiting for it.
    struct Submit {
        let process: Process
        let output: Pipe
        let error: Pipe

        static func start(_ assessment: String, server: String, token: String, home: URL) throws -> Submit {
            let process = Process()
            process.executableURL = VigilProcess.executable
            process.arguments = ["submit", assessment, "--server", server, "--token-file", token]
            var environment = ProcessInfo.processInfo.environment
            environment["HOME"] = home.path
            process.environment = environment
            let output = Pipe()
            let error = Pipe()
            process.standardOutput = output
            process.standardError = error
            try process.run()
            return Submit(process: process, output: output, error: error)
        }

        /// Waits for it; the exit status, the receipt line and what it said on standard error.
        func finish() -> (status: Int32, receipt: String, error: String) {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            let message = error.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (
                process.terminationStatus, String(decoding: data, as: UTF8.self),
                String(decoding: message, as: UTF8.self)
            )
        }
    }

    /// The submission number a receipt line names, and whether it was new (not "Already received").
    static func receipt(_ line: String) -> (submission: Int, new: Bool)? {
        guard let range = line.range(of: #"as submission [0-9]+"#, options: .regularExpression),
            let number = Int(line[range].split(separator: " ").last ?? "")
        else { return nil }
        return (number, !line.contains("Already received"))
    }

    /// Variants of the golden practice's assessment for organisation `code`: variant `i` is assessed `i` days later
    /// and lacks finding `i`, so every variant is a different document.
    static func variants(_ count: Int, code: String, in folder: URL) throws -> [String] {
        let golden = try Data(contentsOf: URL(fileURLWithPath: NationalServiceCLITests.golden))
        let formatter = ISO8601DateFormatter()
        let base = try #require(formatter.date(from: "2026-11-01T00:00:00Z"))
        return try (0..<count).map { index in
            var document = try #require(try JSONSerialization.jsonObject(with: golden) as? [String: Any])
            var findings = try #require(document["findings"] as? [Any])
            findings.remove(at: index % findings.count)
            document["findings"] = findings
            document["assessedAt"] = formatter.string(from: base.addingTimeInterval(Double(index) * 86_400))
            var organisation = try #require(document["organisation"] as? [String: Any])
            organisation["code"] = code
            document["organisation"] = organisation
            let path = folder.appending(path: "\(code)-\(index).assessment.json").path
            try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: path))
            return path
        }
    }

    /// Creates organisation `code` in `database` and writes a token for it; returns the token file.
    static func organisation(_ code: String, database: String, home: URL) throws -> String {
        let created = try NationalServiceCLITests.run(
            [
                "admin", "create-organisation", "--database", database, "--code", code, "--name", "Practice \(code)",
                "--kind", "gp-practice", "--parents", "Y56,QE1",
            ], home: home)
        #expect(created.status == 0, "\(created.error)")
        // One file per database: issue-token never overwrites a token file that may hold a live token.
        let tag = database.split(separator: "/").last.map(String.init) ?? "database"
        let token = home.appending(path: "token-\(code)-\(tag)").path
        let issued = try NationalServiceCLITests.run(
            ["admin", "issue-token", "--database", database, "--code", code, "--out", token], home: home)
        #expect(issued.status == 0, "\(issued.error)")
        return token
    }

    /// The open tickets of organisation `code` as rule and pseudonymous subject, sorted. Only open ones compare across
    /// arrival orders: a document older than one already applied is kept without changing tickets, so which fixed
    /// tickets exist depends on the order documents arrived in, while the open ones are the latest document's.
    static func openTickets(_ code: String, database: String) async throws -> [String] {
        let store = try SQLNationalStore(address: database)
        return try await store.withRunning {
            guard let organisation = try await store.organisation(code: code) else { return [] }
            return try await store.tickets(organisation: organisation.id)
                .filter { $0.state == .open }.map { "\($0.rule) \($0.subject)" }.sorted()
        }
    }

    @Test("kill -9 while submissions arrive: every acknowledged one survives, none is partial, the rest can be resent")
    func killDuringSubmissions() async throws {
        let scratch = try ScratchDirectory("vigil-kill")
        defer { scratch.remove() }
        let database = scratch.url.appending(path: "national.sqlite").path
        let token = try Self.organisation("Y90001", database: database, home: scratch.url)
        let variants = try Self.variants(16, code: "Y90001", in: scratch.url)

        // 1. All at once; the server is killed as soon as the first receipt comes back.
        var server = try Server.start(database: database)
        let submits = try variants.map { try Submit.start($0, server: server.address, token: token, home: scratch.url) }
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, submits.contains(where: \.process.isRunning),
            !submits.contains(where: { !$0.process.isRunning && $0.process.terminationStatus == 0 })
        {
            try await Task.sleep(for: .milliseconds(5))
        }
        server.stop(signal: SIGKILL)
        let outcomes = submits.map { $0.finish() }
        let acknowledged = outcomes.enumerated().filter { $0.element.status == 0 }.map(\.offset)
        #expect(!acknowledged.isEmpty)
        // A submission the server did not acknowledge failed loudly (exit 69, service unreachable or cut off).
        for outcome in outcomes where outcome.status != 0 { #expect(outcome.status == 69) }

        // 2. Restarted on the same file, the server acknowledges every earlier receipt as already received, under the
        // same number; the others are taken now (or were stored before the connection died, and say so).
        server = try Server.start(database: database)
        defer { server.stop() }
        for (index, path) in variants.enumerated() {
            let resent = try Submit.start(path, server: server.address, token: token, home: scratch.url).finish()
            #expect(resent.status == 0)
            let again = try #require(Self.receipt(resent.receipt))
            if acknowledged.contains(index), let first = Self.receipt(outcomes[index].receipt) {
                #expect(!again.new && again.submission == first.submission, "variant \(index)")
            }
        }

        // 3. Nothing partial: the open tickets equal those of a server that was never killed and took the same documents.
        let control = scratch.url.appending(path: "control.sqlite").path
        let controlToken = try Self.organisation("Y90001", database: control, home: scratch.url)
        let calm = try Server.start(database: control)
        defer { calm.stop() }
        for path in variants {
            #expect(
                try Submit.start(path, server: calm.address, token: controlToken, home: scratch.url).finish().0 == 0)
        }
        let survived = try await Self.openTickets("Y90001", database: database)
        #expect(!survived.isEmpty)
        #expect(survived == (try await Self.openTickets("Y90001", database: control)))
    }

    @Test(
        "a PostgreSQL that does not answer: serve ends with 69, saying so, after --database-wait; SIGTERM meanwhile, 0"
    )
    func unreachableDatabase() throws {
        // Port 1 on this machine: connections are refused at once, so the pool would retry for ever.
        func start(wait: Int) throws -> (Process, Pipe) {
            let process = Process()
            process.executableURL = VigilProcess.executable
            process.arguments = [
                "serve", "--database", "postgres://vigil:secret-pw@127.0.0.1:1/vigil", "--listen", "127.0.0.1:0",
                "--database-wait", "\(wait)",
            ]
            let error = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = error
            try process.run()
            return (process, error)
        }
        let (waited, waitedError) = try start(wait: 2)
        let text = String(decoding: waitedError.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        waited.waitUntilExit()
        #expect(waited.terminationStatus == 69)
        #expect(text.contains("does not answer (within 2 s)") && text.contains("store.unreachable"), "\(text)")
        // The pool's messages say why each connection failed (refused here); the last line is the service's own, and
        // none holds the address's password.
        #expect(text.split(separator: "\n").last?.hasPrefix("vigil: the database does not answer") == true, "\(text)")
        #expect(!text.contains("secret-pw"), "\(text)")

        let (stopped, _) = try start(wait: 600)
        Thread.sleep(forTimeInterval: 1)
        kill(stopped.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while stopped.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if stopped.isRunning { kill(stopped.processIdentifier, SIGKILL) }
        stopped.waitUntilExit()
        #expect(stopped.terminationReason == .exit && stopped.terminationStatus == 0)
    }

    @Test(
        "two servers on one PostgreSQL: concurrent submissions for one and for two organisations, none lost or doubled",
        .enabled(if: ProcessInfo.processInfo.environment["VIGIL_POSTGRES_URL"].map { !$0.isEmpty } ?? false))
    func twoServersOnePostgres() async throws {
        let database = try #require(ProcessInfo.processInfo.environment["VIGIL_POSTGRES_URL"])
        let scratch = try ScratchDirectory("vigil-two-servers")
        defer { scratch.remove() }
        // Codes of their own, so the shared test database's other rows never meet these.
        let suffix = String(UInt32.random(in: 0...0xFFFF), radix: 16, uppercase: true)
        let codes = ["Z1" + suffix, "Z2" + suffix]
        let tokens = try codes.map { try Self.organisation($0, database: database, home: scratch.url) }
        let variants = try codes.map { try Self.variants(6, code: $0, in: scratch.url) }
        let first = try Server.start(database: database)
        defer { first.stop() }
        let second = try Server.start(database: database)
        defer { second.stop() }

        // Every document of both organisations goes to both servers at once.
        var submits: [(organisation: Int, variant: Int, submit: Submit)] = []
        for organisation in codes.indices {
            for (variant, path) in variants[organisation].enumerated() {
                for server in [first, second] {
                    let submit = try Submit.start(
                        path, server: server.address, token: tokens[organisation], home: scratch.url)
                    submits.append((organisation, variant, submit))
                }
            }
        }
        var receipts: [[Int: [(submission: Int, new: Bool)]]] = [[:], [:]]
        for (organisation, variant, submit) in submits {
            let outcome = submit.finish()
            #expect(outcome.status == 0, "\(outcome.error)")
            receipts[organisation][variant, default: []].append(try #require(Self.receipt(outcome.receipt)))
        }
        var numbers: Set<Int> = []
        for organisation in codes.indices {
            for variant in variants[organisation].indices {
                let pair = receipts[organisation][variant] ?? []
                // Sent twice: stored once (one new receipt, one "already received"), both naming the same submission.
                #expect(pair.count == 2 && pair.filter(\.new).count == 1, "\(organisation)/\(variant)")
                #expect(Set(pair.map(\.submission)).count == 1)
                numbers.formUnion(pair.map(\.submission))
            }
        }
        #expect(numbers.count == codes.count * 6)

        // Each organisation's open tickets are those of its own latest document, as on a server that took them one by one.
        let sqlite = scratch.url.appending(path: "control.sqlite").path
        for (organisation, code) in codes.enumerated() {
            let token = try Self.organisation(code, database: sqlite, home: scratch.url)
            let calm = try Server.start(database: sqlite)
            for path in variants[organisation] {
                #expect(try Submit.start(path, server: calm.address, token: token, home: scratch.url).finish().0 == 0)
            }
            calm.stop()
            let shared = try await Self.openTickets(code, database: database)
            #expect(!shared.isEmpty)
            #expect(shared == (try await Self.openTickets(code, database: sqlite)))
        }
    }
}
