public import Foundation

/// Writes a file as `Data.write(to:options: .atomic)` does — under a temporary name beside it, synced, then renamed
/// over it — but taking the bytes in pieces, so that a report of hundreds of megabytes never has to be held whole.
/// Readers, and a crash, see the previous file (or none), never part of the new one.
///
/// Files are created readable and writable by their owner only (0600, whatever the umask) unless the caller passes
/// wider ``OutputPermissions`` (`--mode`): reports list weak and privileged accounts and where patient data lies, and
/// the folder they are written to is often shared (an audit found them 0644 in a 0755 folder). Replacing a file gives
/// the new one these permissions too.
public enum AtomicFile {
    /// The permissions of every file Vigil writes unless told otherwise.
    public static let fileMode: UInt32 = OutputPermissions.ownerOnly.fileMode
    /// The permissions of every folder Vigil creates unless told otherwise (existing folders are left as they are).
    public static let folderMode: Int = Int(OutputPermissions.ownerOnly.folderMode)

    /// Writes `data` to `url` atomically, with `permissions` (owner-only by default). A stream named as the target
    /// (`--out /dev/null`, `/dev/stdout`, a pipe) is written into, never replaced (``openStream(_:)``).
    public static func write(_ data: Data, to url: URL, permissions: OutputPermissions = .ownerOnly) throws(FileError) {
        let path = url.path
        if let stream = try openStream(path) {
            let written = data.withUnsafeBytes { Platform.writeAll(stream, $0) }
            let failure = Platform.errno
            Platform.close(stream)
            guard written else { throw FileError(code: .writeFailed, path: path, errno: failure) }
            return
        }
        let (descriptor, temporary) = try create(beside: path, permissions: permissions.fileMode)
        let written = data.withUnsafeBytes { Platform.writeAll(descriptor, $0) } && Platform.sync(descriptor)
        let failure = Platform.errno
        Platform.close(descriptor)
        guard written else {
            Platform.remove(temporary)
            throw FileError(code: .writeFailed, path: path, errno: failure)
        }
        try moveIntoPlace(temporary, path: path)
    }

    /// Creates `url` and any missing parent folders with `permissions`' folder mode (0700 by default), set after
    /// creation so that the umask can neither widen nor narrow it; folders that exist are left as they are.
    public static func createFolder(_ url: URL, permissions: OutputPermissions = .ownerOnly) throws(FileError) {
        var missing: [URL] = []
        var folder = url.standardizedFileURL
        var isFolder: ObjCBool = false
        while !FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), folder.path != "/" {
            missing.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        // What exists where a folder should be must be one: a file of that name is "Not a directory", said so.
        guard isFolder.boolValue || folder.path == "/" else {
            throw FileError(code: .cannotCreateFolder, path: folder.path, errno: Platform.notAFolder)
        }
        // Top down, with the system's own call, so that a refusal keeps its reason (permission denied, read-only).
        for created in missing.reversed() {
            guard
                Platform.makeFolder(created.path, mode: permissions.folderMode)
                    || Platform.errno == Platform.alreadyExists
            else {
                throw FileError(code: .cannotCreateFolder, path: created.path, errno: Platform.errno)
            }
            guard Platform.setPermissions(created.path, permissions.folderMode) else {
                throw FileError(code: .cannotCreateFolder, path: created.path, errno: Platform.errno)
            }
        }
    }

