public import Foundation
import Glibc

/// Writes a file as `Data.write(to:options: .atomic)` does — under a temporary name beside it, synced, then renamed
/// over it — but taking the bytes in pieces, so that a report of hundreds of megabytes never has to be held whole.
/// Readers, and a crash, see the previous file (or none), never part of the new one.
enum AtomicFile {
    /// Writes the file at `url` with the bytes `body` passes to `output`, in order. If `body` or a write fails, the
    /// temporary file is removed and whatever was at `url` is left as it was.
    static func write(to url: URL, _ body: (_ output: @Sendable ([UInt8]) throws -> Void) throws -> Void) throws {
        let path = url.path
        let (descriptor, temporary) = try create(beside: path)
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

    /// A new, empty file with a hidden, unused name in `path`'s folder, readable as the umask allows (as
    /// `Data.write` makes it).
    private static func create(beside path: String) throws -> (descriptor: Int32, path: String) {
        let url = URL(fileURLWithPath: path)
        while true {
            let name = ".\(url.lastPathComponent).\(String(UInt32.random(in: .min ... .max), radix: 16)).partial"
            let temporary = url.deletingLastPathComponent().appendingPathComponent(name).path
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 { return (descriptor, temporary) }
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
