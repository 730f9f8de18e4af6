import Foundation
import Testing
import VigilCore
import VigilStore
import VigilSubmission

/// The backends the conformance suite runs on: SQLite always, PostgreSQL when `VIGIL_POSTGRES_URL` names a server
/// (`.ci/run` starts one). Every test makes organisations with codes of its own, so tests share a PostgreSQL database
/// without seeing each other's rows.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static let postgresURL = ProcessInfo.processInfo.environment["VIGIL_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }

    /// The backends configured here.
    static var available: [Backend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }

    /// The sign-in policy of the suite: the service's limits with bcrypt at its minimum cost, so hashing stays fast.
    static let testPolicy = SignInPolicy(passwordCost: 4)

    /// A migrated store, run for the duration of `body`.
    func withStore<T: Sendable>(
        policy: SignInPolicy = Backend.testPolicy, _ body: @Sendable (SQLNationalStore) async throws -> T
    ) async throws -> T {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appending(path: "vigil-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let store = try SQLNationalStore(address: folder.appending(path: "national.sqlite").path, policy: policy)
            return try await store.withRunning {
                try await store.migrate()
                return try await body(store)
            }
        case .postgres:
            let url = try #require(Backend.postgresURL)
            let store = try SQLNationalStore(address: url, policy: policy)
            return try await store.withRunning {
                try await store.migrate()
                return try await body(store)
            }
        }
    }
}

extension Backend {
    /// Two servers' stores on one migrated database of this backend, both running for the duration of `body`, with
    /// the database's address.
    func withTwoStores<T: Sendable>(
        _ body: @Sendable (SQLNationalStore, SQLNationalStore, String) async throws -> T
    ) async throws -> T {
        try await withAddress { address in
            let first = try SQLNationalStore(address: address, policy: Backend.testPolicy)
            let second = try SQLNationalStore(address: address, policy: Backend.testPolicy)
            return try await first.withRunning {
                try await second.withRunning {
                    try await first.migrate()
                    return try await body(first, second, address)
                }
            }
        }
    }

    /// `body` with the address of a database for this backend, migrated by the caller's stores: a SQLite file in a
    /// folder of its own (removed afterwards) or the suite's PostgreSQL database. Several stores opened on it are
    /// several servers sharing one database.
    func withAddress<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appending(path: "vigil-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            return try await body(folder.appending(path: "national.sqlite").path)
        case .postgres:
            return try await body(try #require(Backend.postgresURL))
        }
    }
}

/// Builds submissions for the scenarios: subjects named here are keyed with a fixed test key.
struct Scenario {
    static let key = try! PseudonymKey(bytes: [UInt8](repeating: 3, count: 32))
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    /// A new organisation with a code no other test uses.
    static func organisation(in store: SQLNationalStore) async throws -> OrganisationRecord {
        let code = "T" + String(UInt32.random(in: 0 ... .max), radix: 16, uppercase: true)
        return try await store.createOrganisation(
            NewOrganisation(code: code, name: "Test Trust \(code)", kind: .acuteTrust, parents: ["Y56", "QE1"]))
    }

    static func host(_ name: String) -> String { key.subjectKey(kind: .host, id: name) }
    static func account(_ name: String) -> String { key.subjectKey(kind: .account, id: name) }

    /// A submission as of `week` weeks after the start: updates findings on `missing` hosts, inventories of
    /// `inventoried` hosts (nil: the updates area not assessed), and optionally account findings.
    static func week(
        _ week: Int, missing: [String], inventoried: [String]?, weakAccounts: [String] = [],
        hashedAccounts: [String]? = nil, rule: RuleID = .updateMissing
    ) -> Submission {
        var findings = missing.map {
            Submission.SubmittedFinding(
                rule: rule, severity: .high, area: .updates, kind: .host, subject: host($0),
                facts: ["daysExposed": "\(30 + week)"])
        }
        findings += weakAccounts.map {
            Submission.SubmittedFinding(
                rule: .guessablePassword, severity: .high, area: .credentials, kind: .account, subject: account($0),
                facts: [:])
        }
        var coverage: [Submission.CoverageGroup] = []
        if let inventoried {
            coverage.append(.init(area: .updates, kind: .host, complete: false, subjects: inventoried.map(host)))
        }
        if let hashedAccounts {
            coverage.append(
                .init(area: .credentials, kind: .account, complete: false, subjects: hashedAccounts.map(account)))
        }
        return Submission(
            tool: ToolIdentity(name: "vigil", version: "test"), organisation: "TEST",
            assessedAt: start.addingTimeInterval(TimeInterval(week) * 7 * 86_400),
            areas: [
                .init(area: .updates, status: inventoried == nil ? .notAssessed : .assessed),
                .init(area: .credentials, status: hashedAccounts == nil ? .notAssessed : .assessed),
            ],
            findings: findings, coverage: coverage,
            metrics: [.init(id: "hosts.inventoried", value: inventoried?.count ?? 0, total: nil)])
    }

    /// The state of the ticket for `rule` on host `name`.
    static func state(_ tickets: [Ticket], host name: String, rule: RuleID = .updateMissing) -> Ticket.State? {
        tickets.first { $0.rule == rule && $0.subject == host(name) }?.state
    }
}
