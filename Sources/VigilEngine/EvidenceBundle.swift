public import Foundation
public import VigilCore
public import VigilParsers
import VigilScan

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
        /// Set when the file's opening holds NUL bytes (zero fill after a crash): it is read, and reported as damaged.
        public var damage: Diagnostic? = nil
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
    /// Paths in `vigil.yaml` (inputs, scan folders, the scan state file) must stay inside the bundle and pass through
    /// no symbolic link, unless `allowOutside` (`--allow-outside-bundle`) says otherwise (see ``confined(_:key:line:in:allowOutside:remedy:)``).
    public init(directory: URL, excluding: [URL] = [], allowOutside: Bool = false) throws(EvidenceError) {
        let root = directory.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw EvidenceError(code: .bundleNotFound, path: PathMasking.masked(root.path), message: "no such folder")
        }
        guard isDirectory.boolValue else {
            throw EvidenceError(
                code: .bundleNotAFolder, path: PathMasking.masked(root.path),
                message: "expected a folder of evidence exports")
        }
        self.root = root
        let manifestURL = root.appendingPathComponent(BundleManifest.fileName)
        if FileManager.default.fileExists(atPath: manifestURL.path) {
            let text: String
            do {
                text = try String(contentsOf: manifestURL, encoding: .utf8)
            } catch {
                throw EvidenceError(
                    code: .manifestUnreadable, path: manifestURL.path,
                    message: "cannot read the manifest as UTF-8 text")
            }
            manifest = try ManifestReader().parse(text, file: BundleManifest.fileName)
        } else {
            manifest = BundleManifest()
        }
        // Folders the manifest names for the patient-data scan are scanned, not read as evidence exports.
        for (index, scanRoot) in (manifest.scan?.roots ?? []).enumerated() {
            _ = try Self.confined(
                scanRoot.path, key: "scan.paths[\(index)]", line: scanRoot.line, in: root, allowOutside: allowOutside,
                remedy: "scan the folder with vigil scan and put its scan.json in the bundle")
        }
        if let state = manifest.scan?.state {
            _ = try Self.confined(
                state, key: "scan.state", line: nil, in: root, allowOutside: allowOutside,
                remedy: "keep the state file in the bundle")
        }
        let scanned = (manifest.scan?.roots ?? []).map { Self.resolve($0.path, in: root).path }
        let excludedPaths = excluding.map { $0.standardizedFileURL.path } + scanned
        if manifest.inputs.isEmpty {
            (inputs, skipped) = Self.walk(root: root, excluding: excludedPaths)
        } else {
            inputs = try manifest.inputs.enumerated().map { (index, input) throws(EvidenceError) in
                let key = "inputs[\(index)]"
                let url = try Self.confined(
                    input.path, key: key, line: input.line, in: root, allowOutside: allowOutside,
                    remedy: "copy the file into the bundle")
                guard FileManager.default.fileExists(atPath: url.path) else {
                    // The path is not quoted: vigil.yaml values stay out of messages (the line and key find it).
                    throw EvidenceError(
                        code: .manifestMissingInput, path: Self.manifestPosition(input.line),
                        message: "\(key) names a file that does not exist")
                }
                return Input(
                    path: url.standardizedFileURL.path, displayPath: PathMasking.masked(input.path),
                    format: input.format)
            }
            // The bundle's other files are listed as not read, never skipped silently: an export added to the folder
            // and forgotten in the manifest shows up.
            // Reference files the manifest names (word lists, an advisory database, a breach index, the scan state)
            // are not evidence to name; a hidden folder or link holding a named input is not "not read".
            let reference =
                manifest.wordlists
                + [manifest.reference.advisories, manifest.reference.breachIndex, manifest.scan?.state]
                .compactMap { $0 }
            let named = Set(inputs.map(\.path) + reference.map { Self.resolve($0, in: root).path })
            let namedDisplay = inputs.map(\.displayPath)
            let (present, passedOver) = Self.walk(root: root, excluding: excludedPaths)
            skipped =
                passedOver.filter { entry in !namedDisplay.contains { $0.hasPrefix(entry.0 + "/") } }
                + present.filter { !named.contains($0.path) }.map {
                    (
                        $0.displayPath,
                        "not named in vigil.yaml's inputs (name it there, or remove inputs: to read every file)"
                    )
                }
        }
    }

    /// `vigil.yaml:12`, or `vigil.yaml` when the line is not known.
    static func manifestPosition(_ line: Int?) -> String {
        line.map { "\(BundleManifest.fileName):\($0)" } ?? BundleManifest.fileName
    }

    /// The manifest path `path` (at `key`, e.g. `inputs[2]`) resolved against the bundle `root`, refused with
    /// `manifest.outside-bundle` when it is absolute or leads out of the bundle with `..`, and with
    /// `manifest.symbolic-link` when a part of it inside the bundle is a symbolic link, unless `allowOutside`.
    ///
    /// Why: a bundle is often assembled from files others sent; a manifest naming `/etc/shadow`, `../../home` or a link
    /// to either would make Vigil read, scan or write where its user never pointed it. Paths given on the command line
    /// are the user's own choice and are not confined. Messages name the key, never the path (`vigil.yaml` values stay
    /// out of messages).
    public static func confined(
        _ path: String, key: String, line: Int?, in root: URL, allowOutside: Bool, remedy: String
    ) throws(EvidenceError) -> URL {
        let url = resolve(path, in: root)
        guard !allowOutside else { return url }
        func refuse(_ code: EvidenceError.Code, _ reason: String) -> EvidenceError {
            EvidenceError(
                code: code, path: manifestPosition(line),
                message: "\(key) \(reason); \(remedy), or pass --allow-outside-bundle to allow it")
        }
        guard !path.hasPrefix("/") else {
            throw refuse(.manifestOutsideBundle, "is an absolute path, and manifest paths stay inside the bundle")
        }
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        guard url.path == root.path || url.path.hasPrefix(base) else {
            throw refuse(.manifestOutsideBundle, "leads outside the bundle, and manifest paths stay inside it")
        }
        var current = root.path
        for part in url.path.dropFirst(base.count).split(separator: "/") {
            current += "/" + part
            var status = stat()
            guard lstat(current, &status) == 0 else { break }
            if status.st_mode & S_IFMT == S_IFLNK {
                throw refuse(.manifestSymbolicLink, "passes through a symbolic link, and Vigil follows none")
            }
        }
        return url
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
            // Names are shown masked, as a folder's are: a patient's NHS number in a file name is never printed whole.
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw EvidenceError(code: .bundleNotFound, path: PathMasking.masked(url.path), message: "no such file")
            }
            return Input(
                path: url.standardizedFileURL.path, displayPath: PathMasking.masked(url.relativePath), format: nil)
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
            let unmasked = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : url.lastPathComponent
            let values = try? url.resourceValues(forKeys: Set(keys))
            if excluding.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) {
                if values?.isDirectory == true { enumerator.skipDescendants() }
                continue
            }
            // Names are shown as reports show paths: a health-service number in one is masked (`943 *** **19`).
            let relative = PathMasking.masked(unmasked)
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
            if unmasked == BundleManifest.fileName { continue }
            inputs.append(Input(path: path, displayPath: relative, format: nil))
        }
        return (inputs.sorted { $0.displayPath < $1.displayPath }, skipped.sorted { $0.0 < $1.0 })
    }
}
