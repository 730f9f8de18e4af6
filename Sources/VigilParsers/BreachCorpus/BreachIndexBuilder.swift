import Foundation
public import VigilCore
import VigilIO

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
        try Self.checkReplaceable(output, source: source)
        var job = try BuildJob(source: source, output: output, options: options, isDirectory: isDirectory.boolValue)
        return try job.run(events: events, shouldContinue: shouldContinue)
    }
}

extension BreachIndexBuilder {
    /// Refuses an `output` that is not an index to replace: the corpus itself (`-o` given the source's name would
    /// replace the download with the index), or any other existing file that is not a Vigil breach index.
    static func checkReplaceable(_ output: String, source: String) throws(CorpusBuildError) {
        guard FileManager.default.fileExists(atPath: output) else { return }
        func identity(_ path: String) -> FileIdentity? {
            try? FileStatus.following(Array(path.utf8CString), shownAs: path).identity
        }
        if let written = identity(output), written == identity(source) {
            throw .output(path: output, reason: "it is the corpus being indexed; name another file for the index")
        }
        let head = FileHandle(forReadingAtPath: output).flatMap {
            try? $0.read(upToCount: BreachIndexLayout.magic.count)
        }
        guard let head, Array(head) == BreachIndexLayout.magic else {
            throw .output(
                path: output,
                reason:
                    "it exists and is not a Vigil breach index, so it is left as it is; name a new file or remove it")
        }
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

/// One build in progress: the source, the partial index file and the order state.
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
    /// Steps (blocks of a file, batches of a folder) done in this run.
    var steps = 0
    /// The index being built: a blank header, then the entries as they are parsed.
    var file: BinaryWriter
    /// Unsorted input: entries collected for the current run, and the runs written.
    var run: [(key: UInt64, count: UInt32)] = []
    var runs: [String] = []

    var partial: String { output + ".partial" }

    /// Steps between checkpoints (an interruption checkpoints at once; a crash loses at most this many).
    static let checkpointInterval = 8

    /// Bytes read past a part's end to finish its last line; no corpus line is longer.
    static let lineSlack = 4096

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
            file = try BinaryWriter(path: output + ".partial")
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
        try flushPending()
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
        do {
            try BreachIndexWriter.finish(file, entries: written, kind: kind, description: describe(), output: output)
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
        let sourceFile: RawFile
        do {
            sourceFile = try RawFile(path: source)
        } catch {
            throw .source(path: source, reason: error.message)
        }
        defer { sourceFile.close() }
        let identity: SourceIdentity
        do {
            let status = try sourceFile.status()
            identity = SourceIdentity(size: status.size, modified: Int(status.modified / 1_000_000_000))
        } catch {
            throw .source(path: source, reason: error.message)
        }
        let total = identity.size
        var offset = 0
        if options.resume, let checkpoint = Checkpoint.load(partial), checkpoint.matches(identity, kind: kind),
            file.end >= BreachIndexLayout.tableOffset(entries: checkpoint.entries)
        {
            try resume(from: checkpoint)
            offset = checkpoint.position
            events(.resumed(at: checkpoint.line + 1))
        } else {
            try restartFile()
        }
        if kind == nil { kind = try detectKind(sourceFile, total: total) }
        guard let kind else { return }
        let parser = CorpusLineParser(kind: kind, prefix: nil)
        let workers = max(1, options.parallelism)
        let partSize = max(options.blockSize / workers, 4096)
        let parts = (0..<workers).map { _ in ParsedEntries(capacity: partSize / parser.shortestLine + 2) }
        while offset < total {
            let stepEnd = min(total, offset + workers * partSize)
            let window: MappedWindow
            do {
                window = try MappedWindow(
                    sourceFile, covering: max(offset - 1, 0)..<min(total, stepEnd + Self.lineSlack))
            } catch {
                throw .source(path: source, reason: error.message)
            }
            let start = offset
            let active = (stepEnd - start + partSize - 1) / partSize
            _ = parallelMap(active) { (index: Int) in
                let owned = (start + index * partSize)..<min(start + (index + 1) * partSize, stepEnd)
                let from = max(owned.lowerBound - 1, 0)
                let to = min(total, owned.upperBound + Self.lineSlack)
                parts[index].reset()
                parser.parse(
                    window.bytes(from..<to), ownedEnd: owned.upperBound - from, startsAtLine: owned.lowerBound == 0,
                    endsAtFile: to == total, into: parts[index])
            }
            var placements: [Placement] = []
            for (index, part) in parts.prefix(active).enumerated() {
                if let placement = try absorb(part, location: { line in (nil, line) }) {
                    placements.append(Placement(part: index, entries: placement.entries, offset: placement.offset))
                }
            }
            let placed = file.placed
            let jobs = placements
            let failures = parallelMap(jobs.count) { (index: Int) -> FileError? in
                let placement = jobs[index]
                return placed.write(parts[placement.part].bytes(placement.entries), at: placement.offset)
            }
            if let failure = failures.lazy.compactMap({ $0 }).first {
                throw .output(path: output, reason: failure.description)
            }
            offset = stepEnd
            steps += 1
            if steps % Self.checkpointInterval == 0 { try checkpoint(identity, position: offset) }
            events(.progress(processed: offset, total: total))
            if offset < total, !shouldContinue() { try stop(identity, position: offset) }
        }
    }

    /// The kind of the first hash line in the file's first MiB.
    private func detectKind(_ file: RawFile, total: Int) throws(CorpusBuildError) -> BreachHashKind? {
        var head = [UInt8](repeating: 0, count: min(total, 1 << 20))
        let read = head.withUnsafeMutableBytes { buffer in
            Result { () throws(FileError) in try file.read(into: buffer, at: 0) }
        }
        let count: Int
        switch read {
        case .success(let value): count = value
        case .failure(let error): throw .source(path: source, reason: error.message)
        }
        return head.withUnsafeBufferPointer {
            CorpusLineParser.detectKind(UnsafeBufferPointer(rebasing: $0[0..<count]), prefixed: false)
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
                "\(missingPrefixFiles) of 1048576 prefix files are missing (first: \(Self.prefixName(first ?? 0))); hashes under those prefixes are not in the index"
            )
        }
        let identity = SourceIdentity(size: files.count, modified: Int(files.last!.prefix))
        var next = 0
        if options.resume, let checkpoint = Checkpoint.load(partial), checkpoint.matches(identity, kind: kind),
            file.end >= BreachIndexLayout.tableOffset(entries: checkpoint.entries)
        {
            try resume(from: checkpoint)
            next = checkpoint.position
            events(.resumed(at: next))
        } else {
            try restartFile()
        }
        let batch = 256
        while next < files.count {
            let slice = Array(files[next..<min(files.count, next + batch)])
            var contents: [(prefix: UInt64, name: String, bytes: [UInt8])] = []
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
            if let kind {
                let files = contents
                let outputs = parallelMap(files.count) { (index: Int) -> ParsedEntries in
                    let parser = CorpusLineParser(kind: kind, prefix: files[index].prefix)
                    let entries = ParsedEntries(capacity: files[index].bytes.count / parser.shortestLine + 2)
                    files[index].bytes.withUnsafeBufferPointer {
                        parser.parse($0, ownedEnd: $0.count, startsAtLine: true, endsAtFile: true, into: entries)
                    }
                    return entries
                }
                for (index, entries) in outputs.enumerated() {
                    // Lines are counted across the files; a message names one file, so its own line.
                    let start = lines
                    if let placement = try absorb(entries, location: { line in (contents[index].name, line - start) }) {
                        do {
                            try file.write(entries.bytes(placement.entries), at: placement.offset)
                        } catch {
                            throw .output(path: output, reason: error.description)
                        }
                    }
                }
            }
            next += slice.count
            steps += 1
            if steps % Self.checkpointInterval == 0 { try checkpoint(identity, position: next) }
            events(.progress(processed: next, total: files.count))
            if next < files.count, !shouldContinue() { try stop(identity, position: next) }
        }
    }

