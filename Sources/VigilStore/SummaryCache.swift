import Foundation
import Synchronization
import VigilCore

/// What the summaries and escalations read of one organisation, as of one revision of it: its record, latest daily
/// row, areas not assessed, alert status rows and stored scores, decoded. Nothing here depends on the clock a page is
/// read at; the page evaluates it at its own (``SQLNationalStore/summaries(scope:at:)``).
struct CachedOrganisation: Sendable {
    /// The organisation's `revision` these were read at (migration 8).
    var revision: Int64
    var organisation: OrganisationRecord
    var latest: OrganisationDay?
    var notAssessed: [AssessmentArea]
    /// Every alert status of the organisation, by alert, newest first.
    var statuses: [StatusFacts]
    var score: SQLNationalStore.StoredScore
    /// The day ``monthAgo`` is the stored score of (as that day ended); `nil` until read.
    var monthAgoDay: String?
    var monthAgo = SQLNationalStore.StoredScore()
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

    /// How many organisations are kept.
    var count: Int { entries.withLock { $0.count } }
}
