import Glibc

/// A whole file mapped read-only into memory.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer
    let path: String

    init(path: String) throws(BinaryWriter.Failure) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw BinaryWriter.Failure(path: path, errno: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw BinaryWriter.Failure(path: path, errno: errno) }
        let size = Int(status.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapping != MAP_FAILED else {
            throw BinaryWriter.Failure(path: path, errno: errno)
        }
        _ = madvise(mapping, size, MADV_SEQUENTIAL)
        bytes = UnsafeRawBufferPointer(start: mapping, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
