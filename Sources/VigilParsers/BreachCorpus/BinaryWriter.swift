import Glibc
import VigilIO

/// Writes a file at explicit offsets: small appends go through a buffer; large runs can be placed by concurrent
/// workers into space reserved for them (``reserve(_:)``, ``PlacedWrites``).
///
/// Nothing is synced to disk: an index interrupted by a power cut is caught when it is opened (its size, header and
/// table are checked) or by `vigil corpus verify`, and is rebuilt from the corpus.
final class BinaryWriter {
    /// A failed file operation, naming the file.
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var errno: Int32
        var description: String { "\(path): \(String(cString: strerror(errno)))" }

        init(path: String, errno: Int32) {
            self.path = path
            self.errno = errno
        }

        /// A file that could not be mapped or read, from the file layer's error.
        init(_ error: FileError) {
            self.init(path: error.path, errno: error.errno ?? EIO)
        }
    }

    let path: String
    private let descriptor: Int32
    private let buffer: UnsafeMutableRawPointer
    private var buffered = 0
    /// The file's logical end: what is on disk plus what is buffered.
    private(set) var end: Int
    private static let capacity = 1 << 20

    /// Opens `path` for writing, creating it; appends go to its end.
    init(path: String) throws(Failure) {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(path: path, errno: errno) }
        end = Int(lseek(descriptor, 0, SEEK_END))
        buffer = .allocate(byteCount: Self.capacity, alignment: 16)
    }

    deinit {
        buffer.deallocate()
        Glibc.close(descriptor)
    }

    /// Writes that workers may make concurrently into reserved space.
    var placed: PlacedWrites { PlacedWrites(descriptor: descriptor) }

    /// Appends one index entry.
    @inline(__always)
    func append(key: UInt64, count: UInt32) throws(Failure) {
        if buffered + 12 > Self.capacity { try flush() }
        buffer.storeBytes(of: key.littleEndian, toByteOffset: buffered, as: UInt64.self)
        buffer.storeBytes(of: count.littleEndian, toByteOffset: buffered + 8, as: UInt32.self)
        buffered += 12
        end += 12
    }

    /// Appends `bytes`.
    func append(bytes: UnsafeRawBufferPointer) throws(Failure) {
        if buffered + bytes.count <= Self.capacity {
            if let base = bytes.baseAddress { (buffer + buffered).copyMemory(from: base, byteCount: bytes.count) }
            buffered += bytes.count
            end += bytes.count
            return
        }
        let at = try reserve(bytes.count)
        try write(bytes, at: at)
    }

    /// Appends `count` zero bytes (room for a header written later).
    func appendZeros(_ count: Int) throws(Failure) {
        let zeros = [UInt8](repeating: 0, count: count)
        try zeros.withUnsafeBytes { bytes in Result { () throws(Failure) in try append(bytes: bytes) } }.get()
    }

    /// Flushes the buffer and sets aside `count` bytes at the end, returning their offset, for writes placed there.
    func reserve(_ count: Int) throws(Failure) -> Int {
        try flush()
        defer { end += count }
        return end
    }

    /// Writes the buffered bytes to the file.
    func flush() throws(Failure) {
        guard buffered > 0 else { return }
        try write(UnsafeRawBufferPointer(start: buffer, count: buffered), at: end - buffered)
        buffered = 0
    }

    /// Writes `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(Failure) {
        let failure = placed.write(bytes, at: offset)
        guard failure == 0 else { throw Failure(path: path, errno: failure) }
    }

    /// Cuts the file to `size` bytes and appends from there (to resume after the last checkpoint).
    func truncate(to size: Int) throws(Failure) {
        try flush()
        guard ftruncate(descriptor, off_t(size)) == 0 else { throw Failure(path: path, errno: errno) }
        end = size
    }
}

/// Positioned writes to an open file, safe to make from several threads at once (each is a `pwrite`).
struct PlacedWrites: Sendable {
    let descriptor: Int32

    /// Writes all of `bytes` at `offset`; returns 0, or the `errno` of the failure.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int32 {
        var done = 0
        while done < bytes.count {
            let count = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += count
        }
        return 0
    }
}