    /// Stops an interrupted build: sorted progress is checkpointed for a rerun; unsorted runs are discarded.
    private mutating func stop(_ identity: SourceIdentity, position: Int) throws(CorpusBuildError) {
        try checkpoint(identity, position: position)
        if !sorted { cleanUp() }
        throw .interrupted(path: output, resumable: sorted)
    }

    /// Records how far a sorted build has come, so that a rerun after a crash or Ctrl-C continues from here.
    private mutating func checkpoint(_ identity: SourceIdentity, position: Int) throws(CorpusBuildError) {
        guard sorted else { return }
        try flushFile()
        Checkpoint(
            identity: identity, kind: kind, position: position, line: lines, entries: written, pending: pending,
            rejected: log.recordsRejected, merged: merged
        ).save(partial)
    }

    // MARK: Entries in order

    /// Takes one part's entries, in source order: checks order, merges repeats, writes or collects entries. A part
    /// that ascends past the last entry written is not copied here: the space for it is reserved in the file and
    /// returned, for the caller to fill (in parallel with other parts).
    private mutating func absorb(_ part: ParsedEntries, location: (Int) -> (String?, Int)) throws(CorpusBuildError)
        -> (entries: Range<Int>, offset: Int)?
    {
        let lineBase = lines
        for (line, reason) in part.rejected {
            let (file, number) = location(lineBase + line)
            if let file {
                log.reject(line: number, code: "corpus.malformed", "\(file): \(reason)")
            } else {
                log.reject(line: number, code: "corpus.malformed", reason)
            }
        }
        lines += part.lines
        merged += part.merged
        let count = part.count
        guard count > 0 else { return nil }
        guard sorted, part.ascending, pending.map({ part.key(at: 0) >= $0.key }) ?? true else {
            for index in 0..<count {
                try add(
                    part.key(at: index), part.prevalence(at: index),
                    lines: lineBase + 1...lineBase + max(part.lines, 1),
                    location: location)
            }
            return nil
        }
        var from = 0
        if let current = pending, part.key(at: 0) == current.key {
            pending = (current.key, Self.sum(current.count, part.prevalence(at: 0)))
            merged += 1
            from = 1
        }
        guard from < count else { return nil }
        if let current = pending { try append(current) }
        pending = (part.key(at: count - 1), part.prevalence(at: count - 1))
        let entries = from..<count - 1
        guard !entries.isEmpty else { return nil }
        written += entries.count
        do {
            return (entries, try file.reserve(entries.count * BreachIndexLayout.entrySize))
        } catch {
            throw .output(path: output, reason: error.description)
        }
    }

