import Testing
import VigilAnalyzers

@Suite("Least-privilege proposal: the smallest existing groups that cover who needs access")
struct LeastPrivilegeTests {
    static func set(_ members: [Int], capacity: Int = 100) -> AccessBitset {
        var set = AccessBitset(capacity: capacity)
        for member in members { set.insert(member) }
        return set
    }

    static let everyone = AccessBitset.full(capacity: 100)

    @Test("the narrow team group replaces Domain Users: 100 → 10, nobody who needs it loses it")
    func narrowGroup() {
        let needed = Self.set(Array(0..<8))
        let proposal = LeastPrivilege.propose(
            needed: needed, current: Self.everyone,
            candidates: [
                (0, Self.everyone), (1, Self.set(Array(0..<10))), (2, Self.set(Array(0..<50))),
                (3, Self.set([0, 1, 2])),
            ],
            counted: Self.everyone)
        #expect(proposal == .init(groups: [1], newGroupMembers: [], before: 100, after: 10, needingAndLosing: 0))
    }

    @Test("two small groups together when no single one covers; ties go to the smaller, then the lower index")
    func twoGroups() {
        let needed = Self.set([0, 1, 2, 50, 51])
        let proposal = LeastPrivilege.propose(
            needed: needed, current: Self.everyone,
            candidates: [
                (7, Self.set([50, 51, 52])), (4, Self.set([0, 1, 2, 3])), (5, Self.set([50, 51, 53])),
                (6, Self.set(Array(0..<60))),
            ],
            counted: Self.everyone)
        #expect(proposal.groups == [4, 5])
        #expect(proposal.after == 7)
    }

    @Test("a new group of exactly the people who need it when existing groups would let in too many")
    func newGroup() {
        let needed = Self.set([3, 40, 77])
        let proposal = LeastPrivilege.propose(
            needed: needed, current: Self.everyone,
            candidates: [(1, Self.set(Array(0..<30))), (2, Self.set(Array(30..<60))), (3, Self.set(Array(60..<90)))],
            counted: Self.everyone)
        #expect(proposal.groups.isEmpty)
        #expect(proposal.newGroupMembers == [3, 40, 77])
        #expect(proposal.after == 3 && proposal.before == 100)
    }

    @Test("disabled accounts neither count nor need covering")
    func counted() {
        let counted = Self.set(Array(0..<50))
        let proposal = LeastPrivilege.propose(
            needed: Self.set([1, 2, 60]), current: Self.everyone, candidates: [(9, Self.set([1, 2, 3, 60, 61]))],
            counted: counted)
        #expect(proposal == .init(groups: [9], newGroupMembers: [], before: 50, after: 3, needingAndLosing: 0))
    }
}
