/// Which file a status describes: its device and inode, equal for two paths to the same file (a bind mount, a hard
/// link), so a walk can tell a folder it has seen from a new one.
public struct FileIdentity: Hashable, Sendable {
    /// The device holding the file.
    public var device: UInt64
    /// The file's number on that device.
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}

/// What the file system says about a file, the same on every platform: its kind, size, modification time and
/// identity.
public struct FileStatus: Sendable, Equatable {
    /// The kind of entry.
    public enum Kind: Sendable, Equatable {
        case regular
        case directory
        case symbolicLink
        /// A device, FIFO or socket: never read by Vigil.
        case other
    }

    /// The kind of entry.
    public var kind: Kind
    /// The size in bytes.
    public var size: Int
    /// The modification time in nanoseconds since 1970, saturated at the ends of `Int64` (see
    /// ``nanoseconds(seconds:nanoseconds:)``).
    public var modified: Int64
    /// The device and inode.
    public var identity: FileIdentity

    public init(kind: Kind, size: Int, modified: Int64, identity: FileIdentity) {
        self.kind = kind
        self.size = size
        self.modified = modified
        self.identity = identity
    }

    /// `seconds` and `nanoseconds` since 1970 as one count of nanoseconds, saturated at the ends of `Int64` (years 1677
    /// and 2262).
    ///
    /// Anyone who can write to a share can set a file's time to the year 3000 (`touch -d`); unchecked multiplication
    /// overflowed there and stopped every scan of the share. Two times beyond the range compare equal, so a change to
    /// such a file is noticed by its size only; the scan state's reuse is an optimisation, never a finding.
    public static func nanoseconds(seconds: Int64, nanoseconds: Int64) -> Int64 {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let (total, carry) = scaled.addingReportingOverflow(nanoseconds)
        guard !carry else { return seconds < 0 ? .min : .max }
        return total
    }

    /// The status of what `path` names, links followed: for folders named by the caller (an ancestor of a path
    /// given), never for what a walk meets. `path` is NUL-terminated bytes; errors name `shownAs`.
    public static func following(_ path: [CChar], shownAs: String) throws(FileError) -> FileStatus {
        guard let status = path.withUnsafeBufferPointer({ $0.baseAddress.flatMap(Platform.followedStatus) }) else {
            throw FileError(code: .cannotOpen, path: shownAs, errno: Platform.errno)
        }
        return status
    }

    /// The status of `path` itself: a symbolic link is described, never followed. `path` is the bytes the system
    /// takes, NUL-terminated (names need not be UTF-8); errors name `shownAs`.
    public static func of(link path: [CChar], shownAs: String) throws(FileError) -> FileStatus {
        guard let status = path.withUnsafeBufferPointer({ $0.baseAddress.flatMap(Platform.linkStatus) }) else {
            throw FileError(code: .cannotOpen, path: shownAs, errno: Platform.errno)
        }
        return status
    }
}
