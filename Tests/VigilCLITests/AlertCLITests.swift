import Foundation
import Testing
import VigilCore
import VigilStore
import VigilSubmission
import VigilTestSupport

/// `vigil admin issue-alert | list-alerts | alert-status` through the real executable, over a SQLite store whose
/// submissions are ingested through the store library (the API's own path is tested in VigilServerTests). The clocks
/// are fixed with `--issued-at` and `--at`.
@Suite("alerts on the command line", .serialized)
struct AlertCLITests {
    static let key = try! PseudonymKey(bytes: [UInt8](repeating: 9, count: 32))

    static func date(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text))
    }

    /// An updates submission as of `at`: host `a` missing MS17-010's update when `missing`, host `a` inventoried.
    static func submission(at: Date, missing: Bool) -> Submission {
        let host = key.subjectKey(kind: .host, id: "a")
        return Submission(
            tool: ToolIdentity(name: "vigil", version: "0.1.0-test"), organisation: "RXX", assessedAt: at,
            areas: [.init(area: .updates, status: .assessed)],
            findings: missing
                ? [
                    .init(
                        rule: .updateMissing, severity: .high, area: .updates, kind: .host, subject: host,
                        facts: ["listed": "CVE-2017-0144", "install": "KB4012212"])
                ] : [],
            coverage: [.init(area: .updates, kind: .host, complete: false, subjects: [host])], metrics: [])
    }

    /// Ingests `submission` for the organisation `code` in the SQLite file at `database`.
    static func ingest(_ submission: Submission, code: String, database: String) async throws {
        let store = try SQLNationalStore(address: database)
        try await store.migrate()
        let organisation = try #require(try await store.organisation(code: code))
        _ = try await store.ingest(submission, organisation: organisation.id, receivedAt: submission.assessedAt)
    }

    @Test("issue, close by a covering submission, and read the status as CSV, JSON and text at a given clock")
    func lifecycle() async throws {
        let scratch = try ScratchDirectory("vigil-alerts")
        defer { scratch.remove() }
        let database = scratch.url.appending(path: "national.sqlite").path
        for code in ["RXX", "RYY"] {
            let made = try VigilProcess.run([
                "admin", "create-organisation", "--database", database, "--code", code, "--name", "Trust \(code)",
                "--kind", "acute-trust", "--parents", "Y56",
            ])
            #expect(made.status == 0, "\(made.error)")
        }
        try await Self.ingest(
            Self.submission(at: try Self.date("2026-01-05T00:00:00Z"), missing: true), code: "RXX", database: database)
        let issued = try VigilProcess.run([
            "admin", "issue-alert", "--database", database, "--title", "WannaCry: install MS17-010",
            "--severity", "critical", "--rule", "VGL-UPD-MISSING", "--advisory", "MS17-010",
            "--remediate-by", "2026-01-20", "--issued-at", "2026-01-06T00:00:00Z",
        ])
        #expect(issued.status == 0, "\(issued.error)")
        #expect(issued.output.contains("Issued alert 1 to 2 organisations; 1 affected"))
        // Six days after issue a covering inventory no longer shows the finding.
        try await Self.ingest(
            Self.submission(at: try Self.date("2026-01-12T00:00:00Z"), missing: false), code: "RXX",
            database: database)

        let csv = try VigilProcess.run([
            "admin", "alert-status", "1", "--database", database, "--format", "csv", "--at", "2026-01-21T00:00:00Z",
        ])
        #expect(csv.status == 0, "\(csv.error)")
        let lines = csv.output.split(separator: "\r\n").map(String.init)
        #expect(lines.count == 3)
        let header = lines[0].split(separator: ",").map(String.init)
        func cell(_ line: String, _ column: String) -> String? {
            guard let index = header.firstIndex(of: column) else { return nil }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return index < cells.count ? cells[index] : nil
        }
        let rxx = try #require(lines.first { $0.contains(",RXX,") })
        let ryy = try #require(lines.first { $0.contains(",RYY,") })
        #expect(cell(rxx, "state") == "closed" && cell(rxx, "applicability") == "affected")
        #expect(cell(rxx, "time_to_closure_seconds") == String(6 * 86_400))
        #expect(cell(rxx, "remediation_overdue") == "false" && cell(rxx, "acknowledgement_overdue") == "false")
        #expect(cell(ryy, "state") == "open" && cell(ryy, "applicability") == "unaffected-so-far")
        #expect(cell(ryy, "acknowledgement_overdue") == "true" && cell(ryy, "remediation_overdue") == "false")

        let json = try VigilProcess.run([
            "admin", "alert-status", "1", "--database", database, "--format", "json", "--at", "2026-01-07T00:00:00Z",
        ])
        #expect(json.status == 0, "\(json.error)")
        let statuses = try #require(
            try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        #expect(statuses.count == 2)
        // Before the acknowledgement clock (48 hours after issue) nobody is overdue.
        #expect(statuses.allSatisfy { $0["acknowledgementOverdue"] as? Bool == false })

        // The text table says when an organisation acknowledged, and a not-applicable reason, as its help promises.
        let text = try VigilProcess.run([
            "admin", "alert-status", "1", "--database", database, "--at", "2026-01-21T00:00:00Z",
        ])
        #expect(text.output.contains("Y56/RXX\tclosed\taffected\topen matches 0\t\t\tclosed in 6.0 days"))
        #expect(
            text.output.contains("Y56/RYY\topen\tunaffected-so-far\topen matches 0\t\t\t\tacknowledgement overdue"))
        let list = try VigilProcess.run([
            "admin", "list-alerts", "--database", database, "--at", "2026-01-21T00:00:00Z",
        ])
        #expect(list.status == 0, "\(list.error)")
        #expect(list.output.contains("affected 1/2\tclosed 1/2\toverdue 1/2"))
        #expect(list.output.contains("CVE-2017-0144") && list.output.contains("WannaCry: install MS17-010"))
        // The last day allowed, as typed: not the next midnight the clock keeps.
        #expect(list.output.contains("\tby 2026-01-20\t") && !list.output.contains("2026-01-21T00:00:00Z"))
        let store = try SQLNationalStore(address: database)
        let ryyRecord = try #require(try await store.organisation(code: "RYY"))
        _ = try await store.acknowledgeAlert(1, organisation: ryyRecord.id, at: try Self.date("2026-01-07T10:00:00Z"))
        _ = try await store.declareAlertNotApplicable(
            1, organisation: ryyRecord.id, reason: "No Windows hosts", at: try Self.date("2026-01-07T11:00:00Z"))
        let answered = try VigilProcess.run([
            "admin", "alert-status", "1", "--database", database, "--at", "2026-01-21T00:00:00Z",
        ])
        #expect(
            answered.output.contains(
                "Y56/RYY\tnot-applicable\tunaffected-so-far\topen matches 0\tacknowledged 2026-01-07T10:00:00Z\tnot applicable: No Windows hosts"
            ), "\(answered.output)")

    }

    static let good = [
        "admin", "issue-alert", "--title", "t", "--severity", "high", "--rule", "VGL-UPD-MISSING",
        "--remediate-by", "2099-01-01",
    ]

    /// Each bad value with the option its message must name.
    static let badValues: [(arguments: [String], names: String)] = [
        (["--severity", "severe"], "--severity"),
        (["--rule", "VGL-NO-SUCH-RULE"], "--rule"),
        (["--cve", "CVE-17-1"], "CVE"),
        (["--advisory", "MS17010"], "advisory"),
        (["--acknowledge-within", "2w"], "--acknowledge-within"),
        (["--acknowledge-within", "99999d"], "--acknowledge-within"),
        (["--remediate-by", "2026-13-40"], "--remediate-by"),
        // A day the calendar does not have was rolled over into March and accepted.
        (["--remediate-by", "2099-02-30"], "--remediate-by is not a day of the calendar"),
        (["--remediate-by", "2026-02-30"], "--remediate-by is not a day of the calendar"),
        (["--issued-at", "2026-02-30T09:00:00Z"], "--issued-at is not a day of the calendar"),
        (["--remediate-by", "2020-01-01"], "--remediate-by"),
        (["--issued-at", "yesterday"], "--issued-at"),
        // A bulletin Vigil does not know would match nobody; an issue time ahead could never close; an
        // acknowledgement due after the remediation deadline is no order of work.
        (["--advisory", "MS16-114"], "--advisory MS16-114 is not a bulletin Vigil knows"),
        (["--issued-at", "2098-01-01T00:00:00Z"], "--issued-at must not be in the future"),
        (["--issued-at", "2026-01-06T09:00:00Z", "--remediate-by", "2026-01-06"], "--acknowledge-within must end by"),
    ]

    @Test("bad values exit 64 with a message naming the option", arguments: 0..<badValues.count)
    func badValue(_ index: Int) throws {
        let scratch = try ScratchDirectory("vigil-alerts")
        defer { scratch.remove() }
        let (arguments, names) = Self.badValues[index]
        let result = try VigilProcess.run(
            Self.good + arguments + ["--database", scratch.url.appending(path: "n.sqlite").path])
        #expect(result.status == 64)
        #expect(result.error.contains(names), "\(result.error)")
    }

    @Test("an alert without links, an unknown alert id and an unknown format exit 64")
    func otherUsageErrors() throws {
        let scratch = try ScratchDirectory("vigil-alerts")
        defer { scratch.remove() }
        let database = scratch.url.appending(path: "n.sqlite").path
        let made = try VigilProcess.run([
            "admin", "create-organisation", "--database", database, "--code", "RXX", "--name", "Trust",
        ])
        #expect(made.status == 0, "\(made.error)")
        let unlinked = try VigilProcess.run([
            "admin", "issue-alert", "--database", database, "--title", "t", "--severity", "high",
            "--remediate-by", "2099-01-01",
        ])
        #expect(unlinked.status == 64 && unlinked.error.contains("at least one --rule, --cve or --advisory"))
        let unknown = try VigilProcess.run(["admin", "alert-status", "42", "--database", database])
        #expect(unknown.status == 64 && unknown.error.contains("no alert has that id"))
        let format = try VigilProcess.run(["admin", "alert-status", "1", "--format", "xml", "--database", database])
        #expect(format.status == 64 && format.error.contains("--format"))
    }

    @Test(
        "every alert command's --help states its exit codes", arguments: ["issue-alert", "list-alerts", "alert-status"])
    func help(_ command: String) throws {
        let result = try VigilProcess.run(["admin", command, "--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("Exit codes: 0") && result.output.contains("64"))
    }
}
