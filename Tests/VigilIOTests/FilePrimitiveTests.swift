import Foundation
import Testing
import VigilIO

/// The writers, positioned and windowed files, folder listing and byte search, through VigilIO's public API on real
/// files in a scratch folder.
@Suite("File primitives")
struct FilePrimitiveTests {
    /// A fresh folder under the system's temporary folder, removed by `remove()`.
    struct Scratch {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appending(path: "vigil-io-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        func path(_ name: String) -> String { url.appending(path: name).path }
        func remove() { try? FileManager.default.removeItem(at: url) }
        func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() }
    }

    static func permissions(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test(
        "a pipe named as the output is written into, never replaced; a link planted elsewhere is replaced, not followed"
    )
    func streamsAreWrittenInto() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let pipe = scratch.path("pipe")
        #expect(mkfifo(pipe, 0o600) == 0)
        func isPipe(_ path: String) -> Bool {
            var status = stat()
            return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO
        }
        func kind(_ path: String) throws -> FileAttributeType? {
            try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType
        }
        // The reading end is opened first, without blocking, so the write finds a reader and a broken write fails
        // the test rather than hanging it; what the pipe carries fits in its buffer.
        for streamed in [false, true] {
            let reader = open(pipe, O_RDONLY | O_NONBLOCK)
            #expect(reader >= 0)
            defer { close(reader) }
            if streamed {
                try AtomicFile.write(to: URL(fileURLWithPath: pipe)) { output in
                    try output(Array("part one, ".utf8))
                    try output(Array("part two".utf8))
                }
            } else {
                try AtomicFile.write(Data("the report".utf8), to: URL(fileURLWithPath: pipe))
            }
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = read(reader, &buffer, buffer.count)
            #expect(
                count > 0
                    && String(decoding: buffer.prefix(count), as: UTF8.self)
                        == (streamed ? "part one, part two" : "the report")
            )
            #expect(isPipe(pipe))
        }
        // A link to the pipe in an output folder (planted there) is replaced by the file, and the pipe left alone.
        let planted = scratch.path("report.html")
        try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: pipe)
        try AtomicFile.write(Data("<html>".utf8), to: URL(fileURLWithPath: planted))
        #expect(try kind(planted) == .typeRegular)
        #expect(try String(contentsOfFile: planted, encoding: .utf8) == "<html>")
        #expect(isPipe(pipe))
    }

    @Test(
        "one of the process's descriptors named as a file is written at its position; a regular file under /dev/ is replaced whole"
    )
    func inheritedDescriptorsAndFilesUnderDev() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // As `vigil … --out /dev/stdout >> log`: the report follows what the file held, never over it.
        let log = scratch.path("log")
        try Data("head\n".utf8).write(to: URL(fileURLWithPath: log))
        let descriptor = open(log, O_WRONLY | O_APPEND)
        #expect(descriptor >= 0)
        try AtomicFile.write(Data("report".utf8), to: URL(fileURLWithPath: "/dev/fd/\(descriptor)"))
        #expect(write(descriptor, "!", 1) == 1)
        close(descriptor)
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "head\nreport!")
        // A regular file on /dev/shm is a file like any other: a shorter report leaves no tail of the longer one.
        guard FileManager.default.fileExists(atPath: "/dev/shm") else { return }
        let shared = "/dev/shm/vigil-io-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: shared) }
        try AtomicFile.write(Data("a much longer first report".utf8), to: URL(fileURLWithPath: shared))
        try AtomicFile.write(Data("short".utf8), to: URL(fileURLWithPath: shared))
        #expect(try String(contentsOfFile: shared, encoding: .utf8) == "short")
        #expect(try Self.permissions(shared) == 0o600)
    }

    @Test("createOnce writes a complete owner-only file once, never over one already there, and leaves nothing else")
    func createOnce() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let key = scratch.url.appending(path: "key")
        #expect(try AtomicFile.createOnce(Array("first".utf8), at: key) == .created)
        #expect(try AtomicFile.createOnce(Array("second".utf8), at: key) == .alreadyExists)
        #expect(try String(contentsOf: key, encoding: .utf8) == "first")
        #expect(try Self.permissions(key.path) == 0o600)
        #expect(try scratch.names() == ["key"])
        let failure = #expect(throws: FileError.self) {
            try AtomicFile.createOnce([1], at: scratch.url.appending(path: "missing/key"))
        }
        #expect(failure?.code == .cannotCreate)
    }

    @Test("AtomicFile.write replaces a file with the given permissions, whatever the umask, or leaves it as it was")
    func atomicWrite() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let report = scratch.url.appending(path: "report.html")
        try AtomicFile.write(Data("old".utf8), to: report)
        let wider = try OutputPermissions(octal: "640")
        try AtomicFile.write(Data("new".utf8), to: report, permissions: wider)
        #expect(try String(contentsOf: report, encoding: .utf8) == "new")
        #expect(try Self.permissions(report.path) == 0o640)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try AtomicFile.write(to: report) { output in
                try output(Array("partial".utf8))
                throw Stop()
            }
        }
        #expect(try String(contentsOf: report, encoding: .utf8) == "new")
        #expect(try scratch.names() == ["report.html"])
    }

    @Test("the buffered writer writes exactly the bytes appended, across its buffer, owner-only")
    func bufferedWriter() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = scratch.path("out.txt")
        let writer = try BufferedFileWriter(path: path)
        var expected: [UInt8] = []
        for index in 0..<40_000 {
            let line = "line \(index) " + String(repeating: "x", count: index % 97) + "\n"
            try writer.write(line)
            expected += Array(line.utf8)
        }
        try writer.write(bytes: [0, 255])
        expected += [0, 255]
        try writer.close()
        #expect(expected.count > 2 << 20)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == expected)
        #expect(try Self.permissions(path) == 0o600)
        let failure = #expect(throws: FileError.self) { try BufferedFileWriter(path: scratch.path("no/such/file")) }
        #expect(failure?.code == .cannotCreate)
        #expect(failure?.isMissing == true)
    }

    @Test("positioned writes from several threads land at their offsets; truncate cuts; reads come back")
    func positionedFile() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = try PositionedFile(path: scratch.path("index"))
        let block = 4_096
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let bytes = [UInt8](repeating: UInt8(index), count: block)
            bytes.withUnsafeBytes { try? file.write($0, at: index * block) }
        }
        #expect(try file.size() == 16 * block)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file.path)))
        let back = written[(7 * block)...].prefix(block)
        #expect(back.count == block && back.allSatisfy { $0 == 7 })
        try file.truncate(to: 3 * block + 5)
        #expect(try file.size() == 3 * block + 5)
        let cut = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file.path)))
        let tail = cut[(3 * block)...]
        #expect(tail.count == 5 && tail.allSatisfy { $0 == 3 })
    }

    @Test("read buffers fit small files, stop at a chunk for large ones, and a line reader still reads every byte")
    func readBuffers() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let small = scratch.path("small.txt")
        try Data("one\ntwo\n".utf8).write(to: URL(filePath: small))
        let smallFile = try RawFile(path: small)
        defer { smallFile.close() }
        #expect(try smallFile.readBuffer().count == 4096)
        let large = scratch.path("large.txt")
        let lines = (0..<2000).map { "line \($0) " + String(repeating: "x", count: $0 % 97) }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(filePath: large))
        let largeFile = try RawFile(path: large)
        defer { largeFile.close() }
        let size = try largeFile.status().size
        #expect(try largeFile.readBuffer(chunkSize: 1 << 20).count == size + 1)
        #expect(try largeFile.readBuffer(chunkSize: 8192).count == 8192)
        #expect(try largeFile.readBuffer(chunkSize: 8192, toRead: 10).count == 4096)
        #expect(try largeFile.readBuffer(chunkSize: 100, toRead: 10).count == 100)
        var read: [String] = []
        try LineReader(path: large, chunkSize: 8192).forEachLine {
            read.append(String(decoding: $0.bytes, as: UTF8.self))
        }
        #expect(read == lines)
        #expect(try RawFile.contents(of: large, limit: size).map { $0.count } == size)
        #expect(try RawFile.contents(of: small, limit: 7) == nil)
        #expect(try RawFile.contents(of: small, limit: 8) == Array("one\ntwo\n".utf8))
    }

    @Test(
        "lines end at LF or CRLF; at CR alone only in a file with no LF (Excel for Mac), across chunks; CR in text kept"
    )
    func lineEnds() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        func lines(_ text: String, chunkSize: Int = 1 << 20) throws -> [String] {
            let path = scratch.path("lines-\(UUID().uuidString).txt")
            try Data(text.utf8).write(to: URL(filePath: path))
            var read: [String] = []
            try LineReader(path: path, chunkSize: chunkSize).forEachLine {
                read.append(String(decoding: $0.bytes, as: UTF8.self))
            }
            return read
        }
        #expect(try lines("a,b\r\n1,2\r\n3,4\n") == ["a,b", "1,2", "3,4"])
        let mac = (0..<3000).map { "row \($0)," + String(repeating: "y", count: $0 % 13) }
        #expect(try lines(mac.joined(separator: "\r") + "\r", chunkSize: 4096) == mac)
        // A CR inside a line of an LF file is the line's own.
        #expect(try lines("a\rb\nc\n") == ["a\rb", "c"])
    }

    @Test("zero fill (NUL runs after a crash) is dropped at a line's start and end; a NUL inside a line is kept")
    func zeroFill() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let fill = String(repeating: "\0", count: 5000)
        let path = scratch.path("zero-filled.log")
        try Data("first\nsecond cut\(fill)third\n\(fill)\nfour\0th\nlast\(fill)".utf8).write(to: URL(filePath: path))
        var read: [(Int, String)] = []
        try LineReader(path: path, chunkSize: 4096).forEachLine {
            read.append(($0.number, String(decoding: $0.bytes, as: UTF8.self)))
        }
        // The fill in the middle of line 2 joins what the crash cut to what was written after it: one line, NULs
        // inside, for the reader to reject; line 3 is fill alone (blank); lines keep their numbers.
        #expect(read.map(\.0) == [1, 2, 3, 4, 5])
        #expect(read.map(\.1) == ["first", "second cut\(fill)third", "", "four\0th", "last"])
    }

    @Test("fill before a line's text never counts towards its length, and a CR-only file after fill keeps its CRs")
    func fillBeforeText() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = scratch.path("rotated.log")
        try Data(Array(repeating: 0, count: 300_000) + Array("header\rrow one\rrow two\r".utf8)).write(
            to: URL(filePath: path))
        var read: [(Int, String, Bool)] = []
        try LineReader(path: path, chunkSize: 4096, maxLineLength: 1024).forEachLine {
            read.append(($0.number, String(decoding: $0.bytes, as: UTF8.self), $0.isOverlong))
        }
        #expect(read.map(\.1) == ["header", "row one", "row two"])
        #expect(read.map(\.0) == [1, 2, 3] && read.allSatisfy { !$0.2 })
    }

    @Test("a mapped window gives the bytes at file offsets, from a start that is not on a page")
    func mappedWindow() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let bytes = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(bytes).write(to: scratch.url.appending(path: "data"))
        let file = try RawFile(path: scratch.path("data"))
        defer { file.close() }
        let window = try MappedWindow(file, covering: 5_003..<17_001)
        #expect(Array(window.bytes(5_003..<5_010)) == Array(bytes[5_003..<5_010]))
        #expect(Array(window.bytes(16_990..<17_001)) == Array(bytes[16_990..<17_001]))
        #expect(try MappedWindow(file, covering: 0..<0).bytes(0..<0).isEmpty)
        let status = try file.status()
        #expect(status.size == 20_000 && status.kind == .regular)
    }

    @Test("a folder listing names every entry and describes links without following them")
    func folderListing() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try Data("12345".utf8).write(to: scratch.url.appending(path: "file.txt"))
        try FileManager.default.createDirectory(
            at: scratch.url.appending(path: "sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.path("link"), withDestinationPath: "file.txt")
        let listing = try FolderListing(path: Array(scratch.url.path.utf8CString), shownAs: "scratch")
        var kinds: [String: FileStatus.Kind] = [:]
        var sizes: [String: Int] = [:]
        while let raw = listing.nextName() {
            let name = String(decoding: raw, as: UTF8.self)
            if name == "." || name == ".." { continue }
            let status = try listing.status(ofEntry: Array(name.utf8CString), shownAs: name)
            kinds[name] = status.kind
            sizes[name] = status.size
        }
        #expect(kinds == ["file.txt": .regular, "sub": .directory, "link": .symbolicLink])
        #expect(sizes["file.txt"] == 5)
        #expect(try listing.status().kind == .directory)
        let linked = try FileStatus.of(link: Array(scratch.path("link").utf8CString), shownAs: "link")
        #expect(linked.kind == .symbolicLink)
        // Opening a link as a folder, or as an untrusted file, is refused rather than followed.
        let folderFailure = #expect(throws: FileError.self) {
            try FolderListing(path: Array(scratch.path("link").utf8CString), shownAs: "link")
        }
        #expect(folderFailure?.code == .cannotOpen)
        let fileFailure = #expect(throws: FileError.self) {
            try RawFile(untrusted: Array(scratch.path("link").utf8CString), shownAs: "link")
        }
        #expect(fileFailure?.isRefusedLink == true)
        let untrusted = try RawFile(untrusted: Array(scratch.path("file.txt").utf8CString), shownAs: "file.txt")
        defer { untrusted.close() }
        #expect(try untrusted.status().size == 5)
    }

    @Test("modification times saturate rather than overflow, for files dated far in the future or past")
    func saturatedTimes() {
        #expect(FileStatus.nanoseconds(seconds: 10_000_000_000, nanoseconds: 5) == .max)
        #expect(FileStatus.nanoseconds(seconds: -10_000_000_000, nanoseconds: 5) == .min)
        #expect(FileStatus.nanoseconds(seconds: 2, nanoseconds: 5) == 2_000_000_005)
    }

    @Test("byte search finds the first match at every distance, near and far, as a byte-by-byte search does")
    func byteSearch() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...8, using: &generator) }
                for target: UInt8 in [0, 3, 8, 0x0A] {
                    let found = bytes.withUnsafeBufferPointer { buffer in
                        buffer.baseAddress.flatMap { ByteSearch.firstIndex(of: target, in: $0, count: length) }
                    }
                    #expect(found == bytes.firstIndex(of: target), "length \(length), byte \(target)")
                }
            }
        }
        let text = Array("group-name".utf8)
        let same = Array("group-name".utf8)
        let other = Array("group-namf".utf8)
        #expect(ByteSearch.equal(text, same, count: text.count))
        #expect(!ByteSearch.equal(text, other, count: text.count))
    }

    @Test("file errors say what went wrong and name the file, never its content")
    func errorMessages() {
        let error = FileError(code: .writeFailed, path: "/reports/report.html", errno: 28)
        #expect(error.description.hasPrefix("/reports/report.html: writing failed: "))
        #expect(error.description.hasSuffix("[file.write-failed]"))
        #expect(FileError(code: .cannotCreate, path: "p", errno: nil).message == "cannot create the file")
        // The CLI prints `localizedDescription`: it must name the file and the reason, not Foundation's generic text.
        let asError: any Error = error
        #expect(asError.localizedDescription == error.description)
    }

    @Test("createEmpty makes an owner-only empty file once, for a library that opens it by path")
    func createEmpty() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = scratch.path("state.sqlite")
        #expect(try FileSystem.createEmpty(path))
        #expect(try !FileSystem.createEmpty(path))
        #expect(try Self.permissions(path) == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 0)
        #expect(try scratch.names() == ["state.sqlite"])
        #expect(throws: FileError.self) { try FileSystem.createEmpty(scratch.path("missing/state.sqlite")) }
    }
}
