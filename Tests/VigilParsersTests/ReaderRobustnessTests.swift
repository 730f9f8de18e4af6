import Foundation
import Testing
import VigilCore
import VigilIO
import VigilParsers
import VigilSynth
import VigilTestSupport

/// The shared robustness suite: every reader in the catalogue over hostile inputs. A reader may reject records, but it
/// must not crash, must not throw for a readable file, must be deterministic, must give each diagnostic a position, and
/// must never quote the input.
@Suite("Reader robustness (every reader)")
struct ReaderRobustnessTests {
    /// A marker planted in hostile inputs; it must never appear in a diagnostic.
    static let secret = "S3CRET5ecret"

    static let inputs: [(String, Data)] = {
        var random = SeededRandom(seed: 99)
        let valid = try! Data(contentsOf: Fixtures.url("ad-estate-sample/directory.ldif"))
        let dump = try! Data(contentsOf: Fixtures.url("ad-estate-sample/ntds.txt"))
        var cases: [(String, Data)] = [
            ("empty", Data()),
            ("only line ends", Data("\n\r\n\n".utf8)),
            ("truncated LDIF", valid.prefix(valid.count / 2 + 17)),
            ("truncated dump", dump.prefix(dump.count / 3 + 5)),
            (
                "invalid UTF-8",
                Data([0x64, 0x6E, 0x3A, 0x20, 0xC3, 0x28, 0x0A, 0xFF, 0xFE, 0xFD, 0x0A]) + Data(secret.utf8)
            ),
            ("binary noise", Data((0..<65_536).map { _ in UInt8(truncatingIfNeeded: random.next()) })),
            (
                "JSON",
                Data(
                    "{\"dn\": \"\(secret)\", \"nested\": \(String(repeating: "[", count: 5_000))\(String(repeating: "]", count: 5_000))}"
                        .utf8)
            ),
            ("huge single line", Data(("dn: " + String(repeating: "x", count: 10 << 20) + secret + "\n").utf8)),
            (
                "huge continuation chain",
                Data(
                    ("dn: CN=a\nobjectClass: user\nsAMAccountName: " + String(repeating: "\n x", count: 200_000)
                        + secret + "\n").utf8)
            ),
            ("many short lines", Data(String(repeating: "\(secret):\n", count: 100_000).utf8)),
            ("wrong-format lines", Data("\(secret):1:2:3:4:5:6:7:8\n-\n:::\n: \(secret)\n".utf8)),
            ("UTF-16 without BOM", "dn: CN=\(secret)\nobjectClass: user\n".data(using: .utf16LittleEndian)!),
        ]
        cases.append(("NUL bytes", Data("dn: CN=a\0\(secret)\nsAMAccountName: a\0b\n\n".utf8)))
        return cases
    }()

    @Test(
        "no crash, no throw, deterministic, positioned, never quoting", arguments: ReaderCatalogue.all.indices,
        inputs.indices)
    func hostile(readerIndex: Int, inputIndex: Int) throws {
        let reader = ReaderCatalogue.all[readerIndex]
        let (name, data) = Self.inputs[inputIndex]
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write("input", data)
        let first = try reader.read(path: url.path, file: "input", progress: nil)
        let second = try reader.read(path: url.path, file: "input", progress: nil)
        #expect(first.log.recordsRead == second.log.recordsRead, "\(reader.format.id) on \(name)")
        #expect(first.log.diagnostics == second.log.diagnostics, "\(reader.format.id) on \(name)")
        #expect(first.accounts.map(\.name) == second.accounts.map(\.name))
        for diagnostic in first.log.diagnostics {
            #expect(diagnostic.location.file == "input")
            #expect(
                diagnostic.location.line != nil || diagnostic.level == .warning,
                "\(reader.format.id) on \(name): \(diagnostic)")
            #expect(!diagnostic.message.contains(Self.secret), "\(reader.format.id) on \(name) quoted its input")
        }
        #expect(first.log.diagnostics.count <= EvidenceFileSummary.diagnosticLimit)
    }

    @Test(
        "a missing file throws the file layer's error, which the engine wraps as the evidence error with it as cause",
        arguments: ReaderCatalogue.all.indices)
    func missingFile(readerIndex: Int) {
        let reader = ReaderCatalogue.all[readerIndex]
        #expect {
            _ = try reader.read(path: "/nonexistent/vigil/file", file: "file", progress: nil)
        } throws: { error in
            guard let error = error as? FileError, error.code == .cannotOpen else { return false }
            let wrapped = EvidenceError(error)
            return wrapped.code == .cannotOpen && wrapped.path == error.path && wrapped.cause is FileError
                && wrapped.description.hasSuffix("[evidence.cannot-open]")
        }
    }

    @Test("memory stays bounded on a multi-gigabyte-scale stream: lines are delivered without holding the file")
    func streaming() throws {
        // 64 MiB through a 64 KiB chunked reader: the pending buffer never exceeds one chunk plus one line.
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let line = Array("TRUST\\user:1001:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::\n".utf8)
        let url = scratch.url.appendingPathComponent("big")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        let block = Data((0..<8_192).flatMap { _ in line })
        for _ in 0..<96 { handle.write(block) }
        try handle.close()
        var lines = 0
        var longest = 0
        try LineReader(path: url.path, chunkSize: 64 << 10).forEachLine { current in
            lines += 1
            longest = max(longest, current.bytes.count)
        }
        #expect(lines == 96 * 8_192)
        #expect(longest == line.count - 1)
    }
}
