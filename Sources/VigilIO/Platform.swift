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

    /// Sets the process's file-creation mask; returns the previous one.
    static func setCreationMask(_ mask: UInt32) -> UInt32 {
        UInt32(umask(mode_t(mask)))
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

    /// Unmaps what ``mapReadOnly(_:length:offset:access:)`` mapped.
    static func unmap(_ base: UnsafeRawPointer, size: Int) {
        _ = munmap(UnsafeMutableRawPointer(mutating: base), size)
    }

    static let alreadyExists = EEXIST

    /// The C library's mode type from Vigil's platform-independent permission bits.
    private static func mode(_ bits: UInt32) -> mode_t { mode_t(truncatingIfNeeded: bits) }

    /// Creates `path` for writing with `permissions` exactly (set again after `open`, so the umask can neither widen
    /// nor narrow them), failing when anything (a file, a symbolic link) is already there; a descriptor, or `nil` with
    /// ``errno`` set (``alreadyExists`` when something was there).
    static func createExclusive(_ path: String, permissions: UInt32) -> Int32? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode(permissions))
        guard descriptor >= 0 else { return nil }
        guard fchmod(descriptor, mode(permissions)) == 0 else {
            let failure = errno
            close(descriptor)
            unlink(path)
            setErrno(failure)
            return nil
        }
        return descriptor
    }

    /// Opens `path` for reading and writing, creating it owner-only (0600) when missing, emptied when `truncate`; a
    /// descriptor, or `nil` with ``errno`` set.
    static func openReadWrite(_ path: String, truncate: Bool) -> Int32? {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), mode(0o600))
        return descriptor >= 0 ? descriptor : nil
    }

    /// Sets the permissions of the file or folder at `path`; whether it worked.
    static func setPermissions(_ path: String, _ permissions: UInt32) -> Bool {
        chmod(path, mode(permissions)) == 0
    }

    /// Creates the folder `path` with `permissions` (narrowed by the umask until ``setPermissions(_:_:)``); whether it
    /// worked (``errno`` set when not: ``alreadyExists`` when something was there).
    static func makeFolder(_ path: String, mode permissions: UInt32) -> Bool {
        mkdir(path, mode(permissions)) == 0
    }

    /// `errno` for a path that names a file where a folder was expected.
    static let notAFolder = ENOTDIR

    /// Writes all of `bytes` at the descriptor's position, retrying when interrupted; whether it worked (``errno``
    /// set when not).
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard var next = bytes.baseAddress else { return true }
        var left = bytes.count
        while left > 0 {
            #if canImport(Darwin)
                let count = Darwin.write(descriptor, next, left)
            #elseif canImport(Musl)
                let count = Musl.write(descriptor, next, left)
            #else
                let count = Glibc.write(descriptor, next, left)
            #endif
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            next += count
            left -= count
        }
        return true
    }

    /// Writes all of `bytes` at `offset` without moving the descriptor's position (safe from several threads at
    /// once); whether it worked (``errno`` set when not).
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var done = 0
        while done < bytes.count {
            let count = pwrite(descriptor, base + done, bytes.count - done, off_t(offset + done))
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            done += count
        }
        return true
    }

    /// Reads up to `buffer.count` bytes at `offset` without moving the descriptor's position; the count read, or `nil`
    /// with ``errno`` set.
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int? {
        while true {
            let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if count >= 0 { return count }
            if errno != EINTR { return nil }
        }
    }

    /// Flushes an open file to the disk; whether it worked.
    static func sync(_ descriptor: Int32) -> Bool { fsync(descriptor) == 0 }

    /// Cuts an open file to `size` bytes; whether it worked.
    static func truncate(_ descriptor: Int32, to size: Int) -> Bool { ftruncate(descriptor, off_t(size)) == 0 }

    /// The descriptor's end offset; `nil` with ``errno`` set.
    static func end(of descriptor: Int32) -> Int? {
        let end = lseek(descriptor, 0, SEEK_END)
        return end >= 0 ? Int(end) : nil
    }

    /// Renames `from` to `to`, replacing what is there; whether it worked.
    static func rename(_ from: String, to: String) -> Bool {
        #if canImport(Darwin)
            Darwin.rename(from, to) == 0
        #elseif canImport(Musl)
            Musl.rename(from, to) == 0
        #else
            Glibc.rename(from, to) == 0
        #endif
    }

    /// Makes `to` a second name for `from`, failing (``alreadyExists``) when `to` exists; whether it worked.
    static func link(_ from: String, to: String) -> Bool {
        #if canImport(Darwin)
            Darwin.link(from, to) == 0
        #elseif canImport(Musl)
            Musl.link(from, to) == 0
        #else
            Glibc.link(from, to) == 0
        #endif
    }

    /// Removes the name `path`; whether it worked.
    @discardableResult
    static func remove(_ path: String) -> Bool { unlink(path) == 0 }

    private static func setErrno(_ value: Int32) {
        #if canImport(Darwin)
            Darwin.errno = value
        #elseif canImport(Musl)
            Musl.errno = value
        #else
            Glibc.errno = value
        #endif
    }

    /// Maps `length` bytes of an open file from `offset` (a multiple of ``pageSize``) read-only, with `access` advice;
    /// `nil` with ``errno`` set.
    static func mapReadOnly(_ descriptor: Int32, length: Int, offset: Int, access: MappedFile.Access)
        -> UnsafeRawPointer?
    {
        guard let mapping = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, off_t(offset)),
            mapping != MAP_FAILED
        else { return nil }
        _ = madvise(mapping, length, access == .random ? MADV_RANDOM : MADV_SEQUENTIAL)
        return UnsafeRawPointer(mapping)
    }

    /// Advises the kernel how a mapping will be read.
    static func advise(_ mapping: UnsafeRawPointer, length: Int, access: MappedFile.Access) {
        _ = madvise(
            UnsafeMutableRawPointer(mutating: mapping), length, access == .random ? MADV_RANDOM : MADV_SEQUENTIAL)
    }

    /// The size of a memory page, the unit mappings start on.
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Whether `length` bytes from `first` and from `second` are equal.
    @inline(__always)
    static func equal(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer, count: Int) -> Bool {
        memcmp(first, second, count) == 0
    }

    static let permissionDenied: Set<Int32> = [EACCES, EPERM]
    static let noSuchFile = ENOENT
    static let tooManyLinks = ELOOP

    /// A status from the C library's `stat` structure.
    private static func fileStatus(_ status: stat) -> FileStatus {
        let kind: FileStatus.Kind
        switch status.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        #if canImport(Darwin)
            let time = status.st_mtimespec
        #else
            let time = status.st_mtim
        #endif
        return FileStatus(
            kind: kind, size: Int(status.st_size),
            modified: FileStatus.nanoseconds(seconds: Int64(time.tv_sec), nanoseconds: Int64(time.tv_nsec)),
            identity: FileIdentity(device: UInt64(truncatingIfNeeded: status.st_dev), inode: UInt64(status.st_ino)))
    }

    /// Opens `path` for writing in place when it is a stream rather than a file to replace: a character device, pipe
    /// or socket (`/dev/null`, a FIFO), or one of the process's own descriptors named as a file (`/dev/stdout`,
    /// `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`), written through a copy of the descriptor so its position is
    /// the shell's (`>>` appends; later output follows rather than overwrites). A link is followed only under `/dev/`,
    /// where the system made it: one planted in an output folder (`report.html -> /dev/mem`) is replaced like a
    /// file, and a regular file anywhere (`/dev/shm/…`) is written atomically. `isStream` false when `path` is none of
    /// these; `descriptor` `nil` when it is but cannot be opened (``errno`` set).
    static func openStream(_ path: String) -> (descriptor: Int32?, isStream: Bool) {
        if let inherited = inheritedDescriptor(path) {
            let copy = dup(inherited)
            return (copy >= 0 ? copy : nil, true)
        }
        var status = stat()
        guard lstat(path, &status) == 0 else { return (nil, false) }
        var kind = status.st_mode & S_IFMT
        if kind == S_IFLNK, path.hasPrefix("/dev/") {
            guard stat(path, &status) == 0 else { return (nil, false) }
            kind = status.st_mode & S_IFMT
        }
        guard kind == S_IFCHR || kind == S_IFIFO || kind == S_IFSOCK else { return (nil, false) }
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        return (descriptor >= 0 ? descriptor : nil, true)
    }

    /// The descriptor a path names when it is one of the process's own: `/dev/stdout` 1, `/dev/stderr` 2,
    /// `/dev/fd/N` and `/proc/self/fd/N` N.
    static func inheritedDescriptor(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                if let number = Int32(path.dropFirst(prefix.count)), number >= 0 { return number }
            }
            return nil
        }
    }

    /// The status of `path` itself (a link is described, not followed); `nil` with ``errno`` set.
    static func linkStatus(_ path: UnsafePointer<CChar>) -> FileStatus? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return fileStatus(status)
    }

    /// The status of what `path` names, links followed; `nil` with ``errno`` set.
    static func followedStatus(_ path: UnsafePointer<CChar>) -> FileStatus? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return fileStatus(status)
    }

    /// The status of an open file; `nil` with ``errno`` set.
    static func status(ofDescriptor descriptor: Int32) -> FileStatus? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        return fileStatus(status)
    }

    /// The status of `name` in the open folder `folder`, a link described and not followed; `nil` with ``errno`` set.
    static func status(of name: UnsafePointer<CChar>, in folder: Int32) -> FileStatus? {
        var status = stat()
        guard fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return fileStatus(status)
    }

    /// Opens the file at `path` read-only for a scan of content that is not Vigil's: no link followed (the final name
    /// included), no blocking on a FIFO swapped in, and, where the system allows it, without changing the file's
    /// access time (owners and audits rely on it); a descriptor, or `nil` with ``errno`` set.
    static func openUntrusted(_ path: UnsafePointer<CChar>) -> Int32? {
        let flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK
        #if os(Linux)
            // O_NOATIME is refused (EPERM) on files the caller does not own unless privileged: try without it then.
            // Glibc's headers hide O_NOATIME behind _GNU_SOURCE, so Swift does not see it: its value on Linux.
            let noAccessTime: Int32 = 0o1_000_000
            let descriptor = open(path, flags | noAccessTime)
            if descriptor >= 0 { return descriptor }
            guard errno == EPERM else { return nil }
        #endif
        let plain = open(path, flags)
        return plain >= 0 ? plain : nil
    }

    /// Advises the kernel that an open file will be read front to back.
    static func adviseSequential(_ descriptor: Int32) {
        #if os(Linux)
            _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
    }

    /// Whether the calling process may read `path`.
    static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }

    /// Whether anything exists at `path` (a dangling link counts).
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 || linkExists(path) }

    private static func linkExists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Opens the folder at `path` for listing without following a link; the listing handle, or `nil` with ``errno``
    /// set.
    static func openFolder(_ path: UnsafePointer<CChar>) -> OpaquePointer? {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        guard let listing = fdopendir(descriptor) else {
            let failure = errno
            close(descriptor)
            setErrno(failure)
            return nil
        }
        return listing
    }

    /// The descriptor of an open folder listing.
    static func descriptor(ofFolder listing: OpaquePointer) -> Int32 { dirfd(listing) }

    /// The next name in a folder listing (valid until the next call), or `nil` at the end.
    static func nextName(in listing: OpaquePointer) -> UnsafeRawBufferPointer? {
        guard let entry = readdir(listing) else { return nil }
        // The name lives in the listing's buffer, NUL-terminated, until the next `readdir`.
        let name = UnsafeRawPointer(entry) + nameOffset
        return UnsafeRawBufferPointer(start: name, count: strlen(name.assumingMemoryBound(to: CChar.self)))
    }

    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 0

    /// Closes a folder listing.
    static func closeFolder(_ listing: OpaquePointer) { _ = closedir(listing) }

    /// The offset of the first `byte` in `count` bytes from `start`, or `nil`.
    @inline(__always)
    static func firstIndex(of byte: UInt8, in start: UnsafePointer<UInt8>, count: Int) -> Int? {
        guard let hit = memchr(start, Int32(byte), count) else { return nil }
        return start.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }
}
