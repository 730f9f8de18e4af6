/// A read-only file descriptor whose errors name the file (``FileError``).
public struct RawFile: Sendable {
    /// The open descriptor.
    public let descriptor: Int32
    /// The file's path.
    public let path: String

    /// Opens the regular file at `path` read-only.
    public init(path: String) throws(FileError) {
        self.path = path
        guard let status = Platform.status(of: path) else {
            throw FileError(code: .cannotOpen, path: path, errno: Platform.errno)
        }
        guard status.isRegular else { throw FileError(code: .notARegularFile, path: path, errno: nil) }
        guard let descriptor = Platform.openReadOnly(path) else {
            throw FileError(code: .cannotOpen, path: path, errno: Platform.errno)
        }
        self.descriptor = descriptor
    }

    /// Reads into `buffer`; the count read, 0 at the end of the file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        guard let count = Platform.read(descriptor, into: buffer) else {
            throw FileError(code: .readFailed, path: path, errno: Platform.errno)
        }
        return count
    }

    /// Reads into `bytes[range]` (all of `bytes` when `range` is `nil`); the count read, 0 at the end of the file.
    public func read(into bytes: inout [UInt8], range: Range<Int>? = nil) throws(FileError) -> Int {
        let range = range ?? bytes.indices
        let count = bytes.withUnsafeMutableBytes { buffer in
            Platform.read(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[range]))
        }
        guard let count else { throw FileError(code: .readFailed, path: path, errno: Platform.errno) }
        return count
    }

    /// Moves to `offset` bytes from the start.
    public func seek(to offset: Int) throws(FileError) {
        guard Platform.seek(descriptor, to: offset) else {
            throw FileError(code: .readFailed, path: path, errno: Platform.errno)
        }
    }

    /// Closes the descriptor.
    public func close() {
        Platform.close(descriptor)
    }

    /// The size of the file at `path`.
    public static func size(of path: String) throws(FileError) -> Int {
        guard let status = Platform.status(of: path) else {
            throw FileError(code: .cannotOpen, path: path, errno: Platform.errno)
        }
        return status.size
    }

    /// The whole file at `path`, or `nil` when it holds more than `limit` bytes: refused by its size before anything is
    /// read, and counted as read too, so a file that grows while it is read is still bounded.
    public static func contents(of path: String, limit: Int) throws(FileError) -> [UInt8]? {
        guard try size(of: path) <= limit else { return nil }
        let file = try RawFile(path: path)
        defer { file.close() }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try file.read(into: &chunk)
            if count == 0 { return contents }
            guard contents.count <= limit - count else { return nil }
            contents.append(contentsOf: chunk[0..<count])
        }
    }

    /// Whether the file at `path` (of `size` bytes) ends with a line break in UTF-8 or UTF-16 (either byte order), or
    /// is empty: a file that does not was probably cut while it was written or copied.
    public static func endsWithLineBreak(path: String, size: Int) throws(FileError) -> Bool {
        guard size > 0 else { return true }
        let file = try RawFile(path: path)
        defer { file.close() }
        let count = min(size, 2)
        try file.seek(to: size - count)
        var tail = [UInt8](repeating: 0, count: count)
        let read = try file.read(into: &tail)
        guard read == count else { return true }
        let last = tail[count - 1]
        if last == 0x0A { return true }
        // UTF-16 little-endian `\n\0`; big-endian ends `\0\n`, caught above.
        return count == 2 && last == 0 && tail[0] == 0x0A
    }
}
