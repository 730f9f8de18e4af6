import Glibc

/// Appends fixed-width little-endian integers to a file through a buffer.
final class BinaryWriter {
    /// A failed file operation, naming the file.
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var errno: Int32
        var description: String { "\(path): \(String(cString: strerror(errno)))" }
    }

    private let descriptor: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private static let flushThreshold = 4 << 20

    init(path: String, append: Bool = false) throws(Failure) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : 0), 0o600)
        guard descriptor >= 0 else { throw Failure(path: path, errno: errno) }
        if append { lseek(descriptor, 0, SEEK_END) }
        buffer.reserveCapacity(Self.flushThreshold + 16)
    }

    deinit {
        Glibc.close(descriptor)
    }

    @inline(__always)
    func append(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
        if buffer.count >= Self.flushThreshold { try? flush() }
    }

    @inline(__always)
    func append(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
        if buffer.count >= Self.flushThreshold { try? flush() }
    }

    func append(bytes: UnsafeRawBufferPointer) throws(Failure) {
        try flush()
        try writeAll(bytes)
    }

    func flush() throws(Failure) {
        guard !buffer.isEmpty else { return }
        let outcome = buffer.withUnsafeBytes { bytes in Result { () throws(Failure) in try writeAll(bytes) } }
        try outcome.get()
        buffer.removeAll(keepingCapacity: true)
    }

    /// Cuts the file to `entries` values of `width` bytes (to resume after the last checkpoint).
    func truncate(entries: Int, width: Int) throws(Failure) {
        try flush()
        guard ftruncate(descriptor, off_t(entries * width)) == 0 else { throw Failure(path: path, errno: errno) }
        lseek(descriptor, off_t(entries * width), SEEK_SET)
    }

    func close() throws(Failure) {
        try flush()
        guard fsync(descriptor) == 0 || errno == EINVAL else { throw Failure(path: path, errno: errno) }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, errno: errno)
            }
            offset += count
        }
    }
}
