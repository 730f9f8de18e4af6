import ArgumentParser
import Foundation
import VigilIO
import VigilStore
import VigilSubmission

extension AdminCommand {
    /// `vigil admin seed-scale`: fills a store with a synthetic national history for the scale benchmark
    /// (`bench/service.sh`). Hidden from the help: it is a benchmark's tool, not an operator's.
    struct SeedScale: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seed-scale",
            abstract: "Fill a store with a synthetic national history, for the scale benchmark (bench/service.sh).",
            discussion: """
                Writes ORGANISATIONS organisations (in 7 regions of 6 boards each), each with WEEKS weekly \
                submissions of FINDINGS open findings, CHURN of them fixed and as many new each week, in bulk \
                through the store's SQL layer; then issues ALERTS alerts through the ordinary path. The same options \
                always write the same rows. The full size of issues 14 and 16 is the default: 7,000 × 52 weeks, \
                9,968,000 tickets. With --ingest-requests, also writes for the first --ingest-count organisations a \
                submission token and the submission each would send the following week, one `token<TAB>json` line \
                each (0600): what the ingest benchmark posts.
                """,
            shouldDisplay: false)

        @OptionGroup var store: StoreOptions

        @Option(help: "Organisations.") var organisations = 7_000
        @Option(help: "Weekly submissions per organisation.") var weeks = 52
        @Option(help: "Open findings in every submission.") var findings = 200
        @Option(help: "Findings fixed, and new ones opened, each week.") var churn = 24
        @Option(help: "Alerts issued after the history.") var alerts = 3
        @Option(help: "The random generator's seed.") var seed: UInt64 = 1
        @Option(help: ArgumentHelp("The last week's date (default: today, UTC).", valueName: "YYYY-MM-DD"))
        var end: String?
        @Option(help: "What every organisation code starts with.") var prefix = "V"
        @Option(help: "Organisations per transaction.") var batch = 20
        @Option(help: ArgumentHelp("Write ingest requests to this file.", valueName: "file")) var ingestRequests:
            String?
        @Option(help: "Organisations with an ingest request.") var ingestCount = 2_000

        func validate() throws {
            if let problem = try history().problem { throw ValidationError("--\(problem)") }
            guard (1...organisations).contains(ingestCount) else {
                throw ValidationError("--ingest-count is 1 to the number of organisations")
            }
        }

        /// The history the options describe.
        func history() throws -> ScaleHistory {
            var endDate = Date()
            if let end {
                endDate = try DateArgument.day(end, option: "--end")
            } else {
                endDate = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
            }
            return ScaleHistory(
                organisations: organisations, weeks: weeks, findings: findings, churn: churn, alerts: alerts,
                seed: seed, end: endDate, prefix: prefix)
        }

        func run() async throws {
            let history = try history()
            let requests = ingestRequests
            let count = ingestCount
            let report = try await store.withStore(creating: true) { store in
                let report = try await store.seed(history) { done in
                    if done % 500 == 0 || done == history.organisations {
                        Terminal.error("vigil: seeded \(done) of \(history.organisations) organisations")
                    }
                }
                if let requests {
                    try await Self.writeRequests(history, count: count, store: store, to: requests)
                }
                return report
            }
            print(
                """
                organisations \(report.organisations)
                submissions \(report.submissions)
                tickets \(report.tickets)
                ticket_events \(report.events)
                alerts \(report.alerts)
                history_seconds \(String(format: "%.1f", report.historySeconds))
                alert_seconds \(String(format: "%.1f", report.alertSeconds))
                """)
        }

        /// Issues a token for each of the first `count` organisations and writes it with its next submission.
        static func writeRequests(_ history: ScaleHistory, count: Int, store: SQLNationalStore, to path: String)
            async throws
        {
            var lines = Data()
            for index in 0..<count {
                let place = history.place(index)
                let token = try await store.issueToken(organisation: place.code, at: Date())
                lines.append(Data((token + "\t").utf8))
                lines.append(try history.nextSubmission(organisation: index).canonicalJSON())
                lines.append(0x0A)
            }
            do {
                try AtomicFile.write(lines, to: URL(fileURLWithPath: path))
            } catch {
                Terminal.error("vigil: \(path): the ingest requests could not be written")
                throw VigilExit.cannotCreate
            }
        }
    }
}
