import Foundation
import Glibc
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

@testable import VigilCLI

/// `vigil demo --serve` through the real executable, on a small estate: it prints the address and a password made for the run,
/// the password signs the analyst in, and the database under --out (owner-only) holds the demo organisations in
/// regions, a year of history and the half-closed alert. SIGTERM stops it with 0.
@Suite("demo --serve command line", .serialized)
struct DemoServeCLITests {
    @Test("demo --serve loads a year of history, prints a working sign-in and stops on SIGTERM")
    func demoServe() async throws {
        let scratch = try ScratchDirectory("vigil-demo-serve")
        defer { scratch.remove() }
        let out = scratch.url.appending(path: "demo")
        let server = Process()
        server.executableURL = VigilProcess.executable
        server.arguments = [
            "demo", "--out", out.path, "--trust-staff", "40", "--practices", "2", "--serve", "--listen", "127.0.0.1:0",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = scratch.url.path
        server.environment = environment
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }

        let text = try Self.read(output, until: #"with the password [^ ]+ "#)
        #expect(text.contains("Vigil demo national service: http://127.0.0.1:"))
        let marker = try #require(text.range(of: "with the password "))
        let password = String(text[marker.upperBound...].prefix { $0 != " " })
        #expect(password.count == 24)
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationReason == .exit && server.terminationStatus == 0)

        let database = out.appending(path: "national.sqlite")
        let mode = try FileManager.default.attributesOfItem(atPath: database.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let store = try SQLNationalStore(address: database.path)
        try await store.withRunning {
            let organisations = try await store.organisations()
            #expect(organisations.count == 3)
            #expect(organisations.allSatisfy { $0.path.split(separator: "/").count == 3 })
            let outcome = try await store.signIn(
                login: "analyst", password: password, origin: Origin(address: "127.0.0.1", at: Date()))
            guard case .signedIn = outcome else {
                Issue.record("the printed password did not sign the analyst in: \(outcome)")
                return
            }
            var weeks: [Int] = []
            for organisation in organisations {
                weeks.append(try await store.daily(organisation: organisation.id).count)
            }
            #expect(weeks.sorted() == [48, 52, 52])
            let alert = try #require(try await store.alerts().first)
            let states = try await store.alertStatuses(alert: alert.id, at: Date()).map(\.state)
            #expect(states.contains(.closed))
            #expect(states.contains { $0 != .closed })
        }
    }

    /// Reads `pipe` until its text matches `pattern` (at most 300 s: the demo assesses, then loads its history).
    static func read(_ pipe: Pipe, until pattern: String) throws -> String {
        let deadline = Date().addingTimeInterval(300)
        var text = ""
        while Date() < deadline {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if text.range(of: pattern, options: .regularExpression) != nil { return text }
        }
        throw CocoaError(.fileReadUnknown)
    }
}

/// The demo service's clock with and without `--as-of`.
@Suite("demo --serve clock")
struct DemoServeClockTests {
    @Test("with --as-of the service's clock starts on that day, as the history does; without it, it is the wall clock")
    func clock() throws {
        let dated = try #require(
            try VigilCommand.parseAsRoot(["demo", "--as-of", "2026-11-01", "--serve"]) as? DemoCommand)
        let now = try dated.serviceClock()()
        let start = CivilDate.date(year: 2026, month: 11, day: 1)
        #expect(now >= start && now < start.addingTimeInterval(60), "\(now)")
        let plain = try #require(try VigilCommand.parseAsRoot(["demo", "--serve"]) as? DemoCommand)
        #expect(abs(try plain.serviceClock()().timeIntervalSinceNow) < 60)
    }
}
