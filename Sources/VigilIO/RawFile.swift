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

    /// Opens a file that is not Vigil's (one on a share being scanned) read-only: no symbolic link followed, the last
    /// name included; no blocking on a FIFO swapped in after listing; and, where the system allows it, without changing
    /// the file's access time, which owners and audits rely on. `path` is the bytes the system takes, NUL-terminated
    /// (names need not be UTF-8); errors name `shownAs`. Check ``status()`` before reading: anything may be there.
    public init(untrusted path: [CChar], shownAs: String) throws(FileError) {
        guard let descriptor = path.withUnsafeBufferPointer({ $0.baseAddress.flatMap(Platform.openUntrusted) }) else {
            throw FileError(code: .cannotOpen, path: shownAs, errno: Platform.errno)
        }
        self.descriptor = descriptor
        self.path = shownAs
    }

    /// What the open file is now: kind, size, modification time and identity.
    public func status() throws(FileError) -> FileStatus {
        guard let status = Platform.status(ofDescriptor: descriptor) else {
            throw FileError(code: .readFailed, path: path, errno: Platform.errno)
        }
        return status
    }

    /// Advises the kernel that the file will be read front to back, so it reads ahead.
    public func adviseSequential() {
        Platform.adviseSequential(descriptor)
    }

    /// A path that opens this very file (`/proc/self/fd/N`), so that a library taking a path cannot be sent elsewhere by
    /// a file swapped for a link meanwhile; `nil` where the system has no such path.
    public var reopenablePath: String? {
        let path = "/proc/self/fd/\(descriptor)"
        return Platform.isReadable(path) ? path : nil
    }

    /// A zeroed buffer for reading this file a chunk at a time: `chunkSize` bytes, or fewer for a smaller file (one
    /// byte more than the file, or than `toRead`, so that one read takes it all and the next finds the end; never below
    /// a page unless the chunk is). Reading many small files (a scan, a fuzzing campaign) then zeroes no megabyte for
    /// each.
    public func readBuffer(chunkSize: Int = 1 << 20, toRead: Int = .max) throws(FileError) -> [UInt8] {
        let wanted = min(toRead, try status().size)
        let (fitting, overflow) = wanted.addingReportingOverflow(1)
        let size = overflow ? chunkSize : min(chunkSize, max(fitting, 4096))
        return [UInt8](repeating: 0, count: max(size, 1))
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

    /// Reads into `buffer` from file offset `offset`, without moving the position ``read(into:)`` reads from; the count
    /// read, fewer than asked only at the end of the file.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(FileError) -> Int {
        var done = 0
        while done < buffer.count {
            let rest = UnsafeMutableRawBufferPointer(rebasing: buffer[done...])
            guard let count = Platform.read(descriptor, into: rest, at: offset + done) else {
                throw FileError(code: .readFailed, path: path, errno: Platform.errno)
            }
            if count == 0 { break }
            done += count
        }
        return done
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
        var chunk = try file.readBuffer()
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
