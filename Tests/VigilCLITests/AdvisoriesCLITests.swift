import Foundation
import Testing
import VigilTestSupport
import ZIPFoundation

/// `vigil advisories import` and `show`, and `vigil assess --advisories`, through the real executable.
@Suite("vigil advisories", .serialized)
struct AdvisoriesCLITests {
    /// A zip holding the real WES-NG sample, as `definitions.zip` holds its CSVs, plus a file that is not one.
    static func definitionsZip(
        in scratch: ScratchDirectory, member: String = "CVEs_sample.csv", folder: String = ""
    ) throws -> URL {
        if !folder.isEmpty {
            try FileManager.default.createDirectory(
                at: scratch.url.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let url = scratch.url.appendingPathComponent(folder).appendingPathComponent("definitions.zip")
        let archive = try Archive(url: url, accessMode: .create)
        try archive.addEntry(
            with: member, fileURL: Fixtures.url("advisories/wesng-cves-sample.csv"), compressionMethod: .deflate)
        let version = Data("wes.py definitions version 0.94\n".utf8)
        try archive.addEntry(
            with: "Version_0.94.txt", type: .file, uncompressedSize: Int64(version.count), compressionMethod: .deflate
        ) { position, size in version.subdata(in: Int(position)..<Int(position) + size) }
        return url
    }

    @Test("import a definitions zip and the KEV catalogue, show them, re-import, assess with the database")
    func importAndAssess() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let database = scratch.url.appendingPathComponent("advisories.db").path
        let zip = try Self.definitionsZip(in: scratch)
        let kev = Fixtures.url("advisories/kev-sample.json").path
        let imported = try VigilProcess.run(["advisories", "import", zip.path, kev, "-o", database])
        #expect(imported.status == 0, "\(imported.error)")
        #expect(imported.output.contains("definitions.zip/CVEs_sample.csv  wesng-definitions"))
        #expect(imported.output.contains("kev-sample.json  cisa-kev"))
        #expect(imported.output.contains("Version_0.94.txt") == false, "only .csv, .json and .xml members are read")
        let shown = try VigilProcess.run(["advisories", "show", database])
        #expect(shown.status == 0)
        #expect(shown.output.components(separatedBy: "\n").filter { $0.contains("imported") }.count == 2)
        #expect(shown.output.contains("matching index: compiled ("))

        let again = try VigilProcess.run(["advisories", "import", kev, "-o", database])
        #expect(again.status == 0 && again.output.contains("replacing"))
        let reshown = try VigilProcess.run(["advisories", "show", database])
        #expect(reshown.output.components(separatedBy: "\n").filter { $0.contains("imported") }.count == 2)

        let bundle = scratch.url.appendingPathComponent("bundle")
        try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Fixtures.url("windows-systeminfo/systeminfo/10_1809_x64_pro_en-us_20190307_systeminfo.txt"),
            to: bundle.appendingPathComponent("pc.txt"))
        let out = scratch.url.appendingPathComponent("out")
        let assessed = try VigilProcess.run([
            "assess", bundle.path, "--out", out.path, "--as-of", "2026-12-01", "--advisories", database, "-q",
        ])
        #expect(assessed.status == 0, "\(assessed.error)")
        let json = try String(contentsOf: out.appendingPathComponent("assessment.json"), encoding: .utf8)
        #expect(json.contains("from advisories.db"))
        #expect(json.contains("built-in catalogue"))
    }

    @Test(
        "a catalogue cut short never replaces the complete one it follows unless --allow-partial; --strict stores nothing partial; a missing SRC writes nothing"
    )
    func partialSources() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let database = scratch.url.appendingPathComponent("advisories.db").path
        let complete = try Data(contentsOf: Fixtures.url("advisories/kev-sample.json"))
        let catalogue = scratch.url.appendingPathComponent("known_exploited_vulnerabilities.json")
        try complete.write(to: catalogue)
        #expect(try VigilProcess.run(["advisories", "import", catalogue.path, "-o", database]).status == 0)
        func stored() throws -> String {
            try VigilProcess.run(["advisories", "show", database]).output
        }
        let before = try stored()
        // The same file cut two thirds of the way through, as an interrupted download leaves it.
        try complete.prefix(complete.count * 2 / 3).write(to: catalogue)
        let cut = try VigilProcess.run(["advisories", "import", catalogue.path, "-o", database])
        #expect(cut.status == 65, "\(cut.error)")
        #expect(cut.error.contains("not stored") && cut.error.contains("the earlier import is kept"), "\(cut.error)")
        let strict = try VigilProcess.run(["advisories", "import", catalogue.path, "-o", database, "--strict", "-q"])
        #expect(strict.status == 65 && strict.error.contains("not stored"), "\(strict.error)")
        #expect(try stored() == before)
        let allowed = try VigilProcess.run(["advisories", "import", catalogue.path, "-o", database, "--allow-partial"])
        #expect(allowed.status == 0 && allowed.output.contains("replacing"), "\(allowed.error)")
        #expect(try stored() != before)
        // A definitions file whose every row is rejected (its format changed upstream) stores nothing usable: 65.
        let header =
            try String(contentsOf: Fixtures.url("advisories/wesng-cves-sample.csv"), encoding: .utf8)
            .split(maxSplits: 1, whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let changed = scratch.url.appendingPathComponent("CVEs_20240101.csv")
        try (header + "\nnot,a,row,of,this,format\n").write(to: changed, atomically: true, encoding: .utf8)
        let empty = try VigilProcess.run([
            "advisories", "import", changed.path, "-o", scratch.url.appendingPathComponent("changed.db").path,
        ])
        #expect(empty.status == 65, "\(empty.output)\(empty.error)")
        let fresh = scratch.url.appendingPathComponent("fresh.db").path
        let missing = try VigilProcess.run(["advisories", "import", catalogue.path, "no-such-file", "-o", fresh])
        #expect(missing.status == 66)
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }

