import Foundation
import Hummingbird
import Logging
import VigilCore
import VigilEngine
import VigilIO
import VigilNationalDemo
import VigilServer
import VigilStore
import VigilSubmission

extension DemoCommand {
    /// The national service's file under `--out`, and the files SQLite keeps beside it.
    static let serviceFiles = ["national.sqlite", "national.sqlite-wal", "national.sqlite-shm"]

    /// `--serve`: the assessments, as findings-only submissions under a key made for the demo, become a synthetic
    /// year of weekly history (``NationalDemoHistory``) in a SQLite-backed service under `--out`; a national analyst
    /// is made with a password for this run, and the service runs until stopped.
    func serve(_ outcomes: [SyntheticDemo.Outcome], demo: SyntheticDemo) async throws {
        guard let (host, port) = ServerConfiguration.listenAddress(listen) else { throw VigilExit.unavailable }
        let history = try makeHistory(outcomes)
        let database = demo.root.appendingPathComponent("national.sqlite")
        let store: SQLNationalStore
        let password = AdminCommand.CreateUser.generatedPassword()
        do {
            // Made first with the demo's file mode, which SQLite gives its journal files too: the database holds
            // only pseudonyms and counts, but the demo's outputs are its owner's alone unless --mode widens them.
            guard
                FileManager.default.createFile(
                    atPath: database.path, contents: nil,
                    attributes: [.posixPermissions: Int(demo.permissions.fileMode)])
            else { throw CocoaError(.fileWriteUnknown) }
            store = try SQLNationalStore(address: database.path)
            try await store.withRunning {
                try await store.migrate()
                if !quiet {
                    print(
                        "Loading a synthetic year of weekly submissions into \(database.relativePath) (a few minutes)…")
                    fflush(nil)
                }
                let loaded = try await history.load(into: store)
                _ = try await store.createUser(
                    NewUser(login: "analyst", displayName: "Demo analyst", role: .nationalAnalyst),
                    password: password, origin: Origin(address: "cli", at: Date()))
                if !quiet {
                    print(
                        "Loaded \(Wording.count(loaded.submissions, "weekly submission")) for \(Wording.count(loaded.organisations.count, "organisation")) into \(database.relativePath)."
                    )
                    for line in Self.storyNotes(history) { print(line) }
                }
            }
        } catch {
            Terminal.error("vigil: the demo's national service could not be set up: \(error)")
            throw VigilExit.unavailable
        }
        let application = buildApplication(
            configuration: ServerConfiguration(host: host, port: port, now: try serviceClock()), store: store,
            logger: Logger(label: "vigil.demo.server")
        ) { port in
            print("Vigil demo national service: http://\(host):\(port)/")
            // Not one-time: it works until the account is disabled (no change is forced at first sign-in); shown only here.
            print(
                "Sign in as analyst with the password \(password) (made for this run, shown only here). Stop with Ctrl-C."
            )
            fflush(nil)
        }
        do {
            try await application.runService()
        } catch {
            Terminal.error("vigil: the service stopped: \(error)")
            throw VigilExit.unavailable
        }
    }

    /// The service's clock: the wall clock, or with `--as-of` that day's start moving on as the wall clock does. The
    /// history is dated to the as-of day, so a service reading it at today's date would call every organisation stale.
    func serviceClock() throws -> @Sendable () -> Date {
        guard asOf.asOf != nil else { return { Date() } }
        let start = try asOf.date()
        let started = Date()
        return { start.addingTimeInterval(Date().timeIntervalSince(started)) }
    }

    /// What a reader comparing the national pages with the reports must know: the year is made up, and where the
    /// latest week differs from the report.
    static func storyNotes(_ history: NationalDemoHistory) -> [String] {
        var notes = [
            "The year before each report is made up: improving organisations start with more findings, worsening ones with fewer, and a lapsed one stopped submitting \(NationalDemoHistory.lapsedWeeks) weeks ago."
        ]
        guard let rule = history.alertRule else { return notes }
        for (index, member) in history.members.enumerated() {
            let fixed = history.fixedSinceReport(of: index)
            guard fixed > 0, let fixDate = history.fixDate(of: index) else { continue }
            notes.append(
                "In the story \(member.organisation.code) fixed the demo alert's \(Wording.count(fixed, "\(rule.rawValue) finding")) in its submission of \(CivilDate.string(fixDate)), though its report, the evidence the story starts from, still shows them: its national counts since are lower than its report by those."
            )
        }
        return notes
    }

    /// The demo's history from the assessments, each made into the submission `vigil submit` would send.
    private func makeHistory(_ outcomes: [SyntheticDemo.Outcome]) throws -> NationalDemoHistory {
        let key = PseudonymKey.generate()
        var latest: [(organisation: Organisation, submission: Submission)] = []
        for outcome in outcomes {
            do {
                latest.append(
                    (outcome.assessment.organisation, try Submission(assessment: outcome.assessment, key: key)))
            } catch {
                Terminal.error("vigil: the demo's assessment could not be made into a submission: \(error)")
                throw VigilExit.selfCheckFailed
            }
        }
        return NationalDemoHistory(latest: latest, seed: seed)
    }
}
