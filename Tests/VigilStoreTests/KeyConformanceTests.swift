import Foundation
import Testing
import VigilCore
import VigilSubmission

@testable import VigilStore

/// A changed pseudonymisation key, on every configured backend (docs/decisions/0001-national-service.md, "A changed
/// key"): a submission under another key than the organisation's names every subject anew, so it would open each
/// finding again beside its ticket, and a kind covered whole (the domain's policy) would fix the old ticket with no
/// evidence of a fix. The first key is recorded, another refused with nothing stored, and a key accepted on purpose
/// retires the tickets of the old one: never fixed, unverified once their area is assessed again.
@Suite("national store conformance: a changed pseudonymisation key")
struct KeyConformanceTests {
    static let first = Scenario.key
    static let second = try! PseudonymKey(bytes: [UInt8](repeating: 9, count: 32))
    static let domain = "corp.example.nhs.uk"

    /// A submission as of `week` keyed by `key`: updates findings on `missing` hosts of the `inventoried` ones, and the
    /// domain's short minimum password length when `shortPolicy`, the domain read whole.
    static func submission(
        _ week: Int, key: PseudonymKey, missing: [String], inventoried: [String], shortPolicy: Bool
    ) -> Submission {
        var findings = missing.map {
            Submission.SubmittedFinding(
                rule: .updateMissing, severity: .high, area: .updates, kind: .host,
                subject: key.subjectKey(kind: .host, id: $0), facts: [:])
        }
        if shortPolicy {
            findings.append(
                Submission.SubmittedFinding(
                    rule: .policyMinimumLength, severity: .medium, area: .credentials, kind: .domain,
                    subject: key.subjectKey(kind: .domain, id: domain), facts: [:]))
        }
        var submission = Submission(
            tool: ToolIdentity(name: "vigil", version: "test"), organisation: "TEST",
            assessedAt: Scenario.start.addingTimeInterval(TimeInterval(week) * 7 * 86_400),
            areas: [.init(area: .updates, status: .assessed), .init(area: .credentials, status: .assessed)],
            findings: findings,
            coverage: [
                .init(
                    area: .updates, kind: .host, complete: false,
                    subjects: inventoried.map { key.coverageKey(kind: .host, id: $0) }),
                .init(area: .credentials, kind: .domain, complete: true, subjects: []),
            ],
            metrics: [])
        submission.keyFingerprint = key.fingerprint
        return submission
    }

    /// The states of the organisation's current tickets, by rule and subject.
    static func states(_ store: SQLNationalStore, _ organisation: OrganisationRecord) async throws
        -> [String: Ticket.State]
    {
        var states: [String: Ticket.State] = [:]
        for ticket in try await store.tickets(organisation: organisation.id) {
            states["\(ticket.rule.rawValue) \(ticket.subject)"] = ticket.state
        }
        return states
    }

    static func host(_ key: PseudonymKey, _ name: String) -> String {
        "\(RuleID.updateMissing.rawValue) \(key.subjectKey(kind: .host, id: name))"
    }

    static func policy(_ key: PseudonymKey) -> String {
        "\(RuleID.policyMinimumLength.rawValue) \(key.subjectKey(kind: .domain, id: domain))"
    }

    @Test(
        "the first key is recorded, not a late one's; another key is refused, nothing stored; an older client's until then",
        arguments: Backend.available)
    func refusal(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            #expect(try await store.keyFingerprint(organisation: organisation.code) == nil)
            // A client from before schema 1.2 sends no fingerprint: taken unchecked while no key is recorded.
            var older = Self.submission(0, key: Self.first, missing: ["a"], inventoried: ["a", "b"], shortPolicy: true)
            older.keyFingerprint = nil
            older.schemaVersion = "1.1"
            #expect(
                try await store.ingest(older, organisation: organisation.id, receivedAt: Scenario.start).opened == 2)
            #expect(try await store.keyFingerprint(organisation: organisation.code) == nil)
            let opened = try await store.ingest(
                Self.submission(1, key: Self.first, missing: ["a"], inventoried: ["a", "b"], shortPolicy: true),
                organisation: organisation.id, receivedAt: Scenario.start)
            #expect(opened.opened == 0)
            #expect(try await store.keyFingerprint(organisation: organisation.code) == Self.first.fingerprint)
            let before = try await Self.states(store, organisation)

