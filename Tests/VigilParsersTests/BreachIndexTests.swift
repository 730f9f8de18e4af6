import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilParsers

@Suite("Breach corpus index")
struct BreachIndexTests {
    static let corpus = Fixtures.url("corpus/pwned-passwords-ntlm-sample.txt")

    /// The sample corpus as (hash, count).
    static func entries() throws -> [(NTHash, Int)] {
        try Fixtures.text("corpus/pwned-passwords-ntlm-sample.txt").split(separator: "\n").map { line in
            let parts = line.split(separator: ":")
            return (NTHash(hex: String(parts[0]))!, Int(parts[1])!)
        }
    }

    func build(_ source: String, in scratch: ScratchDirectory, options: BreachIndexBuilder.Options = .init()) throws
        -> (BreachIndex, BreachIndexBuilder.Summary)
    {
        let output = scratch.url.appendingPathComponent("index.vbi").path
        let summary = try BreachIndexBuilder(options: options).build(source: source, output: output)
        return (try BreachIndex(path: output), summary)
    }

    @Test("indexes the sorted single-file layout; every hash is found with its count, others are not")
    func singleFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (index, summary) = try build(Self.corpus.path, in: scratch)
        let entries = try Self.entries()
        #expect(summary.entries == entries.count && summary.rejected == 0 && summary.sortedInput)
        #expect(index.entryCount == entries.count && index.hashKind == .ntlm)
        for (hash, count) in entries { #expect(index.prevalence(of: hash) == count) }
        #expect(index.prevalence(of: NTHash(password: "not-in-any-corpus-7Q!x")) == nil)
        #expect(index.prevalence(of: NTHash(high: 0, low: 0)) == nil)
        #expect(index.prevalence(of: NTHash(high: .max, low: .max)) == nil)
        try index.verifyData()
    }

    @Test("indexes the per-prefix folder layout identically, and says which prefixes are missing")
    func perPrefix() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var files: [String: String] = [:]
        for (hash, count) in try Self.entries() {
            let hex = hash.unredactedHex.uppercased()
            files[String(hex.prefix(5)), default: ""] += "\(hex.dropFirst(5)):\(count)\r\n"
        }
        for (prefix, text) in files { try scratch.write("range/\(prefix)", text) }
        let (index, summary) = try build(scratch.url.appendingPathComponent("range").path, in: scratch)
        #expect(summary.entries == (try Self.entries()).count)
        #expect(summary.missingPrefixFiles == (1 << 20) - files.count)
        let missing = try #require(summary.diagnostics.first { $0.code == "corpus.missing-prefixes" })
        // Named as the downloader names the files: five hex digits.
        #expect(missing.message.range(of: #"\(first: [0-9A-F]{5}\)"#, options: .regularExpression) != nil, "\(missing)")
        for (hash, count) in try Self.entries() { #expect(index.prevalence(of: hash) == count) }
    }

