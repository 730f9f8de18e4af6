import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilParsers
import VigilTestSupport

/// The matching index an advisory database keeps compiled: the same findings as joining the stored advisories, never
/// used when stale.
@Suite("Compiled advisory index")
struct CompiledAdvisoriesTests {
    static let asOf = CivilDate.date(year: 2026, month: 12, day: 1)

    /// A bundle of the real systeminfo samples, and a database of the real WES-NG sample.
    static func setUp(_ scratch: ScratchDirectory) throws -> (bundle: URL, database: AdvisoryDatabase) {
        let bundle = scratch.url.appendingPathComponent("bundle")
        try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
        let samples = Fixtures.url("windows-systeminfo/systeminfo")
        for name in try FileManager.default.contentsOfDirectory(atPath: samples.path) {
            try FileManager.default.copyItem(
                at: samples.appendingPathComponent(name), to: bundle.appendingPathComponent(name))
        }
        let database = try AdvisoryDatabase(
            path: scratch.url.appendingPathComponent("advisories.db").path, create: true)
        try importSample(into: database)
        return (bundle, database)
    }

    static func importSample(into database: AdvisoryDatabase) throws {
        let fragment = try WesngDefinitionsReader().read(
            path: Fixtures.url("advisories/wesng-cves-sample.csv").path, file: "wesng-cves-sample.csv", progress: nil)
        _ = try database.importAdvisories(fragment.advisories, source: "wesng-cves-sample.csv", at: asOf)
    }

    static func findings(_ bundle: URL, _ database: AdvisoryDatabase) async throws -> [Finding] {
        try await AssessmentEngine().assess(
            directory: bundle, options: .init(asOf: asOf, advisories: database.path)
        ).findings.filter { $0.rule.rawValue.hasPrefix("VGL-UPD") }
    }

    @Test("an assessment with the compiled index finds what joining the stored advisories finds; imports remove it")
    func sameFindings() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (bundle, database) = try Self.setUp(scratch)
        #expect(try database.storedIndex() == nil)
        let joined = try await Self.findings(bundle, database)
        #expect(try CompiledAdvisories.status(database) == .none)
        try CompiledAdvisories.compile(database)
        #expect(try database.storedIndex() != nil)
        #expect(try CompiledAdvisories.status(database) != .stale && CompiledAdvisories.status(database) != .none)
        let compiled = try await Self.findings(bundle, database)
        #expect(compiled.contains { $0.rule == .updateMissingExploited })
        #expect(compiled == joined)
        try Self.importSample(into: database)
        #expect(try database.storedIndex() == nil, "an import makes the compiled index stale and removes it")
    }

    @Test("a compiled index of another built-in catalogue is not used; a damaged one is an error naming the database")
    func staleOrDamaged() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (bundle, database) = try Self.setUp(scratch)
        let joined = try await Self.findings(bundle, database)
        try CompiledAdvisories.compile(database)
        var stored = try #require(try database.storedIndex())
        let compiled = stored.snapshot
        // The real snapshot, labelled as compiled with another built-in catalogue: it must be ignored.
        stored.catalogue = Data("another catalogue".utf8)
        try database.storeIndex(stored)
        #expect(try CompiledAdvisories.status(database) == .stale)
        #expect(try await Self.findings(bundle, database) == joined)

        try CompiledAdvisories.compile(database)
        stored = try #require(try database.storedIndex())
        stored.snapshot = compiled.prefix(compiled.count / 2)
        try database.storeIndex(stored)
        await #expect {
            try await Self.findings(bundle, database)
        } throws: { error in
            "\(error)".contains("advisories.db") && "\(error)".contains("damaged")
        }
    }
}
