import Foundation
import VigilCore
import VigilEngine
import VigilIO
import VigilScan
import VigilSynth

/// An output folder a writing command owns (`vigil demo`, `vigil generate`, `vigil generate-share`): written only when
/// empty, missing or written by an earlier run of the same command (which leaves a marker file), and cleared of exactly
/// what the command writes before writing again, so that old output never mixes with the new and nothing else a user
/// keeps there is ever deleted or overwritten.
struct CommandFolder: Sendable {
    /// The command, as the refusal names it (`vigil demo`).
    var command: String
    /// The marker file the command leaves in its output folder.
    var marker: String
    /// The top-level entries the command writes, and so all it ever removes (the marker included).
    var written: [String]

    init(command: String, marker: String, writes entries: [String]) {
        self.command = command
        self.marker = marker
        written = entries + [marker]
    }

    /// Why a folder cannot take the command's output.
    struct RefusedError: Error, CustomStringConvertible {
        /// The command.
        var command: String
        /// The folder.
        var path: String
        /// Entries found in it, which it holds without the marker.
        var entries: [String]

        /// Names are the user's own, shown as every other name is: identifiers masked, control characters harmless.
        var description: String {
            let shown = entries.prefix(5).map(Self.shown).joined(separator: ", ") + (entries.count > 5 ? ", …" : "")
            return
                "\(Self.shown(path)) is not empty and was not written by \(command) (it holds \(shown)); choose another --out or empty it"
        }

        private static func shown(_ name: String) -> String {
            TerminalText.sanitised(PathMasking.masked(name))
        }
    }

    /// Makes `root` ready: creates it when missing; when the command wrote it, removes what the command writes;
    /// otherwise refuses a non-empty folder. The marker is written before anything else, so a run stopped half-way
    /// leaves a folder the next run may clear.
    func prepare(_ root: URL, permissions: OutputPermissions = .ownerOnly) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: root.path, isDirectory: &isDirectory) {
            let entries = try manager.contentsOfDirectory(atPath: root.path).sorted()
            if !entries.isEmpty {
                guard entries.contains(marker) else {
                    throw RefusedError(command: command, path: root.path, entries: entries)
                }
                // The marker stays until it is rewritten: a clear-out that fails half-way leaves a folder the next
                // run still recognises.
                for entry in entries where written.contains(entry) && entry != marker {
                    try manager.removeItem(at: root.appendingPathComponent(entry))
                }
            }
        } else {
            // The system's reason when it refuses (permission denied, a read-only file system), not Foundation's.
            try AtomicFile.createFolder(root, permissions: permissions)
        }
        try Data("Written by \(command): the next run into this folder replaces what it wrote here.\n".utf8).write(
            to: root.appendingPathComponent(marker))
    }
}

extension CommandFolder {
    /// `vigil demo`'s folder.
    static let demo = CommandFolder(
        command: "vigil demo", marker: ".vigil-demo",
        writes: ["estates", "ground-truth", "reference", "reports", "index.html"] + DemoCommand.serviceFiles)

    /// `vigil generate`'s folder: the estate, its ground truth and the synthetic breach corpus with its index.
    static let generate = CommandFolder(
        command: "vigil generate", marker: ".vigil-generate",
        writes: [
            "estate", "ground-truth.json", SyntheticCorpus.fileName, SyntheticCorpus.indexName,
            SyntheticCorpus.indexName + ".partial",
        ])

    /// `vigil generate-share`'s folder: the share's top-level folders.
    static let generateShare = CommandFolder(
        command: "vigil generate-share", marker: ".vigil-generate-share", writes: ShareCorpusGenerator.topLevelFolders)
}
