import Foundation
import Testing
import VigilCore

@testable import VigilAnalyzers

/// The indexes and the access analysis several stages share are computed once and give what computing them afresh
/// gives; the trimming the role join uses in place of Foundation's trims what Foundation trims.
@Suite("Shared analyses: computed once, the same as afresh")
struct SharedAnalysesTests {
    static let asOf = CivilDate.date(year: 2026, month: 11, day: 1)

    @Test("the access reach shared by the analyzer and the join equals one computed on its own")
    func reachIsShared() {
        let estate = AccessUsageTests.estate(events: AccessUsageTests.events)
        let context = AnalysisContext(estate: estate, asOf: Self.asOf)
        let shared = context.shared.accessReach()
        let afresh = AccessReach(estate: estate, asOf: Self.asOf)
        #expect(shared.reachingStaff == afresh.reachingStaff)
        #expect(shared.staffCount == afresh.staffCount)
        #expect(shared.files.map(\.path) == afresh.files.map(\.path))
        #expect(shared.openingGrants().map(\.staff) == afresh.openingGrants().map(\.staff))
        // The second request is answered from the first: the same directory graph, not a rebuilt one.
        #expect(context.shared.accessReach().reaching == shared.reaching)
        #expect(context.shared.directory().graph.accountCount == estate.accounts.count)
        // Resolving principals builds the account look-ups on first use and finds accounts by SID and by name.
        let directory = context.shared.directory()
        #expect(directory.resolve(AccessUsageTests.sid(3)) == .principal(.account(3)))
        #expect(directory.resolve("NHSTRUST\\u4") == .principal(.account(4)))
        #expect(directory.resolve("u5") == .principal(.account(5)))
        #expect(directory.resolve("nobody") == .unknown)
    }

    @Test(
        "trimming spaces and tabs matches Foundation's whitespace trimming",
        arguments: [
            "", " ", "  \t ", "x", " ann ", "\tClerk\t", "Ward 7", "\u{00A0}no-break\u{3000}", "\n kept \n", "a  b",
            " \u{2003}em\u{2003} ", "é ", " 名前",
        ])
    func trimming(text: String) {
        #expect(text.trimmingBlanks() == text.trimmingCharacters(in: .whitespaces))
    }
}
