/// One folder opened for listing without following a link, so a folder swapped for a link is refused rather than
/// entered; its entries' names are raw bytes (names need not be UTF-8) and their status is read relative to the open
/// folder, so a parent renamed meanwhile cannot redirect it.
public final class FolderListing {
    private let listing: OpaquePointer
    /// The folder's path as errors show it.
    public let shownAs: String

    /// Opens the folder at `path` (bytes the system takes, NUL-terminated); errors name `shownAs`.
    public init(path: [CChar], shownAs: String) throws(FileError) {
        guard let listing = path.withUnsafeBufferPointer({ $0.baseAddress.flatMap(Platform.openFolder) }) else {
            throw FileError(code: .cannotOpen, path: shownAs, errno: Platform.errno)
        }
        self.listing = listing
        self.shownAs = shownAs
    }

    deinit {
        Platform.closeFolder(listing)
    }

    /// The status of the open folder itself (the one actually opened, whatever its path names now).
    public func status() throws(FileError) -> FileStatus {
        guard let status = Platform.status(ofDescriptor: Platform.descriptor(ofFolder: listing)) else {
            throw FileError(code: .readFailed, path: shownAs, errno: Platform.errno)
        }
        return status
    }

    /// The next entry's name bytes (without `.` and `..` filtered: the caller decides), valid until the next call; `nil`
    /// at the end.
    public func nextName() -> UnsafeRawBufferPointer? {
        Platform.nextName(in: listing)
    }

    /// The status of the entry `name` (bytes, NUL-terminated) in this folder; a link is described, never followed.
    public func status(ofEntry name: [CChar], shownAs entry: String) throws(FileError) -> FileStatus {
        let descriptor = Platform.descriptor(ofFolder: listing)
        guard
            let status = name.withUnsafeBufferPointer({
                $0.baseAddress.flatMap { Platform.status(of: $0, in: descriptor) }
            })
        else { throw FileError(code: .readFailed, path: entry, errno: Platform.errno) }
        return status
    }
}
