/// Writes a new file front to back through a large buffer, so that many small appends cost few system calls: the
/// generator writes gigabytes of synthetic estate for the benchmarks this way.
///
/// The file is created owner-only (0600) and emptied if it existed. Nothing is synced: a generated file interrupted
/// part-way is regenerated, not recovered.
public final class BufferedFileWriter {
    /// The file written.
    public let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var closed = false
    private static let flushThreshold = 1 << 20

    /// Creates (or empties) the file at `path`.
    public init(path: String) throws(FileError) {
        guard let descriptor = Platform.openReadWrite(path, truncate: true) else {
            throw FileError(code: .cannotCreate, path: path, errno: Platform.errno)
        }
        self.path = path
        self.descriptor = descriptor
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    deinit {
        if !closed { Platform.close(descriptor) }
    }

    /// Appends `text` as UTF-8.
    public func write(_ text: String) throws(FileError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Appends `bytes`.
    public func write(bytes: some Sequence<UInt8>) throws(FileError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Writes what is buffered to the file.
    public func flush() throws(FileError) {
        guard !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { Platform.writeAll(descriptor, $0) }
        guard written else { throw FileError(code: .writeFailed, path: path, errno: Platform.errno) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and closes the file.
    public func close() throws(FileError) {
        guard !closed else { return }
        try flush()
        closed = true
        Platform.close(descriptor)
    }
}
