import Synchronization

/// The alerts as this process last read them, with the newest alert's id: what every submission's evaluation reads,
/// kept so that a submission need not read them again while no alert has been issued since.
///
/// Alerts are only ever added, each with its links in the transaction that issues it, and alert ids are never reused,
/// so the newest id names the whole set: ingest's opening read returns it (`MAX(id)`, one index probe), and the alerts
/// are read again only when it differs. The cache is checked against the database on every use and never trusted
/// beyond it, so several servers on one database each keep their own.
final class AlertCache: Sendable {
    private let kept = Mutex<(latest: Int64, alerts: [AlertRecord])?>(nil)

    /// The alerts kept for `latest`, the newest alert's id now, or nil when the set kept is another (or none).
    func alerts(latest: Int64) -> [AlertRecord]? {
        kept.withLock { kept in
            guard let kept, kept.latest == latest else { return nil }
            return kept.alerts
        }
    }

    /// Keeps `alerts`, a set read whole, under its own newest id.
    func keep(_ alerts: [AlertRecord]) {
        guard let latest = alerts.map(\.id).max() else { return }
        kept.withLock { $0 = (latest, alerts) }
    }
}
