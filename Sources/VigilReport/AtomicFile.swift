public import Foundation
import Glibc

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
    public static let fileMode: mode_t = OutputPermissions.ownerOnly.fileMode
    /// The permissions of every folder Vigil creates unless told otherwise (existing folders are left as they are).
    public static let folderMode: Int = Int(OutputPermissions.ownerOnly.folderMode)

    /// Writes `data` to `url` atomically, with `permissions` (owner-only by default).
    public static func write(_ data: Data, to url: URL, permissions: OutputPermissions = .ownerOnly) throws {
        try write(to: url, permissions: permissions) { output in try output([UInt8](data)) }
    }

    /// Creates `url` and any missing parent folders with `permissions`' folder mode (0700 by default), set after
    /// creation so that the umask can neither widen nor narrow it; folders that exist are left as they are.
    public static func createFolder(_ url: URL, permissions: OutputPermissions = .ownerOnly) throws {
        var missing: [URL] = []
        var folder = url.standardizedFileURL
        while !FileManager.default.fileExists(atPath: folder.path), folder.path != "/" {
            missing.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(permissions.folderMode)])
        for created in missing where chmod(created.path, permissions.folderMode) != 0 {
            throw ReportWriteError(path: created.path, errno: errno)
        }
    }

    /// Writes the file at `url` with the bytes `body` passes to `output`, in order, with `permissions` (owner-only by
    /// default). If `body` or a write fails, the temporary file is removed and whatever was at `url` is left as it was.
    public static func write(
        to url: URL, permissions: OutputPermissions = .ownerOnly,
        _ body: (_ output: @Sendable ([UInt8]) throws -> Void) throws -> Void
    ) throws {
        let path = url.path
        let (descriptor, temporary) = try create(beside: path, mode: permissions.fileMode)
        do {
            try body { bytes in try append(bytes, to: descriptor, path: path) }
            guard fsync(descriptor) == 0 else { throw ReportWriteError(path: path, errno: errno) }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        let closed = close(descriptor) == 0
        guard closed, rename(temporary, path) == 0 else {
            let failure = ReportWriteError(path: path, errno: errno)
            unlink(temporary)
            throw failure
        }
    }

    /// A new, empty file with a hidden, unused name in `path`'s folder, with `mode` (`fchmod` after `open`, so a
    /// restrictive umask cannot make it less than readable by its owner and a permissive one cannot widen it).
    private static func create(beside path: String, mode fileMode: mode_t) throws -> (descriptor: Int32, path: String) {
        let url = URL(fileURLWithPath: path)
        while true {
            let name = ".\(url.lastPathComponent).\(String(UInt32.random(in: .min ... .max), radix: 16)).partial"
            let temporary = url.deletingLastPathComponent().appendingPathComponent(name).path
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
            if descriptor >= 0 {
                guard fchmod(descriptor, fileMode) == 0 else {
                    let failure = ReportWriteError(path: path, errno: errno)
                    close(descriptor)
                    unlink(temporary)
                    throw failure
                }
                return (descriptor, temporary)
            }
            guard errno == EEXIST else { throw ReportWriteError(path: path, errno: errno) }
        }
    }

    private static func append(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    guard errno == EINTR else { throw ReportWriteError(path: path, errno: errno) }
                    continue
                }
                offset += written
            }
        }
    }
}

/// A report file that could not be written: which file, and the system's reason.
public struct ReportWriteError: Error, CustomStringConvertible, LocalizedError {
    /// The report file.
    public var path: String
    /// Why it could not be written (`No space left on device`).
    public var reason: String

    init(path: String, errno: Int32) {
        self.path = path
        self.reason = String(cString: strerror(errno))
    }

    public var description: String { "\(path): \(reason)" }
    public var errorDescription: String? { description }
}
