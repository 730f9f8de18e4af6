import Foundation
import Glibc
public import VigilCore

/// Converts a Pwned Passwords corpus — the single sorted `HASH:COUNT` file (NTLM or SHA-1), or the per-prefix folder
/// downloaders write (`00000` … `FFFFF`, each holding `SUFFIX:COUNT` lines) — into a breach index once, streaming with
/// bounded memory and parsing on every core.
///
/// Building is restartable: progress is checkpointed after every block, and a rerun of the same source continues where
/// it stopped (`resume`). Unsorted input is reported and sorted externally. Malformed lines are reported with their
/// position and skipped; when more than `maximumRejectedShare` of lines are malformed the build is refused rather than
/// producing an index of what happened to parse. The index is written under a temporary name and renamed into place only
/// once complete.
public struct BreachIndexBuilder: Sendable {
    /// Build options.
    public struct Options: Sendable {
        /// The corpus kind; detected from the first hash when `nil`.
        public var kind: BreachHashKind?
        /// Continue an interrupted build of the same source.
        public var resume = true
        /// Bytes of a single-file corpus parsed per step.
        public var blockSize = 32 << 20
        /// Entries held in memory per sorted run when the input is not sorted.
        public var runEntries = 16 << 20
        /// Parsing threads.
        public var parallelism = ProcessInfo.processInfo.activeProcessorCount
        /// The largest share of malformed lines tolerated.
        public var maximumRejectedShare = 0.01

        public init() {}
    }

    /// What a build did.
    public struct Summary: Sendable {
        /// The corpus kind.
        public var kind: BreachHashKind
        /// Distinct entries in the index.
        public var entries: Int
        /// Lines read.
        public var lines: Int
        /// Malformed lines skipped.
        public var rejected: Int
        /// Lines whose hash repeated the previous one's first 64 bits (counts were added).
        public var merged: Int
        /// Whether the input was already sorted.
        public var sortedInput: Bool
        /// The line (single file) or prefix file (folder) a resumed build continued from, if it resumed.
        public var resumedAt: Int?
        /// Per-prefix folders: prefix files absent from the folder.
        public var missingPrefixFiles: Int
        /// Positioned problems, capped as in evidence diagnostics.
        public var diagnostics: [Diagnostic]
    }

    /// Progress of a build.
    public enum Event: Sendable {
        /// Source bytes processed so far, of the total.
        case progress(processed: Int, total: Int)
        /// The build continues an interrupted one.
        case resumed(at: Int)
        /// Sorting unsorted input.
        case sorting
        /// Writing the index file.
        case writing
    }

    public let options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Builds the index for `source` at `output`. `shouldContinue` is asked after every block; when it says no (the
    /// user pressed Ctrl-C), the build stops with its checkpoint saved and throws ``CorpusBuildError/interrupted(path:resumable:)``.
    public func build(
        source: String,
        output: String,
        events: (Event) -> Void = { _ in },
        shouldContinue: () -> Bool = { true }
    ) throws(CorpusBuildError) -> Summary {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
            throw .source(path: source, reason: "no such file or folder")
        }
        var job = try BuildJob(source: source, output: output, options: options, isDirectory: isDirectory.boolValue)
        return try job.run(events: events, shouldContinue: shouldContinue)
    }
}

/// Why a corpus could not be indexed.
public enum CorpusBuildError: Error, Sendable, CustomStringConvertible {
    /// The source is missing, unreadable or holds no corpus lines.
    case source(path: String, reason: String)
    /// Too many malformed lines: no index was written.
    case refused(path: String, reason: String, diagnostics: [Diagnostic])
    /// The index could not be written.
    case output(path: String, reason: String)
    /// The build was stopped; rerunning it continues from the last checkpoint when `resumable`.
    case interrupted(path: String, resumable: Bool)

