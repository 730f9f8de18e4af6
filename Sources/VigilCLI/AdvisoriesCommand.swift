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
            same source stored and keeps everything else, so sources can be added one at a time: the KEV catalogue \
            is one source whatever its file is called, a WES-NG definitions file one source whatever its month \
            (CVEs_20261206.csv replaces CVEs_20261106.csv), and a CSAF, CVRF or OSV document is known by its file \
            name. Each import ends \
            by compiling the matching index (the built-in catalogue and every advisory stored, joined), which \
            assessments load instead of joining the advisories again. Assess with the \
            database through `vigil assess --advisories DB` or `reference: advisories:` in vigil.yaml; Vigil's \
            built-in catalogue of critical Windows advisories is always used as well.

            A source with rejected records never replaces an earlier import of it that held more advisories (a \
            download cut short would otherwise empty the database of what it had): the earlier import is kept and \
            the command exits 65, unless --allow-partial says to store it anyway. With --strict, no source with a \
            rejected record is stored at all. Every SRC must exist before anything is written.

            Exit codes: 0 imported; 65 no SRC held advisories Vigil reads, a partial source was held back, or \
            (with --strict) records were rejected; 66 a SRC does not exist; 73 the database cannot be written.
            """
    )

    @Argument(help: ArgumentHelp("Advisory files, folders or zips.", valueName: "src"))
    var sources: [String]

    @Option(
        name: [.short, .customLong("output"), .customLong("out")],
        help: ArgumentHelp("The database to create or update (`--out` is the same option).", valueName: "db"))
    var output: String

    @Flag(help: "Store no source with a record rejected as malformed, and exit with code 65 if any was.")
    var strict = false

    @Flag(
        name: .customLong("allow-partial"),
        help: "Store a source with rejected records even where it replaces an earlier import holding more advisories.")
    var allowPartial = false

    @Flag(name: [.short, .long], help: "Print only errors.")
    var quiet = false

    func run() throws {
        // Every SRC first: a missing one after a good one must not leave half an import (or a new empty database).
        for path in sources where !FileManager.default.fileExists(atPath: path) {
            Terminal.error("vigil: \(path): no such file or folder")
            throw VigilExit.noInput
        }
        let database: AdvisoryDatabase
        do {
            database = try AdvisoryDatabase(path: output, create: true)
        } catch {
            Terminal.error("vigil: \(error)")
            throw VigilExit.cannotCreate
        }
        let progress = ProgressLine(enabled: Terminal.standardErrorIsTerminal && !quiet)
        var stored = Dictionary(
            ((try? database.contents().sources) ?? []).map { ($0.name, $0.advisories) }, uniquingKeysWith: max)
        var imported = 0
        var rejected = 0
        var heldBack = 0
        var wrote = false
        for path in sources {
            progress.show("Reading \(path)…")
            do {
                try AdvisoryImporter().read(path) { source in
                    let rejections = source.log.recordsRejected
                    rejected += rejections
                    let earlierNames = stored.keys.filter { $0 != source.key && source.isEarlierName($0) }
                    let earlier = ([source.key] + earlierNames).compactMap { stored[$0] }.max()
                    if let reason = holdBack(source.advisories.count, rejections, earlier: earlier) {
                        progress.clear()
                        heldBack += 1
                        Terminal.error("vigil: \(TerminalText.name(source.name)): not stored: \(reason)")
                        Self.printDiagnostics(source.log.diagnostics, to: Terminal.error)
                        return
                    }
                    progress.show("Storing \(source.name)…")
                    let summary = try database.importAdvisories(
                        source.advisories, source: source.key, replacing: earlierNames, at: Date())
                    progress.clear()
                    // What the database now holds, so a later source of the same key in this run is judged against it.
                    for name in earlierNames { stored[name] = nil }
                    stored[source.key] = summary.advisories
                    wrote = true
                    imported += summary.advisories
                    if !quiet {
                        print(
                            "\(TerminalText.name(source.name))  \(source.format)\(source.key == source.name ? "" : " (as \(TerminalText.name(source.key)))")  \(Wording.count(summary.advisories, "advisory", plural: "advisories")), \(Wording.count(summary.fixes, "fix", plural: "fixes"))\(summary.replaced > 0 ? " (replacing \(Wording.number(summary.replaced)))" : "")\(rejections > 0 ? ", \(Wording.count(rejections, "record")) rejected" : "")"
                        )
                    }
                    // Rejections are errors to the reader of the output: shown even with -q, on standard error then.
                    Self.printDiagnostics(source.log.diagnostics, to: quiet ? Terminal.error : { print($0) })
                } skipped: { skipped in
                    progress.clear()
                    if !quiet { print("\(TerminalText.name(skipped.name))  not imported: \(skipped.reason)") }
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
        // Nothing stored and nothing removed: the database is as it was, and the index with it.
        guard wrote else {
            if heldBack == 0 { Terminal.error("vigil: no advisories found in \(sources.joined(separator: ", "))") }
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
        // Written (an earlier import replaced, the index recompiled), but no advisory read: a source whose format
        // changed upstream must not pass a nightly job as a success.
        if imported == 0, heldBack == 0 {
            Terminal.error("vigil: no advisories found in \(sources.joined(separator: ", "))")
        }
        if imported == 0 || heldBack > 0 || (strict && rejected > 0) { throw VigilExit.dataError }
    }

    /// Why a source read with `rejections` rejected records and `count` advisories is not stored, or `nil` to store
    /// it: with --strict, any rejection; otherwise a partial read that would replace an earlier import of the same
    /// source holding more (`earlier`), as a download cut short would, unless --allow-partial.
    func holdBack(_ count: Int, _ rejections: Int, earlier: Int?) -> String? {
        guard rejections > 0 else { return nil }
        if strict {
            return "\(Wording.count(rejections, "record")) rejected (--strict); the database keeps what it had"
        }
        guard !allowPartial, let earlier, earlier > count else { return nil }
        return
            "\(Wording.count(rejections, "record")) rejected and \(Wording.number(count)) advisories read, fewer than the \(Wording.number(earlier)) the earlier import of it stored (a file cut short?); the earlier import is kept (--allow-partial stores this one)"
    }

    /// The first five diagnostics, then how many more there are.
    static func printDiagnostics(_ diagnostics: [Diagnostic], to write: (String) -> Void) {
        for diagnostic in diagnostics.prefix(5) { write("    " + TerminalText.name("\(diagnostic)")) }
        if diagnostics.count > 5 { write("    … and \(Wording.count(diagnostics.count - 5, "more diagnostic"))") }
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
                "\(TerminalText.name(source.name))  \(Wording.count(source.advisories, "advisory", plural: "advisories"))  imported \(source.imported)"
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