    @Test("two lines out of order are reported between lines that hold them, never at line 0")
    func unsortedLine() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var lines = try Fixtures.text("corpus/pwned-passwords-ntlm-sample.txt").split(separator: "\n").map(String.init)
        lines.swapAt(2_999, 3_000)  // lines 3,000 and 3,001
        let source = try scratch.write("swapped.txt", lines.joined(separator: "\n") + "\n")
        let (_, summary) = try build(source.path, in: scratch)
        let warning = try #require(summary.diagnostics.first { $0.code == "corpus.unsorted" })
        let line = try #require(warning.location.line)
        #expect(line >= 1 && line <= 3_001, "\(warning)")
        #expect(warning.message.contains("between lines"), "\(warning)")
    }

    @Test("in a per-prefix folder, a line out of order is placed within its own file, never by the lines before it")
    func unsortedLineInFolder() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // Three prefix files of five suffixes each; the third's second and third lines swapped.
        for prefix in 0..<3 {
            // The suffixes differ in their leading digits, which the index's keys hold.
            var suffixes = (0..<5).map {
                String(format: "%02X", $0 * 16 + 1) + String(repeating: "0", count: 25) + ":\($0 + 1)"
            }
            if prefix == 2 { suffixes.swapAt(1, 2) }
            try scratch.write("pfx/0000\(prefix).txt", suffixes.joined(separator: "\n") + "\n")
        }
        let (_, summary) = try build(scratch.url.appendingPathComponent("pfx").path, in: scratch)
        let warning = try #require(summary.diagnostics.first { $0.code == "corpus.unsorted" })
        #expect(
            warning.message.contains("00002.txt") && warning.message.contains("between lines 1 and 5"), "\(warning)")
        #expect(warning.location.line == 1, "\(warning)")
    }

    @Test("unsorted input is reported and sorted; repeats are merged by adding counts")
    func unsorted() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var lines = try Fixtures.text("corpus/pwned-passwords-ntlm-sample.txt").split(separator: "\n").map(String.init)
        var random = SystemRandomNumberGenerator()
        lines.shuffle(using: &random)
        let repeated = lines[0]
        lines.append(repeated)
        let source = try scratch.write("shuffled.txt", lines.joined(separator: "\n") + "\n")
        var options = BreachIndexBuilder.Options()
        options.runEntries = 3_000
        let (index, summary) = try build(source.path, in: scratch, options: options)
        #expect(!summary.sortedInput)
        #expect(summary.diagnostics.contains { $0.code == "corpus.unsorted" && $0.location.line != nil })
        #expect(summary.merged == 1)
        let entries = try Self.entries()
        #expect(index.entryCount == entries.count)
        let (repeatedHash, repeatedCount) = entries.first { $0.0 == NTHash(hex: String(repeated.prefix(32)))! }!
        #expect(index.prevalence(of: repeatedHash) == repeatedCount * 2)
        try index.verifyData()
    }

    @Test("malformed lines are rejected with their line and reason; the rest is indexed")
    func malformed() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var lines = try Fixtures.text("corpus/pwned-passwords-ntlm-sample.txt").split(separator: "\n").map(String.init)
        lines[10] = "00000000000000000000000000000000000000:12"
        lines[20] = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:3"
        lines[30] = "ZZZZ0000000000000000000000000000:4"
        lines[40] = String(lines[40].prefix(32))
        lines[50] = String(lines[50].prefix(20))
        let source = try scratch.write("corpus.txt", lines.joined(separator: "\n"))
        let (index, summary) = try build(source.path, in: scratch)
        #expect(summary.rejected == 5)
        #expect(summary.diagnostics.map(\.location.line) == [11, 21, 31, 41, 51])
        #expect(summary.diagnostics[1].message.contains("SHA-1 hash in a NTLM corpus"))
        #expect(summary.diagnostics[2].message.contains("hex digits"))
        #expect(!summary.diagnostics.contains { $0.message.contains("5BAA61") || $0.message.contains("ZZZZ") })
        #expect(index.entryCount == lines.count - 5)
    }

    @Test(
        "parts cut at any byte give the same index and the same rejected lines",
        arguments: [(1, 1 << 30), (2, 8_192), (3, 12_301), (4, 20_000)])
    func partsCutAnywhere(parallelism: Int, blockSize: Int) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var lines = try Fixtures.text("corpus/pwned-passwords-ntlm-sample.txt").split(separator: "\n").map(String.init)
        lines = Array(lines.prefix(3_000))
        for index in stride(from: 5, to: lines.count, by: 7) { lines[index] += "\r" }
        lines[100] = String(repeating: "A", count: 10_000)
        lines[200] = String(lines[200].prefix(32)) + ":12x"
        lines[300] = ""
        lines[400] = lines[399]
        let source = try scratch.write("corpus.txt", lines.joined(separator: "\n"))
        var options = BreachIndexBuilder.Options()
        options.parallelism = parallelism
        options.blockSize = blockSize
        let output = scratch.url.appendingPathComponent("index.vbi").path
        let summary = try BreachIndexBuilder(options: options).build(source: source.path, output: output)
        #expect(summary.lines == 3_000 && summary.entries == 2_996 && summary.merged == 1)
        #expect(summary.diagnostics.map(\.location.line) == [101, 201])
        let index = try BreachIndex(path: output)
        try index.verifyData()
        for line in lines where line.count > 32 && line.count < 60 && !line.hasSuffix("x") {
            let parts = line.split(separator: ":")
            let count = Int(parts[1].trimmingCharacters(in: .whitespacesAndNewlines))!
            #expect(index.prevalence(of: NTHash(hex: String(parts[0]))!) == (line == lines[399] ? 2 * count : count))
        }
    }

    @Test("a file that is mostly not a corpus is refused: no index is written")
    func refused() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let text = (0..<100).map { $0 % 2 == 0 ? "8846F7EAEE8FB117AD06BDD830B7586C:\($0)" : "just some text \($0)" }
            .joined(separator: "\n")
        let source = try scratch.write("notes.txt", text)
        let output = scratch.url.appendingPathComponent("index.vbi").path
        #expect { try BreachIndexBuilder().build(source: source.path, output: output) } throws: { error in
            if case .refused = error as? CorpusBuildError { return true }
            return false
        }
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(throws: CorpusBuildError.self) {
            try BreachIndexBuilder().build(source: try scratch.write("empty.txt", "").path, output: output)
        }
    }

    @Test("a SHA-1 corpus is indexed and consulted by password")
    func sha1() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let source = try scratch.write(
            "sha1.txt",
            "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:9659365\n7C4A8D09CA3762AF61E59520943DC26494F8941B:37359195\n")
        let (index, _) = try build(source.path, in: scratch)
        #expect(index.hashKind == .sha1)
        #expect(index.prevalence(ofPassword: Array("password".utf16)) == 9_659_365)
        #expect(index.prevalence(ofPassword: Array("123456".utf16)) == 37_359_195)
        #expect(index.prevalence(of: NTHash(password: "password")) == nil)
    }

    @Test("an interrupted build continues where it stopped and gives the same index")
    func resume() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var options = BreachIndexBuilder.Options()
        options.blockSize = 64 << 10
        let output = scratch.url.appendingPathComponent("index.vbi").path
        var blocks = 0
        #expect {
            try BreachIndexBuilder(options: options).build(
                source: Self.corpus.path, output: output,
                shouldContinue: {
                    blocks += 1
                    return blocks < 3
                })
        } throws: { error in
            if case .interrupted(_, let resumable) = error as? CorpusBuildError { return resumable }
            return false
        }
        #expect(!FileManager.default.fileExists(atPath: output))
        let summary = try BreachIndexBuilder(options: options).build(source: Self.corpus.path, output: output)
        #expect(summary.resumedAt != nil)
        let resumed = try BreachIndex(path: output)
        try resumed.verifyData()
        for (hash, count) in try Self.entries() { #expect(resumed.prevalence(of: hash) == count) }
    }

    @Test(
        "a damaged index is refused, never half used", arguments: ["header", "data", "table", "truncated", "foreign"])
    func damaged(kind: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let output = scratch.url.appendingPathComponent("index.vbi")
        _ = try BreachIndexBuilder().build(source: Self.corpus.path, output: output.path)
        var bytes = try Data(contentsOf: output)
        switch kind {
        case "header": bytes[100] ^= 0xFF
        case "data": bytes[BreachIndexLayout.headerSize + BreachIndexLayout.entrySize * 7 + 9] ^= 0xFF
        case "table": bytes[bytes.count - 6] ^= 0x01
        case "truncated": bytes = bytes.prefix(bytes.count - 4)
        default: bytes = Data("HASH:COUNT\n".utf8)
        }
        try bytes.write(to: output)
        if kind == "data" {
            // Structure is intact, so opening succeeds; the full check finds the damage.
            let index = try BreachIndex(path: output.path)
            #expect(throws: BreachIndexError.self) { try index.verifyData() }
        } else if kind == "table" {
            // Refused when opened if the table no longer rises, otherwise by the full check.
            #expect(throws: BreachIndexError.self) { try BreachIndex(path: output.path).verifyData() }
        } else {
            #expect(throws: BreachIndexError.self) { _ = try BreachIndex(path: output.path) }
        }
    }

    /// Headers made to look valid (checksum recomputed) with numbers that overflow when converted or added: each must be
    /// refused, not trap (an audit crashed the process with a huge entry count).
    @Test(
        "a forged header with a huge count or offset is refused, not a crash",
        arguments: [
            (BreachIndexLayout.Offset.entryCount, UInt64.max), (BreachIndexLayout.Offset.entryCount, UInt64(Int.max)),
            (BreachIndexLayout.Offset.entryCount, UInt64(Int.max / BreachIndexLayout.entrySize)),
            (BreachIndexLayout.Offset.tableOffset, UInt64.max), (BreachIndexLayout.Offset.tableOffset, UInt64(Int.max)),
            (BreachIndexLayout.Offset.fileSize, UInt64.max), (BreachIndexLayout.Offset.entriesOffset, UInt64.max),
        ])
    func forgedHeader(offset: Int, value: UInt64) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let output = scratch.url.appendingPathComponent("index.vbi")
        _ = try BreachIndexBuilder().build(source: Self.corpus.path, output: output.path)
        var bytes = [UInt8](try Data(contentsOf: output))
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<offset + 8, with: $0) }
        var checksum = SectionChecksum()
        bytes.withUnsafeBytes {
            checksum.add(bytes: UnsafeRawBufferPointer(rebasing: $0[0..<BreachIndexLayout.Offset.headerChecksum]))
        }
        let at = BreachIndexLayout.Offset.headerChecksum
        withUnsafeBytes(of: checksum.value.littleEndian) { bytes.replaceSubrange(at..<at + 8, with: $0) }
        try Data(bytes).write(to: output)
        #expect(throws: BreachIndexError.self) { _ = try BreachIndex(path: output.path) }
    }
}
