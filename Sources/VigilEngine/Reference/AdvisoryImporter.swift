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

        /// The name the database keeps it under, so that the next import of the same source replaces it: one per
        /// catalogue for the CISA KEV catalogue (`cisa-kev`, whatever the file is called) and per definitions file
        /// for WES-NG with its date left out (`wesng-definitions/CVEs.csv` for this month's `CVEs_20261206.csv`
        /// and next month's alike); the file's name (``name``) for a document (CSAF, CVRF, OSV).
        public var key: String {
            switch format {
            case "cisa-kev": return "cisa-kev"
            case "wesng-definitions": return "wesng-definitions/" + Self.undated(name)
            default: return name
            }
        }

        /// Whether a stored source name is this source under an earlier name: its own file name (as imports
        /// before keys stored it), for WES-NG definitions the same file of another month, for the KEV catalogue
        /// CISA's file names.
        public func isEarlierName(_ stored: String) -> Bool {
            if stored == name { return true }
            let base = stored.split(separator: "/").last.map(String.init) ?? stored
            switch format {
            case "wesng-definitions":
                return base.lowercased().hasSuffix(".csv") && "wesng-definitions/" + Self.undated(base) == key
            case "cisa-kev":
                // The names CISA's own files have (JSON or CSV), as an earlier version stored them.
                return base.lowercased().hasPrefix("known_exploited_vulnerabilities")
            default:
                return false
            }
        }

        /// `CVEs_20261206.csv` → `CVEs.csv`: a file name's last part without its `_YYYYMMDD` date.
        static func undated(_ path: String) -> String {
            let base = path.split(separator: "/").last.map(String.init) ?? path
            guard let dot = base.lastIndex(of: ".") else { return base }
            let stem = base[..<dot]
            guard let underscore = stem.lastIndex(of: "_") else { return base }
            let date = stem[stem.index(after: underscore)...]
            guard date.count == 8, date.allSatisfy(\.isASCII), date.allSatisfy(\.isNumber) else { return base }
            return String(stem[..<underscore]) + String(base[dot...])
        }
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
