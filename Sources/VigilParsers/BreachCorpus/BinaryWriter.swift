import VigilIO

/// Writes a file at explicit offsets: small appends go through a buffer; large runs can be placed by concurrent
/// workers into space reserved for them (``reserve(_:)``, ``PlacedWrites``).
///
/// Nothing is synced to disk: an index interrupted by a power cut is caught when it is opened (its size, header and
/// table are checked) or by `vigil corpus verify`, and is rebuilt from the corpus.
final class BinaryWriter {
    private let file: PositionedFile
    private let buffer: UnsafeMutableRawPointer
    private var buffered = 0
    /// The file's logical end: what is on disk plus what is buffered.
    private(set) var end: Int
    private static let capacity = 1 << 20

    /// The file's path.
    var path: String { file.path }

    /// Opens `path` for writing, creating it; appends go to its end.
    init(path: String) throws(FileError) {
        file = try PositionedFile(path: path)
        end = try file.size()
        buffer = .allocate(byteCount: Self.capacity, alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    /// Writes that workers may make concurrently into reserved space.
    var placed: PlacedWrites { PlacedWrites(file: file) }

    /// Appends one index entry.
    @inline(__always)
    func append(key: UInt64, count: UInt32) throws(FileError) {
        if buffered + 12 > Self.capacity { try flush() }
        buffer.storeBytes(of: key.littleEndian, toByteOffset: buffered, as: UInt64.self)
        buffer.storeBytes(of: count.littleEndian, toByteOffset: buffered + 8, as: UInt32.self)
        buffered += 12
        end += 12
    }

    /// Appends `bytes`.
    func append(bytes: UnsafeRawBufferPointer) throws(FileError) {
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
    func appendZeros(_ count: Int) throws(FileError) {
        let zeros = [UInt8](repeating: 0, count: count)
        try zeros.withUnsafeBytes { bytes in Result { () throws(FileError) in try append(bytes: bytes) } }.get()
    }

    /// Flushes the buffer and sets aside `count` bytes at the end, returning their offset, for writes placed there.
    func reserve(_ count: Int) throws(FileError) -> Int {
        try flush()
        defer { end += count }
        return end
    }

    /// Writes the buffered bytes to the file.
    func flush() throws(FileError) {
        guard buffered > 0 else { return }
        try write(UnsafeRawBufferPointer(start: buffer, count: buffered), at: end - buffered)
        buffered = 0
    }

    /// Writes `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileError) {
        try file.write(bytes, at: offset)
    }

    /// Cuts the file to `size` bytes and appends from there (to resume after the last checkpoint).
    func truncate(to size: Int) throws(FileError) {
        try flush()
        try file.truncate(to: size)
        end = size
    }
}

/// Positioned writes to an open file, safe to make from several threads at once (each is a `pwrite`).
struct PlacedWrites: Sendable {
    let file: PositionedFile

    /// Writes all of `bytes` at `offset`; `nil`, or the failure.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> FileError? {
        do {
            try file.write(bytes, at: offset)
            return nil
        } catch {
            return error
        }
    }
}