    /// Writes the file at `url` with the bytes `body` passes to `output`, in order, with `permissions` (owner-only by
    /// default). If `body` or a write fails, the temporary file is removed and whatever was at `url` is left as it was.
    /// Errors thrown by `body` pass through unchanged.
    public static func write<Failure: Error>(
        to url: URL, permissions: OutputPermissions = .ownerOnly,
        _ body: (_ output: @Sendable ([UInt8]) throws(FileError) -> Void) throws(Failure) -> Void
    ) throws {
        let path = url.path
        if let stream = try openStream(path) {
            defer { Platform.close(stream) }
            try body { bytes throws(FileError) in
                let written = bytes.withUnsafeBytes { Platform.writeAll(stream, $0) }
                guard written else { throw FileError(code: .writeFailed, path: path, errno: Platform.errno) }
            }
            return
        }
        let (descriptor, temporary) = try create(beside: path, permissions: permissions.fileMode)
        do {
            try body { bytes throws(FileError) in
                let written = bytes.withUnsafeBytes { Platform.writeAll(descriptor, $0) }
                guard written else { throw FileError(code: .writeFailed, path: path, errno: Platform.errno) }
            }
            guard Platform.sync(descriptor) else {
                throw FileError(code: .writeFailed, path: path, errno: Platform.errno)
            }
        } catch {
            Platform.close(descriptor)
            Platform.remove(temporary)
            throw error
        }
        Platform.close(descriptor)
        try moveIntoPlace(temporary, path: path)
    }

    /// A descriptor to write into when `path` is a stream rather than a file (a device, a pipe, `/dev/stdout`):
    /// renaming a temporary file over `/dev/null` as root replaced the machine's `/dev/null` with a regular file.
    /// Nothing is created, synced or given permissions there; `nil` for a path to write atomically.
    private static func openStream(_ path: String) throws(FileError) -> Int32? {
        let (descriptor, isStream) = Platform.openStream(path)
        guard isStream else { return nil }
        guard let descriptor else { throw FileError(code: .cannotOpen, path: path, errno: Platform.errno) }
        return descriptor
    }

    /// Renames the finished `temporary` over `path`, removing it if that fails.
    private static func moveIntoPlace(_ temporary: String, path: String) throws(FileError) {
        guard Platform.rename(temporary, to: path) else {
            let failure = FileError(code: .writeFailed, path: path, errno: Platform.errno)
            Platform.remove(temporary)
            throw failure
        }
    }

    /// What ``createOnce(_:at:permissions:)`` found.
    public enum Creation: Sendable, Equatable {
        /// The file was written: `bytes` are what it holds.
        case created
        /// Something was at the path already and was left as it was.
        case alreadyExists
    }

    /// Writes `bytes` to a new file at `url` with `permissions`, complete from the moment it exists, and never over
    /// anything already there: written whole under a temporary name, synced, then linked into place (`link` fails when
    /// the name is taken, where `rename` would replace it). Two processes doing this at once end with one file, the
    /// first to link; the other gets ``Creation/alreadyExists`` and should read what won.
    public static func createOnce(_ bytes: [UInt8], at url: URL, permissions: OutputPermissions = .ownerOnly)
        throws(FileError) -> Creation
    {
        let path = url.path
        let (descriptor, temporary) = try create(beside: path, permissions: permissions.fileMode)
        defer { Platform.remove(temporary) }
        let written = bytes.withUnsafeBytes { Platform.writeAll(descriptor, $0) }
        let synced = written && Platform.sync(descriptor)
        let failure = Platform.errno
        Platform.close(descriptor)
        guard synced else { throw FileError(code: .writeFailed, path: path, errno: failure) }
        guard Platform.link(temporary, to: path) else {
            guard Platform.errno == Platform.alreadyExists else {
                throw FileError(code: .cannotCreate, path: path, errno: Platform.errno)
            }
            return .alreadyExists
        }
        return .created
    }

    /// A new, empty file with a hidden, unused name in `path`'s folder, with `permissions` exactly.
    private static func create(beside path: String, permissions: UInt32) throws(FileError) -> (
        descriptor: Int32, path: String
    ) {
        let url = URL(fileURLWithPath: path)
        while true {
            let name = ".\(url.lastPathComponent).\(String(UInt32.random(in: .min ... .max), radix: 16)).partial"
            let temporary = url.deletingLastPathComponent().appendingPathComponent(name).path
            if let descriptor = Platform.createExclusive(temporary, permissions: permissions) {
                return (descriptor, temporary)
            }
            guard Platform.errno == Platform.alreadyExists else {
                throw FileError(code: .cannotCreate, path: path, errno: Platform.errno)
            }
        }
    }
}
