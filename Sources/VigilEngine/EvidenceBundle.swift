public import Foundation
public import VigilCore
public import VigilParsers

/// A folder of evidence exports with an optional `vigil.yaml` manifest, resolved to the list of files to read.
public struct EvidenceBundle: Sendable {
    /// A file of the bundle to examine.
    public struct Input: Sendable, Hashable {
        /// Absolute path.
        public var path: String
        /// Path relative to the bundle root, as reports show it.
        public var displayPath: String
        /// The format the manifest names, if any.
        public var format: String?
        /// Set when the content does not look like ``format``: what it looks like instead.
        public var formatMismatch: Diagnostic? = nil
    }

    /// The bundle root.
    public let root: URL
    /// The manifest, or an empty one when the bundle has none.
    public let manifest: BundleManifest
    /// Files to examine, sorted by display path.
    public let inputs: [Input]
    /// Entries not examined (symbolic links, hidden folders), with why.
    public let skipped: [(path: String, reason: String)]

    /// Loads the bundle at `directory`. Files under any of `excluding` (e.g. the report folder) are not examined.
    public init(directory: URL, excluding: [URL] = []) throws(EvidenceError) {
        let root = directory.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw EvidenceError(code: "bundle.not-found", path: root.path, message: "no such folder")
        }
        guard isDirectory.boolValue else {
            throw EvidenceError(
                code: "bundle.not-a-folder", path: root.path, message: "expected a folder of evidence exports")
        }
        self.root = root
        let manifestURL = root.appendingPathComponent(BundleManifest.fileName)
        if FileManager.default.fileExists(atPath: manifestURL.path) {
            let text: String
            do {
                text = try String(contentsOf: manifestURL, encoding: .utf8)
            } catch {
                throw EvidenceError(
                    code: "manifest.unreadable", path: manifestURL.path,
                    message: "cannot read the manifest as UTF-8 text")
            }
            manifest = try ManifestReader().parse(text, file: BundleManifest.fileName)
        } else {
            manifest = BundleManifest()
        }
        // Folders the manifest names for the patient-data scan are scanned, not read as evidence exports.
        let scanned = (manifest.scan?.roots ?? []).map { Self.resolve($0.path, in: root).path }
        let excludedPaths = excluding.map { $0.standardizedFileURL.path } + scanned
        if manifest.inputs.isEmpty {
            (inputs, skipped) = Self.walk(root: root, excluding: excludedPaths)
        } else {
            inputs = try manifest.inputs.map { input throws(EvidenceError) in
                let url =
                    input.path.hasPrefix("/")
                    ? URL(fileURLWithPath: input.path) : root.appendingPathComponent(input.path)
                guard FileManager.default.fileExists(atPath: url.path) else {
                    throw EvidenceError(
                        code: "manifest.missing-input", path: BundleManifest.fileName,
                        message: "input '\(input.path)' does not exist")
                }
                return Input(path: url.standardizedFileURL.path, displayPath: input.path, format: input.format)
            }
            skipped = []
        }
    }

    /// A manifest path resolved against the bundle root (absolute paths stay as they are).
    public static func resolve(_ path: String, in root: URL) -> URL {
        (path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)).standardizedFileURL
    }

    /// An ad-hoc bundle of the given files, each recognised by content (`vigil inspect`).
    public init(files: [URL]) throws(EvidenceError) {
        root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        manifest = BundleManifest()
        inputs = try files.map { url throws(EvidenceError) in
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw EvidenceError(code: "bundle.not-found", path: url.path, message: "no such file")
            }
            return Input(path: url.standardizedFileURL.path, displayPath: url.relativePath, format: nil)
        }
        skipped = []
    }

    /// Every regular file under `root`, skipping the manifest, excluded folders, symbolic links and hidden folders.
    private static func walk(root: URL, excluding: [String]) -> ([Input], [(String, String)]) {
        var inputs: [Input] = []
        var skipped: [(String, String)] = []
        let keys: [URLResourceKey] = [.isRegularFileKey, .isDirectoryKey, .isSymbolicLinkKey]
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys) else {
            return ([], [])
        }
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let url as URL in enumerator {
            let path = url.standardizedFileURL.path
            let relative = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : url.lastPathComponent
            let values = try? url.resourceValues(forKeys: Set(keys))
            if excluding.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) {
                if values?.isDirectory == true { enumerator.skipDescendants() }
                continue
            }
            if values?.isSymbolicLink == true {
                skipped.append((relative, "symbolic link not followed"))
                continue
            }
            if values?.isDirectory == true {
                if url.lastPathComponent.hasPrefix(".") {
                    skipped.append((relative, "hidden folder not read"))
                    enumerator.skipDescendants()
                }
                continue
            }
            guard values?.isRegularFile == true else {
                skipped.append((relative, "not a regular file"))
                continue
            }
            if relative == BundleManifest.fileName { continue }
            inputs.append(Input(path: path, displayPath: relative, format: nil))
        }
        return (inputs.sorted { $0.displayPath < $1.displayPath }, skipped.sorted { $0.0 < $1.0 })
    }
}
