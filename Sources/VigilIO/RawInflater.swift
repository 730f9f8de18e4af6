import CVigilZlib

/// A raw-deflate stream (a zip part's data) inflated with the system's zlib a chunk at a time, through two buffers it
/// owns: the caller fills ``input`` and ``supply(_:)``s a count of it, then calls ``inflate()`` until it needs more.
/// zlib's state points back at its stream, so the stream lives at one heap address for the inflater's life.
final class RawInflater {
    /// Where the caller puts compressed bytes before ``supply(_:)``.
    let input: UnsafeMutableRawBufferPointer
    private let output: UnsafeMutableRawBufferPointer
    private let stream: UnsafeMutablePointer<z_stream>

    /// An inflater reading up to `inputCapacity` compressed bytes at a time and producing up to `outputCapacity`.
    init(inputCapacity: Int, outputCapacity: Int) throws(ArchiveFailure) {
        input = .allocate(byteCount: max(inputCapacity, 1), alignment: 8)
        output = .allocate(byteCount: max(outputCapacity, 1), alignment: 8)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Negative window bits: raw deflate, no zlib header or checksum (a zip holds neither).
        guard inflateInit2_(stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            input.deallocate()
            output.deallocate()
            throw .broken("a part could not be inflated (zlib would not start)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
        output.deallocate()
    }

    /// Supplied bytes zlib has not yet taken.
    var pendingInput: Int { Int(stream.pointee.avail_in) }

    /// Whether every supplied byte has been taken.
    var needsInput: Bool { pendingInput == 0 }

    /// Hands zlib the first `count` bytes of ``input``.
    func supply(_ count: Int) {
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(clamping: min(count, input.count))
    }

    /// Inflates what it can into its output buffer: the bytes produced (valid until the next call) and whether the
    /// deflate stream has ended.
    func inflate() throws(ArchiveFailure) -> (bytes: UnsafeRawBufferPointer, ended: Bool) {
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(clamping: output.count)
        let result = CVigilZlib.inflate(stream, Z_NO_FLUSH)
        guard result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR else {
            throw .broken("a part could not be inflated (corrupt data)")
        }
        let produced = output.count - Int(stream.pointee.avail_out)
        return (UnsafeRawBufferPointer(rebasing: output[..<produced]), result == Z_STREAM_END)
    }
}
