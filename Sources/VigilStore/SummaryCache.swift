import Foundation
import Synchronization
import VigilCore

/// What the summaries and escalations read of one organisation, as of one revision of it: its record, latest daily
/// row, areas not assessed, alert status rows and stored scores, decoded. Nothing here depends on the clock a page is
/// read at; the page evaluates it at its own (``SQLNationalStore/summaries(scope:at:)``). Immutable, and a class: a
/// page passes thousands of them around, each copy one reference count.
final class CachedOrganisation: Sendable {
    /// The organisation's `revision` these were read at (migration 8).
    let revision: Int64
    let organisation: OrganisationRecord
    let latest: OrganisationDay?
    let notAssessed: [AssessmentArea]
    /// Every alert status of the organisation, by alert, newest first.
    let statuses: [StatusFacts]
    let score: SQLNationalStore.StoredScore
    /// ``OpenFindingGroup/counts(_:)`` of the stored score's open findings by rule.
    let openByGroup: [Int]
    /// The day ``monthAgo`` is the stored score of (as that day ended); `nil` until read.
    let monthAgoDay: String?
    let monthAgo: SQLNationalStore.StoredScore

    init(
        revision: Int64, organisation: OrganisationRecord, latest: OrganisationDay?, notAssessed: [AssessmentArea],
        statuses: [StatusFacts], score: SQLNationalStore.StoredScore, monthAgoDay: String? = nil,
        monthAgo: SQLNationalStore.StoredScore = SQLNationalStore.StoredScore()
    ) {
        self.revision = revision
        self.organisation = organisation
        self.latest = latest
        self.notAssessed = notAssessed
        self.statuses = statuses
        self.score = score
        openByGroup = OpenFindingGroup.counts(score.openByRule)
        self.monthAgoDay = monthAgoDay
        self.monthAgo = monthAgo
    }

    /// The same, with its stored score as `day` ended.
    func with(monthAgo score: SQLNationalStore.StoredScore, day: String) -> CachedOrganisation {
        CachedOrganisation(
            revision: revision, organisation: organisation, latest: latest, notAssessed: notAssessed,
            statuses: statuses, score: self.score, monthAgoDay: day, monthAgo: score)
    }
}

/// The store's per-process cache of ``CachedOrganisation``s: at 7,000 organisations the national overview spent most
/// of its time reading and decoding the same rows again on every view (docs/benchmarks.md). It is validated on every
/// read, never trusted: a page reads each organisation's revision in its own snapshot and uses an entry only at the
/// revision it was read at, and the database itself counts every change to what the entry holds (triggers, migration
/// 8), whichever server made it. So it holds no state of its own: a cold process reads everything, as before, and
/// servers on one database show the same pages. It holds one entry per organisation, replaced when the organisation
/// changes.
final class SummaryCache: Sendable {
    private let entries = Mutex<[Int64: CachedOrganisation]>([:])
    private let scopes = Mutex<[Scope: ScopeRevisions]>([:])

    /// A scope's organisations (id and revision, by path) with their count, the sum of their revisions and the
    /// newest id. Revisions only grow and organisations are never removed, so while a scope's count and sum stand,
    /// not one of its organisations has changed and the list stands too (the newest id guards against a removal and
    /// an addition meeting): a page then reads three numbers, not a row per organisation. Only scopes with
    /// organisations are kept, so the map holds at most one entry per region, ICB and organisation.
    struct ScopeRevisions: Sendable {
        var count: Int64
        var sum: Int64
        var newest: Int64
        var revisions: [(id: Int64, revision: Int64)]
    }

    /// The revisions last read for `scope`, if its count, sum and newest id are still those.
    func revisions(of scope: Scope, count: Int64, sum: Int64, newest: Int64) -> [(id: Int64, revision: Int64)]? {
        scopes.withLock { scopes in
            guard let kept = scopes[scope], kept.count == count, kept.sum == sum, kept.newest == newest else {
                return nil
            }
            return kept.revisions
        }
    }

    /// Keeps `revisions` as `scope`'s, with the count, sum and newest id they were read at.
    func keep(_ revisions: ScopeRevisions, of scope: Scope) {
        scopes.withLock { $0[scope] = revisions }
    }

    /// The entries still current at `revisions` (organisation id → its revision now).
    func current(_ revisions: [(id: Int64, revision: Int64)]) -> [Int64: CachedOrganisation] {
        entries.withLock { entries in
            var current: [Int64: CachedOrganisation] = [:]
            current.reserveCapacity(revisions.count)
            for (id, revision) in revisions {
                if let entry = entries[id], entry.revision == revision { current[id] = entry }
            }
            return current
        }
    }

    /// Keeps `fresh`, except where a newer revision is already kept (another page view read it meanwhile).
    func keep(_ fresh: some Sequence<CachedOrganisation>) {
        entries.withLock { entries in
            for entry in fresh {
                if let kept = entries[entry.organisation.id], kept.revision > entry.revision { continue }
                entries[entry.organisation.id] = entry
            }
        }
    }
}
