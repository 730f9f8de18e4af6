import Glibc
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

    /// Every regular file under `root` (or `root` itself when it is a file), relative paths shown under `display`.
    func walk(root: String, index: Int, display: String, into files: inout [WalkedFile], tally: inout WalkTally) {
        var status = stat()
        guard lstat(RawName.bytes(root), &status) == 0 else {
            tally.problem("scan.unreadable-folder", display, "cannot be read: \(String(cString: strerror(errno)))")
            tally.foldersUnreadable += 1
            return
        }
        // A link given as the root is not followed either: the walk's promise holds for every path it opens.
        if status.st_mode & S_IFMT == S_IFLNK {
            tally.symbolicLinks += 1
            tally.foldersUnreadable += 1
            tally.problem(
                "scan.root-link", display,
                "is a symbolic link, and the scan follows none; give the folder it points to instead", level: .error)
            return
        }
        if status.st_mode & S_IFMT == S_IFREG {
            let name = String(root.split(separator: "/").last ?? Substring(root))
            files.append(
                WalkedFile(
                    path: root, relative: name, root: index, size: Int(status.st_size), modified: Self.modified(status))
            )
            return
        }
        var pending: [(path: String, relative: String, depth: Int, identity: [UInt64])] = [
            (root, "", 0, [UInt64(status.st_dev), UInt64(status.st_ino)])
        ]
        var visited: Set<[UInt64]> = []
        while let folder = pending.popLast() {
            // Opened without following a link (O_NOFOLLOW) and then checked to be the folder listed (device and
            // inode), so a folder swapped for a link, or an ancestor swapped, between listing and opening is not
            // followed.
            let descriptor = open(RawName.bytes(folder.path), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0, let directory = fdopendir(descriptor) else {
                let reason = errno == EACCES || errno == EPERM ? "permission denied" : String(cString: strerror(errno))
                if descriptor >= 0 { close(descriptor) }
                tally.foldersUnreadable += 1
                let shown = folder.relative.isEmpty ? display : "\(display)/\(folder.relative)"
                tally.problem("scan.unreadable-folder", shown, "folder not read: \(reason)")
                continue
            }
            defer { closedir(directory) }
            var folderStatus = stat()
            if fstat(dirfd(directory), &folderStatus) == 0 {
                let identity = [UInt64(folderStatus.st_dev), UInt64(folderStatus.st_ino)]
                guard identity == folder.identity else {
                    tally.foldersUnreadable += 1
                    tally.problem(
                        "scan.swapped", folder.relative.isEmpty ? display : "\(display)/\(folder.relative)",
                        "folder replaced while the scan ran (by a link or another folder); not scanned", level: .error)
                    continue
                }
                guard visited.insert(identity).inserted else {
                    tally.problem(
                        "scan.loop", folder.relative.isEmpty ? display : "\(display)/\(folder.relative)",
                        "folder already scanned by another path (a bind mount or loop); not scanned again")
                    continue
                }
            }
            tally.folders += 1
            var children: [(String, String, Int, [UInt64])] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    RawName.decode(UnsafeRawBufferPointer(rebasing: raw.prefix(while: { $0 != 0 })))
                }
                if name == "." || name == ".." { continue }
                let path = folder.path.hasSuffix("/") ? folder.path + name : folder.path + "/" + name
                let relative = folder.relative.isEmpty ? name : folder.relative + "/" + name
                if excludedPaths.contains(path) { continue }
                var status = stat()
                guard fstatat(dirfd(directory), RawName.bytes(name), &status, AT_SYMLINK_NOFOLLOW) == 0 else {
                    tally.problem(
                        "scan.unreadable", "\(display)/\(relative)",
                        "cannot be examined: \(String(cString: strerror(errno)))")
                    tally.otherEntries += 1
                    continue
                }
                switch status.st_mode & S_IFMT {
                case S_IFDIR:
                    if exclude.contains(where: { $0.matches(relative) }) {
                        tally.excluded += 1
                        continue
                    }
                    if folder.depth + 1 > maxDepth {
                        tally.problem(
                            "scan.too-deep", "\(display)/\(relative)",
                            "folder more than \(maxDepth) levels deep; not scanned")
                        continue
                    }
                    children.append((path, relative, folder.depth + 1, [UInt64(status.st_dev), UInt64(status.st_ino)]))
                case S_IFREG:
                    if !include.isEmpty, !include.contains(where: { $0.matches(relative) }) {
                        tally.excluded += 1
                        continue
                    }
                    if exclude.contains(where: { $0.matches(relative) }) {
                        tally.excluded += 1
                        continue
                    }
                    files.append(
                        WalkedFile(
                            path: path, relative: relative, root: index, size: Int(status.st_size),
                            modified: Self.modified(status)))
                case S_IFLNK:
                    tally.symbolicLinks += 1
                default:
                    tally.otherEntries += 1
                }
            }
            // Depth first, in name order.
            pending.append(contentsOf: children.sorted { $0.1 > $1.1 })
        }
    }

    static func modified(_ status: stat) -> Int64 {
        FileTime.nanoseconds(status.st_mtim)
    }
}
