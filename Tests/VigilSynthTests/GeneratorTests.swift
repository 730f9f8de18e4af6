import Foundation
import Testing
import VigilCore
import VigilParsers
import VigilTestSupport

@testable import VigilSynth

@Suite("Synthetic estate generator")
struct GeneratorTests {
    @Test("the same seed writes the same bytes; another seed does not")
    func determinism() throws {
        let first = try SyntheticBundles.make(seed: 42, staff: 150, layout: .trust)
        let second = try SyntheticBundles.make(seed: 42, staff: 150, layout: .trust)
        let other = try SyntheticBundles.make(seed: 43, staff: 150, layout: .trust)
        defer { for bundle in [first, second, other] { bundle.scratch.remove() } }
        for name in [EstateGenerator.FileName.directory, EstateGenerator.FileName.hashes] {
            let a = try Data(contentsOf: first.directory.appendingPathComponent(name))
            #expect(a == (try Data(contentsOf: second.directory.appendingPathComponent(name))))
            #expect(a != (try Data(contentsOf: other.directory.appendingPathComponent(name))))
        }
        #expect(first.truth.expected == second.truth.expected)
    }

    @Test(
        "writes real formats that Vigil's readers read without a single diagnostic",
        arguments: [EstateSpecification.Layout.trust, .practice])
    func realFormats(layout: EstateSpecification.Layout) throws {
        let bundle = try SyntheticBundles.make(
            seed: 9, staff: layout == .trust ? 700 : 30, layout: layout, computers: 25)
        defer { bundle.scratch.remove() }
        let ldifPath = bundle.directory.appendingPathComponent(EstateGenerator.FileName.directory).path
        let directory = try LDIFReader().read(path: ldifPath, file: "d", progress: nil)
        let hashes = try PwdumpReader().read(
            path: bundle.directory.appendingPathComponent(EstateGenerator.FileName.hashes).path, file: "h",
            progress: nil)
        #expect(directory.log.count == 0 && hashes.log.count == 0)
        #expect(directory.accounts.count == bundle.truth.accounts + bundle.truth.computers)
        #expect(hashes.credentials.count == directory.accounts.count)
        #expect(Set(directory.accounts.map { $0.name.lowercased() }).count == directory.accounts.count)
        #expect(directory.accounts.filter { $0.kind == .computer }.count == 25)
        #expect(directory.domains.count == 1)
        // ldapsearch folds at 76 columns.
        let longest =
            try String(contentsOfFile: ldifPath, encoding: .utf8).split(separator: "\n").map(\.utf8.count).max() ?? 0
        #expect(longest <= 76)
        // Every group member resolves to an entry of the export.
        let names = Set(directory.accounts.compactMap(\.distinguishedName) + directory.groups.map(\.distinguishedName))
        #expect(directory.groups.flatMap(\.members).allSatisfy { names.contains($0) })
    }

    @Test("a trust and a practice together seed every rule the ground truth covers")
    func seededRules() throws {
        let trust = try SyntheticBundles.make(seed: 1, staff: 3_000, layout: .trust)
        let practice = try SyntheticBundles.make(seed: 2, staff: 40, layout: .practice)
        defer { for bundle in [trust, practice] { bundle.scratch.remove() } }
        #expect(Set((trust.truth.expected + practice.truth.expected).map(\.rule)) == Set(trust.truth.rules))
        #expect(trust.truth.expected == trust.truth.expected.sorted())
    }

    @Test("the demo is one trust and GP practices of 10 to 60 staff, with distinct codes and domains")
    func demo() {
        let specifications = EstateSpecification.demo(seed: 1, trustStaff: 7_000, practices: 10)
        #expect(specifications.count == 11)
        #expect(specifications[0].organisation.kind == .acuteTrust && specifications[0].staff == 7_000)
        #expect(
            specifications.dropFirst().allSatisfy {
                (10...60).contains($0.staff) && $0.organisation.kind == .gpPractice
            })
        #expect(Set(specifications.map(\.organisation.code)).count == 11)
        #expect(Set(specifications.map(\.domain)).count == 11)
    }

    @Test("people are distinct for every index, even beyond the name pool")
    func people() {
        let pool = NamePool.given.count * NamePool.surnames.count
        let people = (0..<(pool + 50)).map { NamePool.person($0, salt: 7) }
        #expect(Set(people.map { "\($0.given) \($0.surname) \($0.suffix)" }).count == people.count)
    }
}