    public var description: String {
        switch self {
        case .source(let path, let reason): "\(path): error: \(reason) [corpus.source]"
        case .refused(let path, let reason, _): "\(path): error: no index written: \(reason) [corpus.refused]"
        case .output(let path, let reason): "\(path): error: cannot write the index: \(reason) [corpus.output]"
        case .interrupted(let path, let resumable):
            "\(path): interrupted; \(resumable ? "run the same command again to continue where it stopped" : "the input was not sorted, so a rerun starts again") [corpus.interrupted]"
        }
    }
}

// MARK: - The build

/// One build in progress: the source, the temporary files and the order state.
private struct BuildJob {
    let source: String
    let output: String
    let options: BreachIndexBuilder.Options
    let isDirectory: Bool
    var kind: BreachHashKind?
    var log: DiagnosticLog
    var lines = 0
    var merged = 0
    var sorted = true
    var resumedAt: Int?
    var missingPrefixFiles = 0
    /// The last entry, held back so that a repeat can be merged into it.
    var pending: (key: UInt64, count: UInt32)?
    var written = 0
    var keys: BinaryWriter
    var counts: BinaryWriter
    /// Unsorted input: entries collected for the current run, and the runs written.
    var run: [(key: UInt64, count: UInt32)] = []
    var runs: [String] = []

    var partial: String { output + ".partial" }

    init(source: String, output: String, options: BreachIndexBuilder.Options, isDirectory: Bool)
        throws(CorpusBuildError)
    {
        self.source = source
        self.output = output
        self.options = options
        self.isDirectory = isDirectory
        kind = options.kind
        log = DiagnosticLog(file: (source as NSString).lastPathComponent)
        do {
            keys = try BinaryWriter(path: output + ".partial.keys")
            counts = try BinaryWriter(path: output + ".partial.counts")
        } catch {
            throw .output(path: output, reason: error.description)
        }
    }

    mutating func run(events: (BreachIndexBuilder.Event) -> Void, shouldContinue: () -> Bool) throws(CorpusBuildError)
        -> BreachIndexBuilder.Summary
    {
        if isDirectory {
            try readFolder(events: events, shouldContinue: shouldContinue)
        } else {
            try readFile(events: events, shouldContinue: shouldContinue)
        }
        flushPending()
        guard let kind, lines > 0, written + run.count > 0 || log.recordsRejected == 0 else {
            cleanUp()
            throw .source(path: source, reason: "no Pwned Passwords lines ('HASH:COUNT') found")
        }
        let share = Double(log.recordsRejected) / Double(max(lines, 1))
        if share > options.maximumRejectedShare {
            cleanUp()
            throw .refused(
                path: source,
                reason:
                    "\(log.recordsRejected) of \(lines) lines are malformed (more than \(Int(options.maximumRejectedShare * 100))%): is this a Pwned Passwords file?",
                diagnostics: log.diagnostics)
        }
        if !sorted {
            events(.sorting)
            try mergeRuns()
        }
        events(.writing)
        try closeWriters()
        do {
            try BreachIndexWriter.assemble(
                keysPath: output + ".partial.keys", countsPath: output + ".partial.counts", entries: written,
                kind: kind, description: describe(), output: output)
        } catch {
            throw .output(path: output, reason: error.description)
        }
        cleanUp()
        return BreachIndexBuilder.Summary(
            kind: kind, entries: written, lines: lines, rejected: log.recordsRejected, merged: merged,
            sortedInput: sorted, resumedAt: resumedAt, missingPrefixFiles: missingPrefixFiles,
            diagnostics: log.diagnostics)
    }

    private func describe() -> String {
        "\((source as NSString).lastPathComponent): \(written) \(kind == .ntlm ? "NTLM" : "SHA-1") hashes"
    }

    // MARK: Single file

