/// A whole file mapped read-only into memory, unmapped when released.
public final class MappedFile {
    /// The file's bytes.
    public let bytes: UnsafeRawBufferPointer
    /// The file's path.
    public let path: String

    /// How the mapped bytes will be read, so that the kernel reads ahead (``sequential``) or not (``random``).
    public enum Access: Sendable {
        /// Front to back: the kernel reads ahead.
        case sequential
        /// Here and there (an index looked up by key): reading ahead would only evict what is cached.
        case random
    }

    /// Maps the file at `path`, advising the kernel that it will be read as `access` says.
    public init(path: String, access: Access = .sequential) throws(FileError) {
        self.path = path
        guard let descriptor = Platform.openReadOnly(path) else {
            throw FileError(code: .cannotOpen, path: path, errno: Platform.errno)
        }
        defer { Platform.close(descriptor) }
        guard let size = Platform.size(of: descriptor) else {
            throw FileError(code: .readFailed, path: path, errno: Platform.errno)
        }
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard
            let mapping = Platform.mapReadOnly(
                descriptor, length: size, offset: 0, access: access)
        else {
            throw FileError(code: .mapFailed, path: path, errno: Platform.errno)
        }
        bytes = UnsafeRawBufferPointer(start: mapping, count: size)
    }

    /// Tells the kernel how the bytes will be read from now on (an index checked in order, then looked up at random).
    public func advise(_ access: Access) {
        guard let base = bytes.baseAddress else { return }
        Platform.advise(base, length: bytes.count, access: access)
    }

    deinit {
        if let base = bytes.baseAddress { Platform.unmap(base, size: bytes.count) }
    }
}
