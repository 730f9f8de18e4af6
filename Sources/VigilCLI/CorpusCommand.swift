import ArgumentParser
import Foundation
import Synchronization
import VigilCore
import VigilParsers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `vigil corpus`: build and check breach-corpus indexes.
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Index a breached-password corpus (Have I Been Pwned's Pwned Passwords) for fast offline look-ups.",
        subcommands: [CorpusBuildCommand.self, CorpusVerifyCommand.self]
    )
}

/// `vigil corpus build SRC -o INDEX`.
struct CorpusBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Convert a Pwned Passwords corpus into a compact, memory-mapped index.",
        discussion: """
            SRC is either the single file sorted by hash (pwned-passwords-ntlm-ordered-by-hash-v8.txt, lines \
            HASH:COUNT; NTLM or SHA-1) or the folder the official downloader writes (files 00000 … FFFFF holding \
            SUFFIX:COUNT lines). Building streams the corpus once, on every core, with bounded memory; progress is \
            checkpointed, so an interrupted build (Ctrl-C) continues where it stopped when run again. Use the index \
            with `vigil assess --breach-index INDEX` or `reference: breach-index:` in vigil.yaml.

            Exit codes: 0 built; 65 refused (too many malformed lines) or not a corpus; 66 SRC not found; 73 INDEX \
            is an existing file that is not an index (the corpus itself included), or cannot be written; 130 \
            interrupted.
            """
    )

    @Argument(help: ArgumentHelp("The corpus file or per-prefix folder.", valueName: "src"))
    var source: String

    @Option(
        name: [.short, .customLong("output"), .customLong("out")],
        help: ArgumentHelp("The index file to write (`--out` is the same option).", valueName: "index"))
    var output: String

    // `--hash` is how README named it before: both are kept.
    @Option(
        name: [.customLong("kind"), .customLong("hash")],
        help: "The corpus hash: ntlm or sha1 (default: detected from the first line).")
    var kind: String?

    @Flag(name: .customLong("restart"), help: "Start again instead of continuing an interrupted build.")
    var restart = false

    func validate() throws {
        if let kind, BreachHashKind(rawValue: kind) == nil { throw ValidationError("--kind must be ntlm or sha1") }
    }

    func run() throws {
        var options = BreachIndexBuilder.Options()
        options.kind = kind.flatMap(BreachHashKind.init(rawValue:))
        options.resume = !restart
        let progress = ProgressLine()
        let started = ContinuousClock.now
        Interrupt.install()
        let summary: BreachIndexBuilder.Summary
        do {
            summary = try BreachIndexBuilder(options: options).build(
                source: source, output: output,
                events: { event in
                    switch event {
                    case .progress(let processed, let total):
                        let elapsed = ContinuousClock.now - started
                        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                        let rate = seconds > 0 ? Double(processed) / seconds / 1_048_576 : 0
                        let share = total > 0 ? processed * 100 / total : 0
                        progress.show("Indexing \(source)  \(share)%  \(Int(rate)) MiB/s")
                    case .resumed(let line):
                        progress.clear()
                        Terminal.error(
                            "Continuing an interrupted build from \(line > 0 ? "line/file \(Wording.number(line))" : "the start") (use --restart to start again)"
                        )
                    case .sorting:
                        progress.show("Sorting (the input was not sorted by hash)", force: true)
                    case .writing:
                        progress.show("Writing \(output)", force: true)
                    }
                }, shouldContinue: { !Interrupt.requested })
        } catch {
            progress.clear()
            Terminal.error("vigil: \(error)")
            if case .refused(_, _, let diagnostics) = error {
                for diagnostic in diagnostics.prefix(10) { Terminal.error("  \(diagnostic)") }
            }
            switch error {
            case .source(_, let reason) where reason == "no such file or folder": throw VigilExit.noInput
            case .source, .refused: throw VigilExit.dataError
            case .output: throw VigilExit.cannotCreate
            case .interrupted: throw ExitCode(130)
            }
        }
        progress.clear()
        let elapsed = ContinuousClock.now - started
        print(
            "Indexed \(Wording.count(summary.entries, "\(summary.kind == .ntlm ? "NTLM" : "SHA-1") hash", plural: "\(summary.kind == .ntlm ? "NTLM" : "SHA-1") hashes")) from \(Wording.count(summary.lines, "line")) into \(output) in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))."
        )
        if summary.rejected > 0 { print("\(Wording.count(summary.rejected, "malformed line")) skipped:") }
        for diagnostic in summary.diagnostics.prefix(20) { print("  \(diagnostic)") }
        if !summary.sortedInput { print("The input was not sorted by hash; it was sorted while indexing.") }
        if summary.merged > 0 {
            print("\(Wording.count(summary.merged, "repeated hash", plural: "repeated hashes")) merged (counts added).")
        }
    }
}

/// `vigil corpus verify INDEX`.
struct CorpusVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every entry of a breach index against its checksum.",
        discussion:
            "Opening an index checks its structure; this also reads all of it. Exit codes: 0 valid; 65 the index is refused; 66 it does not exist."
    )

    @Argument(help: ArgumentHelp("The index file.", valueName: "index"))
    var index: String

    func run() throws {
        guard FileManager.default.fileExists(atPath: index) else {
            Terminal.error("vigil: \(index): no such file")
            throw VigilExit.noInput
        }
        do {
            let opened = try BreachIndex(path: index)
            let progress = ProgressLine()
            progress.show("Verifying \(index)…")
            try opened.verifyData()
            progress.clear()
            print(
                "\(index): valid; \(Wording.count(opened.entryCount, "\(opened.hashKind == .ntlm ? "NTLM" : "SHA-1") hash", plural: "\(opened.hashKind == .ntlm ? "NTLM" : "SHA-1") hashes")) (\(opened.sourceDescription))"
            )
        } catch {
            Terminal.error("vigil: \(error)")
            throw VigilExit.dataError
        }
    }
}

/// Ctrl-C during long work: the first press asks the work to stop cleanly; the second exits at once.
enum Interrupt {
    private static let flag = Atomic<Bool>(false)

    static var requested: Bool { flag.load(ordering: .relaxed) }

    static func install() {
        signal(SIGINT) { _ in
            if Interrupt.flag.exchange(true, ordering: .relaxed) { _exit(130) }
        }
    }
}
