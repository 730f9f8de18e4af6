import Foundation
import Glibc

/// One fuzzing target: a name (`ldif`, `scan-xlsx`, `breach-index`…) and what it does with an input.
struct Harness {
    /// The name `VIGIL_FUZZ_HARNESS` and `scripts/fuzz.sh` use; also the corpus folder's name.
    var name: String
    /// Runs the code under test on one input.
    var run: ([UInt8]) -> Void

    /// Every harness: one per reader of the catalogue, one per scanner extractor, the breach index, the state store and
    /// the national service's submission reader.
    // Built once at start-up and used by libFuzzer's single thread only.
    nonisolated(unsafe) static let all: [Harness] = readers + scanner + stores + service
}

/// A file the input is written to for code that reads paths. It lives in `/dev/shm` when there is one (memory, not
/// disk: millions of writes) and is rewritten for each input, keeping the name (the scanner chooses by extension).
struct ScratchFile {
    /// The file's path.
    let path: String

    /// A file named `name` in a folder private to this process.
    init(name: String) {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let folder = "\(base)/vigil-fuzz-\(getpid())"
        mkdir(folder, 0o700)
        path = "\(folder)/\(name)"
    }

    /// Replaces the file's content with `bytes`.
    func write(_ bytes: [UInt8]) {
        unlink(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { fatalError("vigil-fuzz: cannot create the scratch file") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.write(descriptor, $0.baseAddress! + written, bytes.count - written)
            }
            guard count > 0 else { fatalError("vigil-fuzz: cannot write the scratch file") }
            written += count
        }
    }

    /// Removes the file and anything made beside it (SQLite's journal).
    func remove(suffixes: [String] = []) {
        for suffix in [""] + suffixes { unlink(path + suffix) }
    }
}