    /// Adds one entry read from within `lines` (the part it came from: entries do not keep their own line).
    @inline(__always)
    private mutating func add(
        _ key: UInt64, _ count: UInt32, lines: ClosedRange<Int>, location: (Int) -> (String?, Int)
    ) throws(CorpusBuildError) {
        guard sorted else {
            run.append((key, count))
            if run.count >= options.runEntries { try writeRun() }
            return
        }
        if let current = pending {
            if key == current.key {
                pending = (key, Self.sum(current.count, count))
                merged += 1
                return
            }
            if key < current.key {
                sorted = false
                let (file, first) = location(lines.lowerBound)
                let last = location(lines.upperBound).1
                let place =
                    first == last
                    ? "at line \(Wording.number(first))"
                    : "between lines \(Wording.number(first)) and \(Wording.number(last))"
                log.warn(
                    line: first, code: "corpus.unsorted",
                    "\(file.map { "\($0): " } ?? "")the input is not sorted by hash \(place); sorting it (slower, and an interrupted build restarts from the beginning)"
                )
                Checkpoint.remove(partial)
                run.append((key, count))
                return
            }
            try append(current)
        }
        pending = (key, count)
    }

    private mutating func flushPending() throws(CorpusBuildError) {
        guard let current = pending else { return }
        try append(current)
        pending = nil
    }

    private mutating func append(_ entry: (key: UInt64, count: UInt32)) throws(CorpusBuildError) {
        do {
            try file.append(key: entry.key, count: entry.count)
        } catch {
            throw .output(path: output, reason: error.description)
        }
        written += 1
    }

