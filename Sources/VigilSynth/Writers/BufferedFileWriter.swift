import Glibc

/// Appends bytes to a new file through a large buffer: the generator writes gigabytes for benchmarks.
final class BufferedFileWriter {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    private let path: String
    private static let flushThreshold = 1 << 20

    init(path: String) throws(SynthError) {
        guard let file = fopen(path, "wb") else {
            throw SynthError(message: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        self.file = file
        self.path = path
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    func write(_ text: String) throws(SynthError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    func write(bytes: some Sequence<UInt8>) throws(SynthError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    func flush() throws(SynthError) {
        guard !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == buffer.count else {
            throw SynthError(message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws(SynthError) {
        try flush()
        guard fclose(file) == 0 else { throw SynthError(message: "cannot close \(path)") }
    }
}

/// A failure to write a synthetic estate.
public struct SynthError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public var message: String
    public var description: String { message }
}
