import VigilCore
import VigilIO

/// A regular file found by the walk.
struct WalkedFile: Sendable {
    /// The path to open.
    var path: String
    /// The path relative to its root, `/`-separated.
    var relative: String
    /// Which root it is under.
    var root: Int
    var size: Int
    /// Modification time, nanoseconds since 1970.
    var modified: Int64
}

/// What the walk found besides files.
struct WalkTally: Sendable {
    var folders = 0
    var symbolicLinks = 0
    var otherEntries = 0
    var excluded = 0
    var foldersUnreadable = 0
    /// Files inside a folder or given as a path that an earlier path given had already listed.
    var repeated = 0
    /// Problems met, every one counted, the first ``FileShareScanner/problemLimit`` kept.
    var problems = BoundedLog<Diagnostic>(limit: FileShareScanner.problemLimit)

    mutating func problem(_ code: String, _ file: String, _ message: String, level: Diagnostic.Level = .warning) {
        problems.add(Diagnostic(level: level, code: code, location: EvidenceReference(file: file), message: message))
    }
}

/// Walks folder trees without following symbolic links (so nothing outside a tree is reached through one), pruning
/// excluded folders, skipping anything that is not a regular file, guarding against loops (bind mounts) and
/// unbounded depth, and counting every folder it cannot open. Never recursive: depth costs no stack.
struct FileWalker {
    let include: [GlobPattern]
    let exclude: [GlobPattern]
    /// Absolute paths never entered or listed (the report folder, the state file).
    let excludedPaths: Set<String>
    let maxDepth: Int

    /// What the roots walked so far have listed, so that overlapping roots (`share share/sub`, a root given twice, a
    /// file inside a folder also given) list each folder and file once, under the first root that reaches it. Only
    /// folders and the files given as roots are held: a folder's files are reached through it, so a folder walked
    /// once lists its files once, and a share of millions of files costs no set of them.
    struct Seen {
        /// Folders walked, with the root that walked each: a folder reached again is not walked again.
        var folders: [FileIdentity: Int] = [:]
        /// Files given as roots.
        var fileRoots: Set<FileIdentity> = []
        /// Roots (by index) whose folder, or files in it, an earlier root had listed.
        var overlapping: Set<Int> = []
    }

    /// Every regular file under `root` (or `root` itself when it is a file), relative paths shown under `display`;
    /// a file given as the root has an empty relative path, so that it is shown as given.
    func walk(
        root: String, index: Int, display: String, into files: inout [WalkedFile], tally: inout WalkTally,
        seen: inout Seen
    ) {
        let status: FileStatus
        do {
            status = try FileStatus.of(link: RawName.bytes(root), shownAs: display)
        } catch {
            tally.problem("scan.unreadable-folder", display, "cannot be read: \(error.reason ?? "unknown error")")
            tally.foldersUnreadable += 1
            return
        }
        // A link given as the root is not followed either: the walk's promise holds for every path it opens.
        if status.kind == .symbolicLink {
            tally.symbolicLinks += 1
            tally.foldersUnreadable += 1
            tally.problem(
                "scan.root-link", display,
                "is a symbolic link, and the scan follows none; give the folder it points to instead", level: .error)
            return
        }
        if status.kind == .regular {
            guard !seen.fileRoots.contains(status.identity), !Self.insideWalkedFolder(root, seen.folders) else {
                tally.repeated += 1
                seen.overlapping.insert(index)
                tally.problem("scan.repeated", display, "file already listed under an earlier path given; listed once")
                return
            }
            seen.fileRoots.insert(status.identity)
            files.append(
                WalkedFile(path: root, relative: "", root: index, size: status.size, modified: status.modified))
            return
        }
        let repeatedBefore = tally.repeated
        defer {
            let repeated = tally.repeated - repeatedBefore
            if repeated > 0 {
                tally.problem(
                    "scan.repeated", display,
                    "\(Wording.count(repeated, "file")) already listed under an earlier path given; each listed once")
            }
        }
        var pending: [PendingFolder] = [PendingFolder(path: root, relative: "", depth: 0, identity: status.identity)]
        while let folder = pending.popLast() {
            let shown = folder.relative.isEmpty ? display : "\(display)/\(folder.relative)"
            guard let listing = open(folder, root: index, shownAs: shown, seen: &seen, tally: &tally) else { continue }
            tally.folders += 1
            var children: [PendingFolder] = []
            while let raw = listing.nextName() {
                let name = RawName.decode(raw)
                if name == "." || name == ".." { continue }
                let path = folder.path.hasSuffix("/") ? folder.path + name : folder.path + "/" + name
                let relative = folder.relative.isEmpty ? name : folder.relative + "/" + name
                if excludedPaths.contains(path) { continue }
                let status: FileStatus
                do {
                    status = try listing.status(ofEntry: RawName.bytes(name), shownAs: "\(display)/\(relative)")
                } catch {
                    tally.problem(
                        "scan.unreadable", "\(display)/\(relative)",
                        "cannot be examined: \(error.reason ?? "unknown error")")
                    tally.otherEntries += 1
                    continue
                }
                switch status.kind {
                case .directory:
                    if exclude.contains(where: { $0.matches(relative) }) {
                        tally.excluded += 1
                        continue
                    }
                    if folder.depth + 1 > maxDepth {
                        tally.problem(
                            "scan.too-deep", "\(display)/\(relative)",
                            "folder more than \(Wording.count(maxDepth, "level")) deep; not scanned")
                        continue
                    }
                    children.append(
                        PendingFolder(
                            path: path, relative: relative, depth: folder.depth + 1, identity: status.identity))
                case .regular:
                    if !include.isEmpty, !include.contains(where: { $0.matches(relative) }) {
                        tally.excluded += 1
                        continue
                    }
                    if exclude.contains(where: { $0.matches(relative) }) {
                        tally.excluded += 1
                        continue
                    }
                    if !seen.fileRoots.isEmpty, seen.fileRoots.contains(status.identity) {
                        tally.repeated += 1
                        seen.overlapping.insert(index)
                        continue
                    }
                    files.append(
                        WalkedFile(
                            path: path, relative: relative, root: index, size: status.size, modified: status.modified))
                case .symbolicLink:
                    tally.symbolicLinks += 1
                case .other:
                    tally.otherEntries += 1
                }
            }
            // Depth first, in name order.
            pending.append(contentsOf: children.sorted { $0.relative > $1.relative })
        }
    }

