import Foundation
import Testing
import VigilCore
import VigilSubmission

@testable import VigilStore

/// A submission's planned changes sorted into the sets each write sets (``TicketWrites``), which PostgreSQL writes in
/// one statement only when no ticket is in two of them.
@Suite("ticket changes sorted into writes")
struct TicketWritesTests {
    static let submission = Scenario.week(0, missing: ["a", "b", "c"], inventoried: ["a", "b", "c"])

    @Test("each change lands in its set with its event, new tickets without one, in the order of the changes")
    func sorting() {
        let changes: [TicketPlanner.Change] = [
            .open(finding: 0, superseding: 9), .seen(id: 1, finding: 1, confirmed: true),
            .reopen(id: 2, finding: 2), .fix(id: 3), .unverify(id: 4),
            .seen(id: 5, finding: 1, confirmed: false),
        ]
        let writes = TicketWrites(changes, of: Self.submission, stored: [:])
        #expect(writes.opened == [0] && writes.superseded == [9])
        #expect(writes.sighted == [1, 2, 5])
        // A seen ticket nothing stored describes is rewritten, as is a confirmed one.
        #expect(writes.rewritten.map(\.ticket) == [1, 5])
        #expect(writes.reopened.map(\.ticket) == [2])
        #expect(writes.reopened.first?.severity == Self.submission.findings[2].severity.rawValue)
        #expect(writes.fixed == [3] && writes.unverified == [4])
        #expect(writes.events.map(\.ticket) == [1, 2, 3, 4])
        #expect(writes.events.map(\.kind) == [.confirmed, .reopened, .fixed, .unverified])
        #expect(writes.updatesEachTicketOnce)
    }

    @Test("a ticket in two updated sets is written a set at a time, not in one statement")
    func overlap() {
        let twice = TicketWrites([.open(finding: 0, superseding: 3), .fix(id: 3)], of: Self.submission, stored: [:])
        #expect(!twice.updatesEachTicketOnce)
        // Sighting rows are a table of their own: a reopened ticket is sighted and updated once each.
        let reopened = TicketWrites([.reopen(id: 2, finding: 0)], of: Self.submission, stored: [:])
        #expect(reopened.updatesEachTicketOnce)
    }
}
