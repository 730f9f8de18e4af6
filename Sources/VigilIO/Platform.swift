#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place VigilIO touches the C library: the few POSIX calls its files need, named for what they do, so the
/// rest of the target is the same on every platform `Package.swift` declares.
enum Platform {
    /// The calling thread's `errno`.
    static var errno: Int32 {
        #if canImport(Darwin)
            Darwin.errno
        #elseif canImport(Musl)
            Musl.errno
        #else
            Glibc.errno
        #endif
    }

    static let interrupted = EINTR
    static let ioError = EIO

    /// The system's message for `code` (`No such file or directory`).
    static func message(errno code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// Opens `path` read-only (close-on-exec); a descriptor, or `nil` with ``errno`` set.
    static func openReadOnly(_ path: String) -> Int32? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        return descriptor >= 0 ? descriptor : nil
    }

    /// Creates `path` for writing, owner-only, failing when anything (a file, a symbolic link) is already there; a
    /// descriptor, or `nil` with ``errno`` set.
    static func createNew(_ path: String) -> Int32? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        return descriptor >= 0 ? descriptor : nil
    }

    /// The size of `path` (following links), and whether it is a regular file; `nil` with ``errno`` set.
    static func status(of path: String) -> (size: Int, isRegular: Bool)? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return (Int(status.st_size), status.st_mode & S_IFMT == S_IFREG)
    }

    /// The size of an open file; `nil` with ``errno`` set.
    static func size(of descriptor: Int32) -> Int? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        return Int(status.st_size)
    }

    /// Reads up to `buffer.count` bytes, retrying when interrupted; the count read (0 at the end), or `nil` with
    /// ``errno`` set.
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        while true {
            #if canImport(Darwin)
                let count = Darwin.read(descriptor, buffer.baseAddress, buffer.count)
            #elseif canImport(Musl)
                let count = Musl.read(descriptor, buffer.baseAddress, buffer.count)
            #else
                let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            #endif
            if count >= 0 { return count }
            if errno != EINTR { return nil }
        }
    }

    /// Moves to `offset` from the start; whether it worked (``errno`` set when not).
    static func seek(_ descriptor: Int32, to offset: Int) -> Bool {
        lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset)
    }

    /// Closes a descriptor.
    static func close(_ descriptor: Int32) {
        #if canImport(Darwin)
            _ = Darwin.close(descriptor)
        #elseif canImport(Musl)
            _ = Musl.close(descriptor)
        #else
            _ = Glibc.close(descriptor)
        #endif
    }

    /// Maps `size` bytes of an open file read-only, advising sequential access; `nil` with ``errno`` set.
    static func mapReadOnly(_ descriptor: Int32, size: Int) -> UnsafeRawPointer? {
        guard let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapping != MAP_FAILED else {
            return nil
        }
        _ = madvise(mapping, size, MADV_SEQUENTIAL)
        return UnsafeRawPointer(mapping)
    }

    /// Unmaps what ``mapReadOnly(_:size:)`` mapped.
    static func unmap(_ base: UnsafeRawPointer, size: Int) {
        _ = munmap(UnsafeMutableRawPointer(mutating: base), size)
    }

    /// The offset of the first `byte` in `count` bytes from `start`, or `nil`.
    @inline(__always)
    static func firstIndex(of byte: UInt8, in start: UnsafePointer<UInt8>, count: Int) -> Int? {
        guard let hit = memchr(start, Int32(byte), count) else { return nil }
        return start.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }
}
