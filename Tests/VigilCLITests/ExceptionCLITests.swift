import Foundation
import Testing
import VigilCore
import VigilStore
import VigilSubmission
import VigilTestSupport

/// Remediation clocks on `vigil admin issue-alert`, and exceptions on the command line (`list-tickets`,
/// `request-exception`, `decide-exception`, `list-exceptions`, `sweep`) through the real executable over a SQLite file.
/// Requests are made "now" by the operator, so expiries are computed from today.
@Suite("clocks and exceptions on the command line", .serialized)
struct ExceptionCLITests {
    static func setUp(_ scratch: ScratchDirectory) async throws -> String {
        let database = scratch.url.appending(path: "national.sqlite").path
        let made = try VigilProcess.run([
            "admin", "create-organisation", "--database", database, "--code", "RXX", "--name", "Trust RXX",
            "--kind", "acute-trust", "--parents", "Y56",
        ])
        #expect(made.status == 0, "\(made.error)")
        try await AlertCLITests.ingest(
            AlertCLITests.submission(at: Date().addingTimeInterval(-86_400), missing: true), code: "RXX",
            database: database)
        return database
    }

    /// The JSON output as an array of objects.
    static func objects(_ output: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
    }

    @Test(
        "issue-alert: days by severity (KEV shorter), --remediate-within, --remediation-days; conflicting or bad clocks 64"
    )
    func remediationClocks() async throws {
        let scratch = try ScratchDirectory("vigil-clocks")
        defer { scratch.remove() }
        let database = try await Self.setUp(scratch)
        let base = [
            "admin", "issue-alert", "--database", database, "--title", "Patch", "--rule", "VGL-UPD-MISSING",
            "--issued-at", "2026-01-06T00:00:00Z",
        ]
        let cases: [([String], Int)] = [
            (["--severity", "high"], 30), (["--severity", "high", "--kev"], 14), (["--severity", "critical"], 15),
            (["--severity", "medium", "--remediation-days", "medium=45"], 45),
            (["--severity", "low", "--remediate-within", "20d"], 20),
        ]
        for (index, (options, days)) in cases.enumerated() {
            let issued = try VigilProcess.run(base + options)
            #expect(issued.status == 0, "\(options) \(issued.error)")
            let status = try VigilProcess.run([
                "admin", "alert-status", "\(index + 1)", "--database", database, "--format", "json", "--at",
                "2026-01-06T00:00:00Z",
            ])
            let alert = try #require(try Self.objects(status.output).first?["alert"] as? [String: Any])
            #expect(alert["remediationDays"] as? Int == days, "\(options)")
            #expect(alert["remediateBy"] == nil)
            #expect(alert["knownExploited"] as? Bool == options.contains("--kev"))
        }
        let bad: [[String]] = [
            ["--severity", "high", "--remediate-by", "2026-02-01", "--remediate-within", "10d"],
            ["--severity", "high", "--remediate-within", "48h"],
            ["--severity", "high", "--remediation-days", "urgent=3"],
            ["--severity", "high", "--remediation-days", "high=0"],
        ]
        for options in bad {
            let refused = try VigilProcess.run(base + options)
            #expect(refused.status == 64, "\(options)")
        }
    }

    @Test("a member's request, refused to the requester and a member, approved by an analyst, listed nationally")
    func exceptions() async throws {
        let scratch = try ScratchDirectory("vigil-exceptions")
        defer { scratch.remove() }
        let database = try await Self.setUp(scratch)
        let passwordFile = scratch.url.appending(path: "password").path
        try Data("correct horse battery\n".utf8).write(to: URL(fileURLWithPath: passwordFile))
        for (name, role) in [
            ("member", ["--role", "organisation-member", "--organisation", "RXX"]),
            ("analyst", ["--role", "national-analyst"]),
        ] {
            let made = try VigilProcess.run(
                ["admin", "create-user", "--database", database, "--name", name, "--password-file", passwordFile]
                    + role)
            #expect(made.status == 0, "\(made.error)")
        }
        let tickets = try VigilProcess.run(["admin", "list-tickets", "--database", database, "--code", "RXX"])
        #expect(tickets.status == 0, "\(tickets.error)")
        let ticket = try #require(tickets.output.split(separator: "\t").first.map(String.init))
        #expect(tickets.output.contains("\topen\thigh\tVGL-UPD-MISSING\t"))

        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        let expires = formatter.string(from: Date().addingTimeInterval(30 * 86_400))
        let request = [
            "admin", "request-exception", "--database", database, "--ticket", ticket, "--reason",
            "=vendor has no patch", "--controls", "isolated VLAN", "--expires", expires,
        ]
        // No person has that name: 65, as the README says. An analyst may not approve their own request; here the
        // member asks.
        #expect(try VigilProcess.run(request + ["--as", "nobody"]).status == 65)
        let asked = try VigilProcess.run(request + ["--as", "member"])
        #expect(asked.status == 0, "\(asked.error)")
        #expect(asked.output.contains("Requested exception 1 on ticket \(ticket) of RXX."))
        #expect(try VigilProcess.run(request + ["--as", "member"]).status == 64)  // one at a time

        let decide = ["admin", "decide-exception", "1", "--database", database, "--approve"]
        #expect(try VigilProcess.run(decide + ["--as", "member"]).status == 64)
        let approved = try VigilProcess.run(decide + ["--as", "analyst"])
        #expect(approved.status == 0, "\(approved.error)")
        #expect(approved.output.contains("Exception 1 approved; ticket \(ticket) is excepted"))
        #expect(try VigilProcess.run(decide + ["--as", "analyst"]).status == 64)  // decided already

        let json = try VigilProcess.run(["admin", "list-exceptions", "--database", database, "--format", "json"])
        #expect(json.status == 0, "\(json.error)")
        let record = try #require(try Self.objects(json.output).first)
        #expect(record["state"] as? String == "approved" && record["valid"] as? Bool == true)
        #expect(record["requestedBy"] as? String == "member" && record["decidedBy"] as? String == "analyst")
        let kinds = (record["events"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds == ["requested", "approved"])
        // Past the expiry, the listing already reads it as no longer valid.
        let later = try VigilProcess.run([
            "admin", "list-exceptions", "--database", database, "--format", "csv", "--at",
            ISO8601DateFormatter().string(from: Date().addingTimeInterval(40 * 86_400)),
        ])
        let lines = later.output.split(separator: "\r\n").map(String.init)
        #expect(lines.first == AdminColumns.exceptions)
        // A reason starting with = is neutralised in CSV.
        #expect(lines.count == 2 && lines[1].contains(",approved,false,") && lines[1].contains("'=vendor has no patch"))
        let swept = try VigilProcess.run(["admin", "sweep", "--database", database])
        #expect(swept.status == 0 && swept.output.contains("Ended 0 exceptions"))
        let audit = try VigilProcess.run(["admin", "audit", "--database", database])
        #expect(
            audit.output.contains("request-exception\tmember") && audit.output.contains("decide-exception\tanalyst"))
    }

    /// The CSV header `list-exceptions` writes.
    enum AdminColumns {
        static let exceptions =
            "id,organisation,state,valid,ticket,rule,severity,requested_by,decided_by,expires_at,reason,controls"
    }
}
