import ArgumentParser
import Foundation
import VigilCore
import VigilEngine
import VigilParsers

/// `vigil advisories`: build and inspect the local advisory database.
struct AdvisoriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advisories",
        abstract:
            "Build a local advisory database from WES-NG definitions, CSAF, CVRF, OSV and the CISA KEV catalogue.",
        subcommands: [AdvisoriesImportCommand.self, AdvisoriesShowCommand.self]
    )
}

/// `vigil advisories import SRC... -o DB`.
struct AdvisoriesImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import advisory files, folders or zips into an advisory database.",
        discussion: """
            Each SRC is a file in an advisory format (WES-NG definitions CSV, CSAF 2.0 JSON, Microsoft CVRF 1.2 XML, \
            OSV JSON, the CISA KEV catalogue as JSON or CSV), a folder of them, or a zip of them such as WES-NG's \
            definitions.zip. Formats are recognised by content. An import replaces what an earlier import of the \
            same source stored and keeps everything else, so sources can be added one at a time. Each import ends \
            by compiling the matching index (the built-in catalogue and every advisory stored, joined), which \
            assessments load instead of joining the advisories again. Assess with the \
            database through `vigil assess --advisories DB` or `reference: advisories:` in vigil.yaml; Vigil's \
            built-in catalogue of critical Windows advisories is always used as well.

            Exit codes: 0 imported; 65 a source held no advisories Vigil reads, or (with --strict) records were \
            rejected; 66 a SRC does not exist; 73 the database cannot be written.
            """
    )

    @Argument(help: ArgumentHelp("Advisory files, folders or zips.", valueName: "src"))
    var sources: [String]

    @Option(
        name: [.short, .customLong("output")], help: ArgumentHelp("The database to create or update.", valueName: "db"))
    var output: String

    @Flag(help: "Exit with code 65 if any record was rejected as malformed.")
    var strict = false

    @Flag(name: [.short, .long], help: "Print only errors.")
    var quiet = false

    func run() throws {
        let database: AdvisoryDatabase
        do {
            database = try AdvisoryDatabase(path: output, create: true)
        } catch {
            Terminal.error("vigil: \(error)")
            throw VigilExit.cannotCreate
        }
        let progress = ProgressLine(enabled: Terminal.standardErrorIsTerminal && !quiet)
        var imported = 0
        var rejected = 0
        for path in sources {
            guard FileManager.default.fileExists(atPath: path) else {
                Terminal.error("vigil: \(path): no such file or folder")
                throw VigilExit.noInput
            }
            progress.show("Reading \(path)…")
            do {
                try AdvisoryImporter().read(path) { source in
                    progress.show("Storing \(source.name)…")
                    let summary = try database.importAdvisories(source.advisories, source: source.name, at: Date())
                    progress.clear()
                    imported += summary.advisories
                    rejected += source.log.recordsRejected
                    if !quiet {
                        print(
                            "\(source.name)  \(source.format)  \(Wording.count(summary.advisories, "advisory", plural: "advisories")), \(Wording.count(summary.fixes, "fix", plural: "fixes"))\(summary.replaced > 0 ? " (replacing \(Wording.number(summary.replaced)))" : "")\(source.log.recordsRejected > 0 ? ", \(Wording.count(source.log.recordsRejected, "record")) rejected" : "")"
                        )
                        for diagnostic in source.log.diagnostics.prefix(5) { print("    \(diagnostic)") }
                    }
                } skipped: { skipped in
                    progress.clear()
                    if !quiet { print("\(skipped.name)  not imported: \(skipped.reason)") }
                }
            } catch let error as AdvisoryDatabaseError {
                progress.clear()
                Terminal.error("vigil: \(error)")
                throw VigilExit.cannotCreate
            } catch {
                progress.clear()
                Terminal.error("vigil: \(error)")
                throw VigilExit.dataError
            }
        }
        progress.clear()
        guard imported > 0 else {
            Terminal.error("vigil: no advisories found in \(sources.joined(separator: ", "))")
            throw VigilExit.dataError
        }
        progress.show("Compiling the matching index…")
        do {
            try CompiledAdvisories.compile(database)
        } catch {
            progress.clear()
            Terminal.error("vigil: \(error)")
            throw VigilExit.cannotCreate
        }
        progress.clear()
        if !quiet, let contents = try? database.contents() {
            print(
                "\(output): \(Wording.count(contents.advisories, "advisory", plural: "advisories")) and \(Wording.count(contents.fixes, "fix", plural: "fixes")) from \(Wording.count(contents.sources.count, "source"))"
            )
        }
        if strict, rejected > 0 { throw VigilExit.dataError }
    }
}

/// `vigil advisories show [DB]`.
struct AdvisoriesShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Describe the built-in catalogue and list the sources an advisory database holds.",
        discussion: """
            Without DB, describes only Vigil's built-in catalogue: each of its advisories (CVE, the date its fix was \
            released, title) and the dates of the WES-NG definitions and CISA KEV catalogue it was made from \
            (updates released after that date are unknown to it: import current definitions).

            Exit codes: 0 listed; 65 not an advisory database of this version; 66 DB does not exist.
            """)

    @Argument(help: ArgumentHelp("The advisory database.", valueName: "db"))
    var database: String?

    func run() throws {
        do {
            let builtIn = try BuiltInAdvisories.load()
            print(
                "built-in catalogue: \(Wording.count(builtIn.count, "advisory", plural: "advisories")) as of \(try BuiltInAdvisories.info().summary)"
            )
            for advisory in builtIn.sorted(by: { $0.id < $1.id }) {
                let released = advisory.published.map(CivilDate.string) ?? "date not given"
                let id = advisory.id.padding(toLength: 15, withPad: " ", startingAt: 0)
                print("  \(id) \(released)  \(advisory.title)")
            }
        } catch {
            Terminal.error("vigil: \(error)")
            throw VigilExit.dataError
        }
        guard let database else { return }
        let contents: AdvisoryDatabase.Contents
        let compiled: CompiledAdvisories.Status
        do {
            let opened = try AdvisoryDatabase(path: database)
            contents = try opened.contents()
            compiled = try CompiledAdvisories.status(opened)
        } catch {
            Terminal.error("vigil: \(error)")
            throw FileManager.default.fileExists(atPath: database) ? VigilExit.dataError : VigilExit.noInput
        }
        for source in contents.sources {
            print(
                "\(source.name)  \(Wording.count(source.advisories, "advisory", plural: "advisories"))  imported \(source.imported)"
            )
        }
        print(
            "\(database): \(Wording.count(contents.advisories, "advisory", plural: "advisories")), \(Wording.count(contents.fixes, "fix", plural: "fixes"))"
        )
        switch compiled {
        case .current(let bytes): print("matching index: compiled (\(Wording.number(bytes >> 10)) KiB)")
        case .stale:
            print(
                "matching index: compiled by another version of Vigil, not used (assessments join the advisories on every run); import any source again to compile it"
            )
        case .none:
            print("matching index: none (assessments join the advisories on every run); any import compiles it")
        }
    }
}