    @Test("next month's WES-NG definitions and a renamed KEV catalogue replace this month's, never pile up beside them")
    func monthlyUpdates() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let database = scratch.url.appendingPathComponent("advisories.db").path
        let june = try Self.definitionsZip(in: scratch, member: "CVEs_20260628.csv", folder: "june")
        let july = try Self.definitionsZip(in: scratch, member: "CVEs_20260728.csv", folder: "july")
        let kev = scratch.url.appendingPathComponent("kev-2026-06.json")
        try FileManager.default.copyItem(at: Fixtures.url("advisories/kev-sample.json"), to: kev)
        #expect(try VigilProcess.run(["advisories", "import", june.path, kev.path, "-o", database]).status == 0)
        let first = try VigilProcess.run(["advisories", "show", database]).output
        let renamed = scratch.url.appendingPathComponent("known_exploited_vulnerabilities.json")
        try FileManager.default.copyItem(at: kev, to: renamed)
        let next = try VigilProcess.run(["advisories", "import", july.path, renamed.path, "-o", database])
        #expect(next.status == 0, "\(next.error)")
        #expect(next.output.components(separatedBy: "replacing").count == 3, "\(next.output)")
        let shown = try VigilProcess.run(["advisories", "show", database]).output
        #expect(shown.components(separatedBy: "\n").filter { $0.contains("imported") }.count == 2, "\(shown)")
        #expect(shown.contains("wesng-definitions/CVEs.csv") && shown.contains("cisa-kev"), "\(shown)")
        // The same advisories as after the first month: replaced, not doubled.
        let totals = { (text: String) in text.components(separatedBy: "\n").filter { $0.contains("advisories.db: ") } }
        #expect(totals(shown).count == 1 && totals(shown) == totals(first), "\(shown)")
    }

    @Test("show without a database states the built-in catalogue and the dates of the data it was made from")
    func showBuiltIn() throws {
        let shown = try VigilProcess.run(["advisories", "show"])
        #expect(shown.status == 0)
        #expect(
            shown.output.contains(
                "built-in catalogue: 12 advisories as of WES-NG definitions of 2026-06-28, CISA KEV catalogue 2025.08.25"
            ))
        let withDatabase = try VigilProcess.run(["advisories", "show", "/nonexistent/x.db"])
        #expect(withDatabase.output.hasPrefix("built-in catalogue: "))
    }

    @Test("zip members of the same name in different folders are each imported, none overwritten")
    func sameNameMembers() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let zip = scratch.url.appendingPathComponent("feeds.zip")
        let archive = try Archive(url: zip, accessMode: .create)
        for folder in ["2025", "2026"] {
            try archive.addEntry(
                with: "\(folder)/CVEs.csv", fileURL: Fixtures.url("advisories/wesng-cves-sample.csv"),
                compressionMethod: .deflate)
        }
        let database = scratch.url.appendingPathComponent("advisories.db").path
        let imported = try VigilProcess.run(["advisories", "import", zip.path, "-o", database])
        #expect(imported.status == 0, "\(imported.error)")
        #expect(imported.output.components(separatedBy: "\n").filter { $0.contains("wesng-definitions") }.count == 2)
        #expect(imported.output.contains("from 2 sources"))
    }

    @Test("refusals have their exit codes: not advisories 65, missing 66, not a database 65, zip bomb 65")
    func refusals() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let database = scratch.url.appendingPathComponent("advisories.db").path
        let ldif = Fixtures.url("ldif/openldap-test.ldif").path
        let notAdvisories = try VigilProcess.run(["advisories", "import", ldif, "-o", database])
        #expect(notAdvisories.status == 65)
        #expect(notAdvisories.output.contains("not imported"))
        #expect(try VigilProcess.run(["advisories", "import", "/nonexistent/x.csv", "-o", database]).status == 66)
        #expect(try VigilProcess.run(["advisories", "show", "/nonexistent/x.db"]).status == 66)
        let garbage = try scratch.write("garbage.db", "SQLite format 3? no: just text\n")
        let shown = try VigilProcess.run(["advisories", "show", garbage.path])
        #expect(shown.status == 65)
        #expect(shown.error.contains("garbage.db"))
        let assessed = try VigilProcess.run([
            "assess", scratch.url.path, "--out", scratch.url.appendingPathComponent("out").path, "--advisories",
            "/nonexistent/a.db", "-q",
        ])
        #expect(assessed.status == 66)

        // 64 MiB of zeros deflates about a thousandfold: past the 250:1 ratio the inflater allows.
        let bomb = scratch.url.appendingPathComponent("bomb.zip")
        let archive = try Archive(url: bomb, accessMode: .create)
        let chunk = Data(count: 1 << 20)
        try archive.addEntry(
            with: "CVEs_bomb.csv", type: .file, uncompressedSize: Int64(64 << 20), compressionMethod: .deflate
        ) { _, size in chunk.prefix(size) }
        let refused = try VigilProcess.run(["advisories", "import", bomb.path, "-o", database])
        #expect(refused.status == 65)
        #expect(refused.error.contains("safety limit"))
    }
}
