import Foundation
import VigilCore

/// Folds the rows of an access log into bounded memory: what the analysis needs from a log is, for each user, resource,
/// action and outcome, whether it happened inside a window of whole days ending at the assessment date, which the reader
/// does not know. So the earliest and the latest row of each such combination on each UTC day are kept (as
/// ``AccessEvent``s, each with the line it was read on): a window of at least a day that holds a row holds the earliest
/// or the latest row of that row's day (both outside it would put the window inside one day). Keeping only the earliest
/// and latest row overall lost use in the middle whenever the assessment date fell before the log's end. A log of
/// millions of rows by a few thousand staff becomes their active days' events.
///
/// The combinations are bounded too (``maxCombinations``, days counted apart): past the limit, rows of new
/// combinations are counted and reported, never kept, so the analysis can say usage is incomplete rather than call
/// access unused.
struct AccessLogCollector {
    /// The most user/resource/action/outcome/day combinations kept per file.
    static let maxCombinations = 1 << 20

    private struct Key: Hashable {
        var principal: String
        var resource: String
        var action: String
        var succeeded: Bool
        /// The UTC day (whole days since 1970, as a `Double`: any finite time has one, no conversion can trap).
        var day: Double
    }

    private var earliest: [Key: AccessEvent] = [:]
    private var latest: [Key: AccessEvent] = [:]
    private var order: [Key] = []
    /// Rows of combinations past the limit, and the line of the first.
    private(set) var overflow: (rows: Int, line: Int)?
    /// Rows whose time stated no zone (taken as UTC), and the line of the first.
    private(set) var zoneless: (rows: Int, line: Int)?

    /// Adds one row.
    mutating func add(_ event: AccessEvent, zoneStated: Bool) {
        if !zoneStated {
            zoneless = (rows: (zoneless?.rows ?? 0) + 1, line: zoneless?.line ?? event.source.line ?? 0)
        }
        let key = Key(
            principal: event.principal, resource: event.resourceID, action: event.action,
            succeeded: event.succeeded, day: (event.time.timeIntervalSince1970 / 86_400).rounded(.down))
        guard let first = earliest[key] else {
            guard order.count < Self.maxCombinations else {
                overflow = (rows: (overflow?.rows ?? 0) + 1, line: overflow?.line ?? event.source.line ?? 0)
                return
            }
            earliest[key] = event
            order.append(key)
            return
        }
        if event.time < first.time { earliest[key] = event }
        if event.time > (latest[key] ?? first).time { latest[key] = event }
    }

    /// The events kept, in the order their combinations first appeared (the earliest of each, then its latest when
    /// later), and the warnings about what was bounded or assumed.
    func finish(into fragment: inout EvidenceFragment, log: inout DiagnosticLog, code: String) {
        for key in order {
            guard let first = earliest[key] else { continue }
            fragment.accessEvents.append(first)
            if let last = latest[key], last.time > first.time { fragment.accessEvents.append(last) }
        }
        if let zoneless {
            log.warn(
                line: zoneless.line, code: "\(code).time-without-zone",
                "\(zoneless.rows) row\(zoneless.rows == 1 ? "'s time states" : "s' times state") no zone (first here); taken as UTC"
            )
        }
        if let overflow {
            log.warn(
                line: overflow.line, code: "\(code).too-many-combinations",
                "more than \(Self.maxCombinations) distinct user, resource, action, outcome and day combinations; \(overflow.rows) later row\(overflow.rows == 1 ? " was" : "s were") counted but not kept (first here), so usage from this log is incomplete"
            )
        }
    }
}