    /// A prefix file's name as the downloader writes it: five upper-case hex digits (`00000`, `0A3F1`).
    static func prefixName(_ prefix: UInt64) -> String {
        let digits = String(prefix, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// Adds two prevalence counts, saturating.
    private static func sum(_ first: UInt32, _ second: UInt32) -> UInt32 {
        let (total, overflow) = first.addingReportingOverflow(second)
        return overflow ? .max : total
    }

    // MARK: Unsorted input

    private mutating func writeRun() throws(CorpusBuildError) {
        run.sort { $0.key < $1.key }
        let path = partial + ".run\(runs.count)"
        do {
            let writer = try BinaryWriter(path: path)
            try writer.truncate(to: 0)
            for entry in run { try writer.append(key: entry.key, count: entry.count) }
            try writer.flush()
        } catch {
            throw .output(path: output, reason: error.description)
        }
        runs.append(path)
        run.removeAll(keepingCapacity: true)
    }

    /// Merges the sorted prefix already written with the sorted runs, adding the counts of equal keys.
    private mutating func mergeRuns() throws(CorpusBuildError) {
        if !run.isEmpty { try writeRun() }
        try flushFile()
        do {
            var sources = [try MergeSource(path: partial, offset: BreachIndexLayout.headerSize)]
            for path in runs { sources.append(try MergeSource(path: path, offset: 0)) }
            let merging = try BinaryWriter(path: partial + ".merged")
            try merging.truncate(to: 0)
            try merging.appendZeros(BreachIndexLayout.headerSize)
            written = 0
            var heap = sources.indices.filter { sources[$0].current != nil }
            var last: (key: UInt64, count: UInt32)?
            while !heap.isEmpty {
                let best = heap.min { sources[$0].current!.key < sources[$1].current!.key }!
                let entry = sources[best].current!
                sources[best].advance()
                if sources[best].current == nil { heap.removeAll { $0 == best } }
                if let previous = last, previous.key == entry.key {
                    last = (entry.key, Self.sum(previous.count, entry.count))
                    merged += 1
                    continue
                }
                if let previous = last {
                    try merging.append(key: previous.key, count: previous.count)
                    written += 1
                }
                last = entry
            }
            if let previous = last {
                try merging.append(key: previous.key, count: previous.count)
                written += 1
            }
            try merging.flush()
            for path in runs { FileSystem.removeIfPresent(path) }
            try FileSystem.rename(partial + ".merged", to: partial)
            file = try BinaryWriter(path: partial)
        } catch {
            throw .output(path: output, reason: error.description)
        }
    }

    // MARK: Files

    private mutating func resume(from checkpoint: Checkpoint) throws(CorpusBuildError) {
        do {
            try file.truncate(to: BreachIndexLayout.tableOffset(entries: checkpoint.entries))
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

    private mutating func restartFile() throws(CorpusBuildError) {
        do {
            try file.truncate(to: 0)
            try file.appendZeros(BreachIndexLayout.headerSize)
        } catch {
            throw .output(path: output, reason: error.description)
        }
    }

    private mutating func flushFile() throws(CorpusBuildError) {
        do {
            try file.flush()
        } catch {
            throw .output(path: output, reason: error.description)
        }
    }

    private func cleanUp() {
        FileSystem.removeIfPresent(partial)
        FileSystem.removeIfPresent(partial + ".merged")
        for path in runs { FileSystem.removeIfPresent(path) }
        Checkpoint.remove(partial)
    }
}

/// Where a part's entries go in the index file.
private struct Placement: Sendable {
    var part: Int
    var entries: Range<Int>
    var offset: Int
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
        FileSystem.removeIfPresent(partial + ".checkpoint")
    }
}

/// One sorted input of the run merge: index entries from `offset` to the end of a file.
private struct MergeSource {
    private let file: MappedFile
    private let offset: Int
    private let entries: Int
    private var position = 0
    private(set) var current: (key: UInt64, count: UInt32)?

    init(path: String, offset: Int) throws(FileError) {
        file = try MappedFile(path: path)
        self.offset = offset
        entries = max(0, file.bytes.count - offset) / BreachIndexLayout.entrySize
        current = entries > 0 ? read(0) : nil
    }

    private func read(_ index: Int) -> (key: UInt64, count: UInt32) {
        let at = offset + index * BreachIndexLayout.entrySize
        return (
            UInt64(littleEndian: file.bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)),
            UInt32(littleEndian: file.bytes.loadUnaligned(fromByteOffset: at + 8, as: UInt32.self))
        )
    }

    mutating func advance() {
        position += 1
        current = position < entries ? read(position) : nil
    }
}
