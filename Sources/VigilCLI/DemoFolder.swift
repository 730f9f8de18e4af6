import Foundation
import VigilCore
import VigilIO
import VigilScan

/// The demo's output folder: written only when empty, missing or written by an earlier demo (which leaves a marker
/// file), and cleared of exactly what a demo writes before writing again, so that old estates never mix with the new
/// one and nothing else a user keeps there is ever deleted.
enum DemoFolder {
    /// The marker file a demo leaves in its output folder.
    static let marker = ".vigil-demo"
    /// What a demo writes in its output folder, and so all it ever removes.
    static let written =
        ["estates", "ground-truth", "reference", "reports", "index.html", marker] + DemoCommand.serviceFiles

    /// Why a folder cannot take the demo.
    struct RefusedError: Error, CustomStringConvertible {
        /// The folder.
        var path: String
        /// Entries found in it that no demo writes, or that it holds without the marker.
        var entries: [String]

        /// Names are the user's own, shown as every other name is: identifiers masked, control characters harmless.
        var description: String {
            let shown = entries.prefix(5).map(Self.shown).joined(separator: ", ") + (entries.count > 5 ? ", …" : "")
            return
                "\(Self.shown(path)) is not empty and was not written by vigil demo (it holds \(shown)); choose another --out or empty it"
        }

        private static func shown(_ name: String) -> String {
            TerminalText.sanitised(PathMasking.masked(name))
        }
    }

    /// Makes `root` ready for a demo: creates it when missing; when a demo wrote it, removes what the demo wrote;
    /// otherwise refuses a non-empty folder.
    static func prepare(_ root: URL, permissions: OutputPermissions = .ownerOnly) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: root.path, isDirectory: &isDirectory) {
            let entries = try manager.contentsOfDirectory(atPath: root.path).sorted()
            if !entries.isEmpty {
                guard entries.contains(marker) else { throw RefusedError(path: root.path, entries: entries) }
                for entry in entries where written.contains(entry) {
                    try manager.removeItem(at: root.appendingPathComponent(entry))
                }
            }
        } else {
            // The system's reason when it refuses (permission denied, a read-only file system), not Foundation's.
            try AtomicFile.createFolder(root, permissions: permissions)
        }
        try Data("Written by vigil demo: the next demo into this folder replaces what it wrote here.\n".utf8).write(
            to: root.appendingPathComponent(marker))
    }
}
