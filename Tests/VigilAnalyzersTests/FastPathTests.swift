import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilAnalyzers

/// The shortcuts a national-size directory needs (byte-level name handling, a bounded selection instead of a sort)
/// against the general code they stand in for: the same answers on awkward input, or a refusal that sends the input
/// down the general path.
@Suite("National-size shortcuts give what the general code gives")
struct FastPathTests {
    static let names = [
        "", "a", "A", "amy", "Amy", "AMY", "amy.hall", "Amy.Hall", "AMY.HALL", "aMY.hALL", ".amy", "amy.", "amy..hall",
        "...", "o'neil", "x-y_z", "Z9", "9z", "svc_backup$", "a.b.c.d", "MiXeD.CaSe.NaMe", "tab\there", "x y",
        String(repeating: "q", count: 27), String(repeating: "Q", count: 40), "@", "[", "`", "{",
    ]

    @Test("an ASCII person's own-name candidates are the general candidates, each once", arguments: names)
    func ownNameCandidates(name: String) throws {
        var units: [UInt16] = []
        var ends: [Int] = [99]
        #expect(OwnNameCandidates.asciiPerson(name: name, units: &units, ends: &ends))
        var fast: [String] = []
        var start = 0
        for end in ends {
            fast.append(String(decoding: units[start..<end], as: UTF16.self))
            start = end
        }
        #expect(start == units.count)
        #expect(Set(fast).count == fast.count)
        #expect(Set(fast) == Set(OwnNameCandidates.candidates(name: name, computer: false)))
    }

    @Test(
        "a name with anything but ASCII is left to the general candidates",
        arguments: ["José", "Ærø.Ñ", "straße", "名前"])
    func ownNameCandidatesRefused(name: String) {
        var units: [UInt16] = [1, 2]
        var ends: [Int] = [2]
        #expect(!OwnNameCandidates.asciiPerson(name: name, units: &units, ends: &ends))
        #expect(units.isEmpty && ends.isEmpty)
        // The general path maps case beyond ASCII (`straße` upper-cases to `STRASSE`).
        #expect(OwnNameCandidates.candidates(name: "straße", computer: false).contains("STRASSE"))
    }

    @Test(
        "a name splits into the words the character-by-character split gives",
        arguments: names + [
            "Amy Hall (2)", "O'Neil-Smith", "  x  ", "a1b2c3", "José Álvarez", "Zoë\u{301} Ng", "名前 テスト", "\r\n",
        ])
    func nameParts(name: String) {
        #expect(CandidateWords.nameParts(name) == name.split { !$0.isLetter }.map(String.init))
    }

    @Test("the first names of many accounts are the first of all of them sorted, ties in the order given")
    func firstByName() {
        var generator = SeededGenerator(state: 15)
        let pool = ["amy", "bob", "Amy", "zed", "amy.hall", "bo", "b", "", "Émile", "eve"]
        let accounts = (0..<300).map { position in
            Account(
                name: pool.randomElement(using: &generator)!,
                domain: position % 3 == 0 ? nil : ["NHS", "nhs", "TRUST"].randomElement(using: &generator)!,
                source: EvidenceReference(file: "d.ldif", line: position + 1))
        }
        let directory = DirectoryIndex(Estate(organisation: .unnamed, accounts: accounts))
        for limit in [0, 1, 5, 20, 299, 300, 400] {
            let indices = Array(accounts.indices.shuffled(using: &generator).prefix(250))
            let sorted = indices.sorted { accounts[$0].qualifiedName < accounts[$1].qualifiedName }
            #expect(directory.firstByName(indices, limit: limit) == Array(sorted.prefix(limit)), "limit \(limit)")
        }
    }

    @Test("each role row's account, looked up once, is the account its user names")
    func roleRowAccounts() throws {
        let estate = try ClinicalRoleAccessTests.fixtureEstate()
        let users = ClinicalRoleUsers(estate.accounts, users: estate.roleAssignments)
        #expect(estate.roleAssignments.count > 5)
        for (row, assignment) in estate.roleAssignments.enumerated() {
            #expect(users.account(ofRow: row, assignment) == users.index(of: assignment.user), "row \(row)")
        }
        #expect(estate.roleAssignments.indices.contains { users.account(ofRow: $0, estate.roleAssignments[$0]) == nil })
    }

}