    private mutating func readFile(events: (BreachIndexBuilder.Event) -> Void, shouldContinue: () -> Bool)
        throws(CorpusBuildError)
    {
        let descriptor = open(source, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .source(path: source, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        fstat(descriptor, &status)
        let total = Int(status.st_size)
        let identity = SourceIdentity(size: total, modified: Int(status.st_mtim.tv_sec))
        var offset = 0
        if options.resume, let checkpoint = Checkpoint.load(partial), checkpoint.matches(identity, kind: kind) {
            try resume(from: checkpoint)
            offset = checkpoint.position
            events(.resumed(at: checkpoint.line + 1))
        } else {
            try restartWriters()
        }
        var block = [UInt8](repeating: 0, count: options.blockSize)
        while offset < total {
            let count = block.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            guard count > 0 else {
                throw .source(path: source, reason: "reading failed: \(String(cString: strerror(errno)))")
            }
            var usable = count
            if offset + count < total {
                guard let lastNewline = block[0..<count].lastIndex(of: 0x0A) else {
                    // A line longer than a block: no corpus line is; skip it as one malformed line.
                    lines += 1
                    log.reject(
                        line: lines, code: "corpus.line-too-long",
                        "a line longer than \(options.blockSize >> 20) MiB; expected 'HASH:COUNT'")
                    offset += count
                    continue
                }
                usable = lastNewline + 1
            }
            if kind == nil {
                kind = block.withUnsafeBufferPointer {
                    CorpusLineParser.detectKind(UnsafeBufferPointer(rebasing: $0[0..<usable]), prefixed: false)
                }
            }
            if kind != nil {
                let parser = CorpusLineParser(kind: kind, prefix: nil)
                let parts = block.withUnsafeBufferPointer { buffer in
                    Self.parseParallel(
                        UnsafeBufferPointer(rebasing: buffer[0..<usable]), parser: parser, parts: options.parallelism)
                }
                try absorb(parts, location: { line in (nil, line) })
            } else {
                lines += block[0..<usable].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            }
            offset += usable
            if sorted {
                try flushWriters()
                Checkpoint(
                    identity: identity, kind: kind, position: offset, line: lines, entries: written, pending: pending,
                    rejected: log.recordsRejected, merged: merged
                ).save(partial)
            }
            events(.progress(processed: offset, total: total))
            if offset < total, !shouldContinue() { try stop() }
        }
    }

    /// Parses `bytes` (whole lines) in `parts` pieces concurrently, returning the outputs in order.
    static func parseParallel(_ bytes: UnsafeBufferPointer<UInt8>, parser: CorpusLineParser, parts: Int)
        -> [CorpusLineParser.Output]
    {
        var bounds = [0]
        if parts > 1, bytes.count > 1 << 20 {
            for part in 1..<parts {
                var cut = bytes.count / parts * part
                while cut < bytes.count, bytes[cut - 1] != 0x0A { cut += 1 }
                if cut > bounds.last!, cut < bytes.count { bounds.append(cut) }
            }
        }
        bounds.append(bytes.count)
        let shared = SharedBuffer(bytes: bytes)
        let pieces = bounds
        return parallelMap(pieces.count - 1) { (index: Int) -> CorpusLineParser.Output in
            var output = CorpusLineParser.Output()
            output.keys.reserveCapacity((pieces[index + 1] - pieces[index]) / 36)
            output.counts.reserveCapacity((pieces[index + 1] - pieces[index]) / 36)
            parser.parse(UnsafeBufferPointer(rebasing: shared.bytes[pieces[index]..<pieces[index + 1]]), into: &output)
            return output
        }
    }

    // MARK: Per-prefix folder

    private mutating func readFolder(events: (BreachIndexBuilder.Event) -> Void, shouldContinue: () -> Bool)
        throws(CorpusBuildError)
    {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: source)
        } catch {
            throw .source(path: source, reason: "cannot list the folder")
        }
        var files: [(prefix: UInt64, name: String)] = []
        for name in names {
            let stem = name.hasSuffix(".txt") ? String(name.dropLast(4)) : name
            guard stem.count == 5, let prefix = UInt64(stem, radix: 16) else { continue }
            files.append((prefix, name))
        }
        files.sort { $0.prefix < $1.prefix }
        guard !files.isEmpty else {
            throw .source(
                path: source,
                reason: "a folder with no prefix files (00000 … FFFFF): expected a Pwned Passwords download")
        }
        let present = Set(files.map(\.prefix))
        missingPrefixFiles = (1 << 20) - present.count
        if missingPrefixFiles > 0 {
            let first = (0..<UInt64(1 << 20)).first { !present.contains($0) }
            log.warn(
                line: nil, code: "corpus.missing-prefixes",
                "\(missingPrefixFiles) of 1048576 prefix files are missing (first: \(String(first ?? 0, radix: 16, uppercase: true))); hashes under those prefixes are not in the index"
            )
        }
        let identity = SourceIdentity(size: files.count, modified: Int(files.last!.prefix))
        var next = 0
        if options.resume, let checkpoint = Checkpoint.load(partial), checkpoint.matches(identity, kind: kind) {
            try resume(from: checkpoint)
            next = checkpoint.position
            events(.resumed(at: next))
        } else {
            try restartWriters()
        }
        let batch = 256
        while next < files.count {
            let slice = Array(files[next..<min(files.count, next + batch)])
            var contents: [(UInt64, String, [UInt8])] = []
            for (prefix, name) in slice {
                guard let data = FileManager.default.contents(atPath: (source as NSString).appendingPathComponent(name))
                else {
                    log.reject(
                        line: nil, code: "corpus.unreadable-file",
                        "prefix file \(name) cannot be read; its hashes are not in the index")
                    continue
                }
                if kind == nil {
                    kind = [UInt8](data).withUnsafeBufferPointer { CorpusLineParser.detectKind($0, prefixed: true) }
                }
                contents.append((prefix, name, [UInt8](data)))
            }
            if kind != nil {
                let kind = self.kind
                let files = contents
                let outputs = parallelMap(files.count) { (index: Int) -> CorpusLineParser.Output in
                    var output = CorpusLineParser.Output()
                    files[index].2.withUnsafeBufferPointer {
                        CorpusLineParser(kind: kind, prefix: files[index].0).parse($0, into: &output)
                    }
                    return output
                }
                for (index, output) in outputs.enumerated() {
                    try absorb([output], location: { line in (contents[index].1, line) })
                }
            }
            next += slice.count
            if sorted {
                try flushWriters()
                Checkpoint(
                    identity: identity, kind: kind, position: next, line: lines, entries: written, pending: pending,
                    rejected: log.recordsRejected, merged: merged
                ).save(partial)
            }
            events(.progress(processed: next, total: files.count))
            if next < files.count, !shouldContinue() { try stop() }
        }
    }

