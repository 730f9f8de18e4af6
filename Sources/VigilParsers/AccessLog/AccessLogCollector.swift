import Foundation
import VigilCore

/// Folds the rows of an access log into bounded memory: what the analysis needs from a log is, for each user, resource,
/// action and outcome, whether it happened inside a window, so only the earliest and the latest row of each such
/// combination are kept (as ``AccessEvent``s, each with the line it was read on). A log of millions of rows by a few
/// thousand staff becomes a few thousand events.
///
/// The combinations are bounded too (``maxCombinations``): past the limit, rows of new combinations are counted and
/// reported, never kept, so the analysis can say usage is incomplete rather than call access unused.
struct AccessLogCollector {
    /// The most user/resource/action/outcome combinations kept per file.
    static let maxCombinations = 1 << 20

    private struct Key: Hashable {
        var principal: String
        var resource: String
        var action: String
        var succeeded: Bool
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
            succeeded: event.succeeded)
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
                "more than \(Self.maxCombinations) distinct user, resource, action and outcome combinations; \(overflow.rows) later row\(overflow.rows == 1 ? " was" : "s were") counted but not kept (first here), so usage from this log is incomplete"
            )
        }
    }
}