            // The whole estate fixed, as the other key sees it: refused, and nothing of it stored.
            let rekeyed = Self.submission(
                2, key: Self.second, missing: [], inventoried: ["a", "b"], shortPolicy: false)
            await #expect {
                _ = try await store.ingest(rekeyed, organisation: organisation.id, receivedAt: Scenario.start)
            } throws: { error in
                guard let error = error as? StoreError, error.code == .keyChanged else { return false }
                // Both fingerprints named, so the organisation can find its key; no subject key.
                return error.message.contains(Self.second.fingerprint) && error.message.contains(Self.first.fingerprint)
                    && !rekeyed.coverage[0].subjects.contains { error.message.contains($0) }
            }
            #expect(try await Self.states(store, organisation) == before)
            #expect(try await store.keyFingerprint(organisation: organisation.code) == Self.first.fingerprint)

            // Once a key is recorded, an older client's document is refused too: unchecked, it could be another key's.
            var unkeyed = Self.submission(2, key: Self.first, missing: [], inventoried: ["a", "b"], shortPolicy: true)
            unkeyed.keyFingerprint = nil
            unkeyed.schemaVersion = "1.1"
            await #expect {
                _ = try await store.ingest(unkeyed, organisation: organisation.id, receivedAt: Scenario.start)
            } throws: { ($0 as? StoreError)?.code == .keyChanged }
            let fixed = try await store.ingest(
                Self.submission(2, key: Self.first, missing: [], inventoried: ["a", "b"], shortPolicy: true),
                organisation: organisation.id, receivedAt: Scenario.start)
            #expect(fixed.fixed == 1)
            #expect(try await Self.states(store, organisation)[Self.host(Self.first, "a")] == .fixed)
        }
    }

    @Test("a late document does not record its key: the organisation's is the key of evidence that applies")
    func lateDocument() async throws {
        try await Backend.sqlite.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            var current = Self.submission(3, key: Self.first, missing: ["a"], inventoried: ["a"], shortPolicy: false)
            current.keyFingerprint = nil
            current.schemaVersion = "1.1"
            _ = try await store.ingest(current, organisation: organisation.id, receivedAt: Scenario.start)
            let late = try await store.ingest(
                Self.submission(1, key: Self.second, missing: [], inventoried: ["a"], shortPolicy: false),
                organisation: organisation.id, receivedAt: Scenario.start)
            #expect(!late.applied)
            #expect(try await store.keyFingerprint(organisation: organisation.code) == nil)
        }
    }

    @Test(
        "a key accepted on purpose retires the old key's tickets: never fixed, unverified; findings open under the new",
        arguments: Backend.available)
    func acceptance(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let origin = Origin(address: "cli", at: Scenario.start)
            // Nothing to accept before a key is recorded: the first submission records its own.
            await #expect {
                _ = try await store.acceptKey(
                    organisation: organisation.code, fingerprint: Self.second.fingerprint, origin: origin)
            } throws: { ($0 as? StoreError)?.code == .invalidOrganisation }
            _ = try await store.ingest(
                Self.submission(0, key: Self.first, missing: ["a", "b"], inventoried: ["a", "b"], shortPolicy: true),
                organisation: organisation.id, receivedAt: Scenario.start)
            await #expect {
                _ = try await store.acceptKey(
                    organisation: organisation.code, fingerprint: Self.first.fingerprint, origin: origin)
            } throws: { ($0 as? StoreError)?.code == .invalidOrganisation }
            await #expect {
                _ = try await store.acceptKey(organisation: organisation.code, fingerprint: "ABC", origin: origin)
            } throws: { ($0 as? StoreError)?.code == .invalidOrganisation }

            let accepted = try await store.acceptKey(
                organisation: organisation.code, fingerprint: Self.second.fingerprint, origin: origin)
            #expect(
                accepted
                    == KeyAcceptance(previous: Self.first.fingerprint, fingerprint: Self.second.fingerprint, retired: 3)
            )
            #expect(try await store.keyFingerprint(organisation: organisation.code) == Self.second.fingerprint)

            // Under the new key: host a still missing, b patched, the policy fixed, the domain read whole. Without the
            // retirement the policy's ticket would be fixed (its kind covered whole) and b's would stay open.
            let receipt = try await store.ingest(
                Self.submission(1, key: Self.second, missing: ["a"], inventoried: ["a", "b"], shortPolicy: false),
                organisation: organisation.id, receivedAt: Scenario.start)
            #expect(receipt.opened == 1 && receipt.fixed == 0 && receipt.unverified == 3)
            let states = try await Self.states(store, organisation)
            #expect(states[Self.policy(Self.first)] == .unverified)
            #expect(states[Self.host(Self.first, "a")] == .unverified)
            #expect(states[Self.host(Self.first, "b")] == .unverified)
            #expect(states[Self.host(Self.second, "a")] == .open)

            // The new key's own tickets close as any do; the old key is refused now.
            let next = try await store.ingest(
                Self.submission(2, key: Self.second, missing: [], inventoried: ["a", "b"], shortPolicy: false),
                organisation: organisation.id, receivedAt: Scenario.start)
            #expect(next.fixed == 1)
            #expect(try await Self.states(store, organisation)[Self.policy(Self.first)] == .unverified)
            await #expect {
                _ = try await store.ingest(
                    Self.submission(3, key: Self.first, missing: [], inventoried: ["a"], shortPolicy: false),
                    organisation: organisation.id, receivedAt: Scenario.start)
            } throws: { ($0 as? StoreError)?.code == .keyChanged }
            let audit = try await store.auditLog(since: nil).filter {
                $0.action == .acceptKey && $0.organisation == organisation.code
            }
            #expect(audit.count == 1 && audit.first?.who == "operator")
            #expect(audit.first?.detail?.contains(Self.second.fingerprint) == true)
        }
    }

    @Test("a ticket plan made ahead of a submission is not used once a new key was accepted (SQLite)")
    func planAhead() async throws {
        try await Backend.sqlite.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                Self.submission(0, key: Self.first, missing: ["a"], inventoried: ["a"], shortPolicy: true),
                organisation: organisation.id, receivedAt: Scenario.start)
            let next = Self.submission(1, key: Self.second, missing: [], inventoried: ["a"], shortPolicy: false)
                .normalised
            let ahead = try #require(await store.planAhead(next, organisation: organisation.id))
            #expect(ahead.changes.contains { if case .fix = $0 { true } else { false } })
            _ = try await store.acceptKey(
                organisation: organisation.code, fingerprint: Self.second.fingerprint,
                origin: Origin(address: "cli", at: Scenario.start))
            let holds = try await store.transaction { database in
                ahead.holds(
                    at: try await store.opening(
                        organisation: organisation.id, digest: try next.digest(), at: 0, on: database))
            }
            #expect(!holds)
        }
    }
}
