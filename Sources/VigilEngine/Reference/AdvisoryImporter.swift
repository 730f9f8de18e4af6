import Foundation
public import VigilCore
import VigilIO
public import VigilParsers
import VigilScan

/// Reads advisory sources for `vigil advisories import`: a file in any advisory format Vigil reads (recognised by
/// content), a folder of them (a CSAF or OSV dump; subfolders included, links not followed), or a zip of them (the
/// WES-NG `definitions.zip`), which is inflated within limits into a temporary folder first.
public struct AdvisoryImporter: Sendable {
    /// One source read.
    public struct Source: Sendable {
        /// The name the database keeps it under (the file name, or `ARCHIVE/member`).
        public var name: String
        /// The format recognised.
        public var format: String
        /// The advisories read.
        public var advisories: [Advisory]
        /// Records read and rejected, with positioned diagnostics.
        public var log: DiagnosticLog
    }

    /// A file that was not an advisory source.
    public struct Skipped: Sendable {
        /// Its name.
        public var name: String
        /// Why it was not read.
        public var reason: String
    }

    private let sniffer = FormatSniffer()

    public init() {}

    /// Reads `path`, calling `source` for each advisory source read and `skipped` for each file that is not one.
    public func read(
        _ path: String, source: (Source) throws -> Void, skipped: (Skipped) -> Void
    ) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EvidenceError(code: .advisoriesNotFound, path: path, message: "no such file or folder")
        }
        if isDirectory.boolValue {
            let root = URL(fileURLWithPath: path)
            let files = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
            var paths: [String] = []
            while let url = files?.nextObject() as? URL {
                if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                    paths.append(url.path)
                }
            }
            for file in paths.sorted() {
                try readFile(file, name: String(file.dropFirst(root.path.count + 1)), source: source, skipped: skipped)
            }
        } else if path.lowercased().hasSuffix(".zip") {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "vigil-advisories-\(UUID().uuidString)")
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            defer { try? FileManager.default.removeItem(at: folder) }
            let archive = (path as NSString).lastPathComponent
            let members: [URL]
            do {
                members = try ZipExtraction.extract(URL(fileURLWithPath: path), into: folder) { member in
                    [".csv", ".json", ".xml"].contains { member.lowercased().hasSuffix($0) }
                }
            } catch {
                throw EvidenceError(code: .advisoriesArchive, path: path, message: error.message, cause: error)
            }
            for member in members {
                try readFile(
                    member.path, name: "\(archive)/\(member.lastPathComponent)", source: source, skipped: skipped)
            }
        } else {
            try readFile(path, name: (path as NSString).lastPathComponent, source: source, skipped: skipped)
        }
    }

    private func readFile(
        _ path: String, name: String, source: (Source) throws -> Void, skipped: (Skipped) -> Void
    ) throws {
        guard case .recognised(let reader) = try sniffer.examine(path: path) else {
            skipped(Skipped(name: name, reason: "not an advisory format Vigil reads"))
            return
        }
        let fragment = try reader.read(path: path, file: name, progress: nil)
        guard !fragment.advisories.isEmpty || fragment.log.recordsRejected > 0 else {
            skipped(Skipped(name: name, reason: "read as \(reader.format.id), which holds no advisories"))
            return
        }
        try source(Source(name: name, format: reader.format.id, advisories: fragment.advisories, log: fragment.log))
    }
}