    /// Stops an interrupted build: sorted progress stays checkpointed for a rerun; unsorted runs are discarded.
    private mutating func stop() throws(CorpusBuildError) {
        try flushWriters()
        if !sorted { cleanUp() }
        throw .interrupted(path: output, resumable: sorted)
    }

    // MARK: Entries in order

    /// Takes parsed outputs in source order: checks order, merges repeats, writes or collects entries.
    private mutating func absorb(_ outputs: [CorpusLineParser.Output], location: (Int) -> (String?, Int))
        throws(CorpusBuildError)
    {
        for output in outputs {
            let lineBase = lines
            for (line, reason) in output.rejected {
                let (file, number) = location(lineBase + line)
                if let file {
                    log.reject(line: number, code: "corpus.malformed", "\(file): \(reason)")
                } else {
                    log.reject(line: number, code: "corpus.malformed", reason)
                }
            }
            lines += output.lines
            for index in output.keys.indices {
                try add(output.keys[index], output.counts[index], line: lineBase, location: location)
            }
        }
    }

    @inline(__always)
    private mutating func add(_ key: UInt64, _ count: UInt32, line: Int, location: (Int) -> (String?, Int))
        throws(CorpusBuildError)
    {
        guard sorted else {
            run.append((key, count))
            if run.count >= options.runEntries { try writeRun() }
            return
        }
        if let current = pending {
            if key == current.key {
                pending = (key, current.count &+ count < current.count ? UInt32.max : current.count + count)
                merged += 1
                return
            }
            if key < current.key {
                sorted = false
                let (file, number) = location(line)
                log.warn(
                    line: number, code: "corpus.unsorted",
                    "\(file.map { "\($0): " } ?? "")the input is not sorted by hash near here; sorting it (slower, and an interrupted build restarts from the beginning)"
                )
                Checkpoint.remove(partial)
                run.append((key, count))
                return
            }
            keys.append(current.key)
            counts.append(current.count)
            written += 1
        }
        pending = (key, count)
    }

