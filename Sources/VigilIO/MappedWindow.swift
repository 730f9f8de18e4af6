/// A read-only mapping of part of an open file (a window), so that a file of any size is read in bounded memory: map a
/// window, parse it in place with no copy (from several threads if need be), release it, map the next.
public final class MappedWindow: @unchecked Sendable {
    // @unchecked: the mapping is read-only and immutable from `init` to `deinit`.

    /// The file offsets the window covers.
    public let range: Range<Int>
    private let mapping: UnsafeRawPointer?
    private let mappedLength: Int
    /// The file offset of `mapping` (`range.lowerBound` rounded down to a page).
    private let mappedFrom: Int

    /// Maps `range` of `file` (which must lie within the file), advising sequential reading.
    public init(_ file: RawFile, covering range: Range<Int>) throws(FileError) {
        self.range = range
        mappedFrom = range.lowerBound / Platform.pageSize * Platform.pageSize
        mappedLength = range.upperBound - mappedFrom
        guard mappedLength > 0 else {
            mapping = nil
            return
        }
        guard
            let mapped = Platform.mapReadOnly(
                file.descriptor, length: mappedLength, offset: mappedFrom, access: .sequential)
        else { throw FileError(code: .mapFailed, path: file.path, errno: Platform.errno) }
        mapping = mapped
    }

    deinit {
        if let mapping { Platform.unmap(mapping, size: mappedLength) }
    }

    /// The bytes at file offsets `offsets`, which must lie in ``range``.
    public func bytes(_ offsets: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        precondition(offsets.isEmpty || (range.contains(offsets.lowerBound) && offsets.upperBound <= range.upperBound))
        guard let mapping else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(
            start: (mapping + (offsets.lowerBound - mappedFrom)).assumingMemoryBound(to: UInt8.self),
            count: offsets.count)
    }
}
