/// A file opened for reading and writing at explicit offsets: each write is one positioned system call (`pwrite`), so
/// several threads may write to disjoint ranges of it at once. The breach-index builder places sorted runs this way.
///
/// Nothing is synced to disk; the owner decides what an interrupted file means (the breach index checks its size,
/// header and table when it is opened).
public final class PositionedFile: Sendable {
    /// The file's path.
    public let path: String
    private let descriptor: Int32

    /// Opens the file at `path` for reading and writing, creating it owner-only (0600) when it is missing.
    public init(path: String) throws(FileError) {
        guard let descriptor = Platform.openReadWrite(path, truncate: false) else {
            throw FileError(code: .cannotCreate, path: path, errno: Platform.errno)
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        Platform.close(descriptor)
    }

    /// The file's current size in bytes.
    public func size() throws(FileError) -> Int {
        guard let end = Platform.end(of: descriptor) else {
            throw FileError(code: .readFailed, path: path, errno: Platform.errno)
        }
        return end
    }

    /// Writes all of `bytes` at `offset`, extending the file when it ends before.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileError) {
        guard Platform.writeAll(descriptor, bytes, at: offset) else {
            throw FileError(code: .writeFailed, path: path, errno: Platform.errno)
        }
    }

    /// Cuts the file to `size` bytes.
    public func truncate(to size: Int) throws(FileError) {
        guard Platform.truncate(descriptor, to: size) else {
            throw FileError(code: .writeFailed, path: path, errno: Platform.errno)
        }
    }
}