    private mutating func flushPending() {
        guard let current = pending else { return }
        keys.append(current.key)
        counts.append(current.count)
        written += 1
        pending = nil
    }

    // MARK: Unsorted input

    private mutating func writeRun() throws(CorpusBuildError) {
        run.sort { $0.key < $1.key }
        let path = partial + ".run\(runs.count)"
        do {
            let writer = try BinaryWriter(path: path)
            for entry in run {
                writer.append(entry.key)
                writer.append(entry.count)
            }
            try writer.close()
        } catch {
            throw .output(path: output, reason: error.description)
        }
        runs.append(path)
        run.removeAll(keepingCapacity: true)
    }

    /// Merges the sorted prefix already written with the sorted runs, adding the counts of equal keys.
    private mutating func mergeRuns() throws(CorpusBuildError) {
        if !run.isEmpty { try writeRun() }
        try closeWriters()
        do {
            var sources: [MergeSource] = [
                try MergeSource(keys: output + ".partial.keys", counts: output + ".partial.counts")
            ]
            for path in runs { sources.append(try MergeSource(interleaved: path)) }
            keys = try BinaryWriter(path: output + ".partial.keys.merged")
            counts = try BinaryWriter(path: output + ".partial.counts.merged")
            written = 0
            var heap = sources.indices.filter { sources[$0].current != nil }
            var last: (key: UInt64, count: UInt32)?
            while !heap.isEmpty {
                let best = heap.min { sources[$0].current!.key < sources[$1].current!.key }!
                let entry = sources[best].current!
                sources[best].advance()
                if sources[best].current == nil { heap.removeAll { $0 == best } }
                if let previous = last, previous.key == entry.key {
                    last = (
                        entry.key,
                        previous.count &+ entry.count < previous.count ? UInt32.max : previous.count + entry.count
                    )
                    merged += 1
                    continue
                }
                if let previous = last {
                    keys.append(previous.key)
                    counts.append(previous.count)
                    written += 1
                }
                last = entry
            }
            if let previous = last {
                keys.append(previous.key)
                counts.append(previous.count)
                written += 1
            }
            try keys.close()
            try counts.close()
            for path in runs { unlink(path) }
            rename(output + ".partial.keys.merged", output + ".partial.keys")
            rename(output + ".partial.counts.merged", output + ".partial.counts")
            keys = try BinaryWriter(path: output + ".partial.keys", append: true)
            counts = try BinaryWriter(path: output + ".partial.counts", append: true)
        } catch {
            throw .output(path: output, reason: error.description)
        }
    }

    // MARK: Files

    private mutating func resume(from checkpoint: Checkpoint) throws(CorpusBuildError) {
        do {
            try keys.truncate(entries: checkpoint.entries, width: 8)
            try counts.truncate(entries: checkpoint.entries, width: 4)
        } catch {
            throw .output(path: output, reason: error.description)
        }
        kind = checkpoint.kind
        written = checkpoint.entries
        lines = checkpoint.line
        pending = checkpoint.pending
        merged = checkpoint.merged
        resumedAt = checkpoint.line + 1
        for _ in 0..<checkpoint.rejected {
            log.reject(line: nil, code: "corpus.malformed", "a malformed line before the build was interrupted")
        }
    }

    private mutating func restartWriters() throws(CorpusBuildError) {
        do {
            try keys.truncate(entries: 0, width: 8)
            try counts.truncate(entries: 0, width: 4)
        } catch {
            throw .output(path: output, reason: error.description)
        }
    }

