import Testing
import VigilCore

@testable import VigilStore

/// A live ticket's numbers and names are read back from one text cell (``SQLNationalStore/StoredTicket/Head``):
/// every field in place, and anything out of its set or range refused rather than guessed.
@Suite("a ticket's head cell")
struct StoredTicketHeadTests {
    typealias Head = SQLNationalStore.StoredTicket.Head

    @Test("every field is read, a missing fix time is '-', and the rule is read whole")
    func fields() throws {
        let head = try #require(Head("42 host updates high unverified 1780000000 - 7 VGL UPD 001"))
        #expect(head.id == 42 && head.kind == .host && head.area == .updates && head.severity == "high")
        #expect(head.state == .unverified && head.openedAt == 1_780_000_000 && head.fixedAt == nil)
        #expect(head.lastSubmission == 7 && head.rule.rawValue == "VGL UPD 001")
        let fixed = try #require(Head("1 account credentials low fixed -5 1780000100 9 VGL-CRED-001"))
        #expect(fixed.fixedAt == 1_780_000_100 && fixed.openedAt == -5 && fixed.state == .fixed)
    }

    @Test(
        "a name outside its set, a number out of range or a missing field is refused",
        arguments: [
            "42 planet updates high open 1 - 7 R", "42 host nowhere high open 1 - 7 R",
            "42 host updates high lost 1 - 7 R", "9223372036854775808 host updates high open 1 - 7 R",
            "42 host updates high open 1x - 7 R", "42 host updates high open 1 - 7", "",
            "- host updates high open 1 - 7 R",
            "42 host updates high open 1 -- 7 R",
        ])
    func refused(_ text: String) {
        #expect(Head(text) == nil)
    }
}
