import Synchronization

/// The alerts as this process last read them: what every submission's evaluation reads, kept so that a submission
/// need not read them again while no alert has been issued since.
///
/// Alerts are only ever added, each with its links in the transaction that issues it, and the database refuses to
/// change or delete them (migration 13). So the set of committed alerts only grows, and its size with its newest id
/// names it: ingest's opening read returns both (``Version``), and the alerts are read again only when they differ.
/// (The newest id alone would not do: on PostgreSQL a lower id can commit after a higher one.) A set is kept only
/// once the transaction that read it has committed: on SQLite a write grouped with an alert's issue sees it before
/// it commits, and an alert rolled back gives its id, and so its version, to the next one. Each server keeps its own,
/// checked against the database on every use. (Links are only inserted by the issue itself; the database refuses to
/// change or delete alerts and links, not to add a link later.)
final class AlertCache: Sendable {
    /// How many alerts there are and the newest one's id: what names the set of committed alerts.
    struct Version: Sendable, Hashable {
        var count: Int64
        var latest: Int64?

        /// The version of `alerts`, a set read whole.
        init(of alerts: [AlertRecord]) {
            count = Int64(alerts.count)
            latest = alerts.map(\.id).max()
        }

        init(count: Int64, latest: Int64?) {
            self.count = count
            self.latest = latest
        }
    }

    /// A set of alerts read whole, under its own version.
    struct Entry: Sendable {
        var version: Version
        var alerts: [AlertRecord]

        init(_ alerts: [AlertRecord]) {
            version = Version(of: alerts)
            self.alerts = alerts
        }
    }

    private let kept = Mutex<Entry?>(nil)

    /// The alerts kept at `version`, or nil when the set kept is another (or none).
    func alerts(at version: Version) -> [AlertRecord]? {
        kept.withLock { kept in
            guard let kept, kept.version == version else { return nil }
            return kept.alerts
        }
    }

    /// Keeps `entry`, read in a transaction that has committed.
    func keep(_ entry: Entry) {
        kept.withLock { $0 = entry }
    }
}