    private mutating func flushWriters() throws(CorpusBuildError) {
        do {
            try keys.flush()
            try counts.flush()
        } catch {
            throw .output(path: output, reason: error.description)
        }
    }

    private mutating func closeWriters() throws(CorpusBuildError) {
        do {
            try keys.close()
            try counts.close()
        } catch {
            throw .output(path: output, reason: error.description)
        }
    }

    private func cleanUp() {
        for suffix in [".partial.keys", ".partial.counts"] { unlink(output + suffix) }
        for path in runs { unlink(path) }
        Checkpoint.remove(partial)
    }
}

/// A source's identity, to refuse resuming a build of a file that has changed.
private struct SourceIdentity: Codable, Equatable {
    var size: Int
    var modified: Int
}

/// Where an interrupted build stood after its last complete block.
private struct Checkpoint: Codable {
    var identity: SourceIdentity
    var kind: BreachHashKind?
    /// Byte offset (single file) or index of the next prefix file (folder).
    var position: Int
    var line: Int
    var entries: Int
    var pendingKey: UInt64?
    var pendingCount: UInt32?
    var rejected: Int
    var merged: Int

    init(
        identity: SourceIdentity, kind: BreachHashKind?, position: Int, line: Int, entries: Int,
        pending: (key: UInt64, count: UInt32)?, rejected: Int, merged: Int
    ) {
        self.identity = identity
        self.kind = kind
        self.position = position
        self.line = line
        self.entries = entries
        pendingKey = pending?.key
        pendingCount = pending?.count
        self.rejected = rejected
        self.merged = merged
    }

    var pending: (key: UInt64, count: UInt32)? {
        guard let pendingKey, let pendingCount else { return nil }
        return (pendingKey, pendingCount)
    }

    func matches(_ identity: SourceIdentity, kind: BreachHashKind?) -> Bool {
        self.identity == identity && (kind == nil || kind == self.kind)
    }

    static func load(_ partial: String) -> Checkpoint? {
        guard let data = FileManager.default.contents(atPath: partial + ".checkpoint") else { return nil }
        return try? JSONDecoder().decode(Checkpoint.self, from: data)
    }

    func save(_ partial: String) {
        guard let data = try? JSONEncoder().encode(self) else { return }
        try? data.write(to: URL(fileURLWithPath: partial + ".checkpoint"), options: .atomic)
    }

    static func remove(_ partial: String) {
        unlink(partial + ".checkpoint")
    }
}

/// One sorted input of the run merge.
private struct MergeSource {
    private let keys: MappedFile
    private let counts: MappedFile?
    private let entries: Int
    private var position = 0
    private(set) var current: (key: UInt64, count: UInt32)?

    /// The main sorted prefix: keys and counts in separate files.
    init(keys keysPath: String, counts countsPath: String) throws(BinaryWriter.Failure) {
        keys = try MappedFile(path: keysPath)
        counts = try MappedFile(path: countsPath)
        entries = keys.bytes.count / 8
        current = entries > 0 ? read(0) : nil
    }

    /// A run: key then count, interleaved.
    init(interleaved path: String) throws(BinaryWriter.Failure) {
        keys = try MappedFile(path: path)
        counts = nil
        entries = keys.bytes.count / 12
        current = entries > 0 ? read(0) : nil
    }

    private func read(_ index: Int) -> (key: UInt64, count: UInt32) {
        if let counts {
            return (
                UInt64(littleEndian: keys.bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)),
                UInt32(littleEndian: counts.bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
            )
        }
        return (
            UInt64(littleEndian: keys.bytes.loadUnaligned(fromByteOffset: index * 12, as: UInt64.self)),
            UInt32(littleEndian: keys.bytes.loadUnaligned(fromByteOffset: index * 12 + 8, as: UInt32.self))
        )
    }

    mutating func advance() {
        position += 1
        current = position < entries ? read(position) : nil
    }
}