    /// Whether a folder holding `path` (a file given as a root) was walked by an earlier root: its files are listed
    /// there already. Each ancestor is looked up by device and inode, as the walk knows folders.
    static func insideWalkedFolder(_ path: String, _ folders: [FileIdentity: Int]) -> Bool {
        guard !folders.isEmpty else { return false }
        var ancestor = Substring(path)
        while let slash = ancestor.lastIndex(of: "/") {
            ancestor = ancestor[..<slash]
            let folder = ancestor.isEmpty ? "/" : String(ancestor)
            if let status = try? FileStatus.following(RawName.bytes(folder), shownAs: folder),
                folders[status.identity] != nil
            {
                return true
            }
        }
        return false
    }

    /// A folder listed but not yet walked, with the identity it had when listed.
    private struct PendingFolder {
        var path: String
        var relative: String
        var depth: Int
        var identity: FileIdentity
    }

    /// Opens `folder` for listing, or counts why not: opened without following a link and then checked to be the folder
    /// listed (device and inode), so a folder swapped for a link, or an ancestor swapped, between listing and opening is
    /// not followed; a folder reached again by another path (a bind mount, a loop) is not walked twice.
    private func open(
        _ folder: PendingFolder, root: Int, shownAs shown: String, seen: inout Seen, tally: inout WalkTally
    ) -> FolderListing? {
        let listing: FolderListing
        do {
            listing = try FolderListing(path: RawName.bytes(folder.path), shownAs: shown)
        } catch {
            let reason = error.isPermissionDenied ? "permission denied" : error.reason ?? "unknown error"
            tally.foldersUnreadable += 1
            tally.problem("scan.unreadable-folder", shown, "folder not read: \(reason)")
            return nil
        }
        guard let identity = try? listing.status().identity else { return listing }
        guard identity == folder.identity else {
            tally.foldersUnreadable += 1
            tally.problem(
                "scan.swapped", shown,
                "folder replaced while the scan ran (by a link or another folder); not scanned", level: .error)
            return nil
        }
        if let walker = seen.folders[identity] {
            if walker != root { seen.overlapping.insert(root) }
            tally.problem(
                "scan.loop", shown,
                "folder already scanned by another path (an earlier path given, a bind mount or a loop); not scanned again"
            )
            return nil
        }
        seen.folders[identity] = root
        return listing
    }
}
