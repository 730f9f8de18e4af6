public import Foundation

/// Limits on what a zip (an Office Open XML file, a definitions archive) may make Vigil inflate: defences against zip
/// bombs and oversized parts. A file over a limit is reported as failed and the work goes on.
public struct ArchiveLimits: Sendable, Hashable {
    /// Most entries the archive may list.
    public var maxEntries: Int
    /// Most bytes any one part may inflate to.
    public var maxPartBytes: Int
    /// Most bytes all parts read may inflate to together.
    public var maxTotalBytes: Int
    /// Most bytes a part may inflate to per compressed byte (real spreadsheets compress 5–20 times; bombs 1,000+).
    public var maxRatio: Int

    public init(
        maxEntries: Int = 10_000, maxPartBytes: Int = 512 << 20, maxTotalBytes: Int = 2 << 30, maxRatio: Int = 250
    ) {
        self.maxEntries = maxEntries
        self.maxPartBytes = maxPartBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxRatio = maxRatio
    }

    /// The most bytes a whole archive of `fileSize` bytes may inflate to: ``maxTotalBytes``, and no more than the ratio
    /// limit allows for the archive's size (at least 64 MiB), so that a small file cannot inflate to gigabytes by
    /// listing many parts.
    public func totalAllowed(fileSize: Int?) -> Int {
        guard let fileSize else { return maxTotalBytes }
        let byRatio = fileSize.multipliedReportingOverflow(by: maxRatio)
        return min(maxTotalBytes, max(64 << 20, byRatio.overflow ? .max : byRatio.partialValue))
    }
}

/// Why an archive could not be read: a typed code, and a message that names no content.
public struct ArchiveFailure: Error, Sendable, CustomStringConvertible {
    /// What kind of failure: a struct over a private enum, so codes can be added without breaking clients. The codes'
    /// strings are what scan reports record for a file that failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case limit = "scan.archive-limit"
            case broken = "scan.broken-archive"
            case output = "archive.output"
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        public var description: String { value.rawValue }

        /// The archive exceeds a safety limit (entries, part size, total, ratio, shared data).
        public static let limit = Code(.limit)
        /// Not a readable zip, a part that does not inflate, or a required part missing.
        public static let broken = Code(.broken)
        /// An extracted member could not be written.
        public static let output = Code(.output)
    }

    /// What kind of failure.
    public var code: Code
    /// What went wrong.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// An archive over a limit, `what` saying which.
    public static func limit(_ what: String) -> ArchiveFailure {
        ArchiveFailure(code: .limit, message: "archive exceeds a safety limit (\(what)); not read further")
    }

    /// A broken archive, `what` saying how.
    public static func broken(_ what: String) -> ArchiveFailure {
        ArchiveFailure(code: .broken, message: what)
    }

    /// An Office package with two parts whose names differ only in case
    /// (``BoundedZipArchive/hasPartNamesDifferingOnlyInCase``): refused whole, as Office refuses it, rather than read
    /// by one name while the other part goes unread.
    public static let partNamesDifferingOnlyInCase = broken(
        "two parts whose names differ only in case, which Office refuses to open")
}

/// A zip opened for reading within ``ArchiveLimits``: its file entries listed (no more than the limit), and each entry
/// asked for inflated as a stream of chunks. Entries not asked for are never inflated. The parts of an Office Open XML
/// file that hold text (a workbook's shared strings and worksheets, a document's body) and the files of an advisory
/// archive are read through it. The central directory is Vigil's own reading (``ZipDirectory``), every number checked,
/// and parts are inflated with the system's zlib (``RawInflater``): no zip library sees the file.
public struct BoundedZipArchive {
    /// The limits applied.
    public let limits: ArchiveLimits
    /// The paths of the archive's file entries, sorted.
    public var paths: [String] { entries.keys.sorted() }
    private let file: RawFile
    private let owner: FileOwner
    private let entries: [String: ZipEntry]
    /// Each file entry's path in ASCII lower case, to the path the archive holds: Office Open XML part names are
    /// case-insensitive (ECMA-376 Part 2, 9.1.1.1), and real generators write `xl/sharedstrings.xml` for the
    /// `/xl/sharedStrings.xml` their relationships name.
    private let folded: [String: String]
    /// Whether two file entries have paths that differ only in ASCII case: an Office package the standard forbids
    /// and Office refuses to open, in which one of the two parts could hide from a reader asking for the other.
    public let hasPartNamesDifferingOnlyInCase: Bool
    private var inflated = 0
    /// Compressed bytes of the entries read so far, by their own account.
    private var compressedRead = 0
    /// The archive's size in bytes.
    private let fileSize: Int

    /// Opens the zip at `url` and lists its file entries (of two with one path, the later).
    public init(url: URL, limits: ArchiveLimits) throws(ArchiveFailure) {
        self.limits = limits
        let unreadable = ArchiveFailure.broken("not a readable zip archive (broken or truncated)")
        do {
            file = try RawFile(path: url.path)
        } catch {
            throw unreadable
        }
        // Owned before anything else can fail, so that a failure closes the descriptor.
        owner = FileOwner(file)
        do {
            fileSize = try file.status().size
        } catch {
            throw unreadable
        }
        var entries: [String: ZipEntry] = [:]
        var folded: [String: String] = [:]
        var collision = false
        for entry in try ZipDirectory.entries(of: file, size: fileSize, maxEntries: limits.maxEntries) {
            entries[entry.path] = entry
            let key = Self.fold(entry.path)
            if let earlier = folded[key], earlier != entry.path { collision = true }
            folded[key] = entry.path
        }
        self.entries = entries
        self.folded = folded
        hasPartNamesDifferingOnlyInCase = collision
    }

    /// Whether the archive has a file entry at `path`, compared as Office part names are: exactly, else ignoring ASCII
    /// case.
    public func contains(_ path: String) -> Bool { entry(at: path) != nil }

    /// The path the archive holds for `path` (which may differ from it in ASCII case), if it holds one.
    private func storedPath(_ path: String) -> String? {
        entries[path] != nil ? path : folded[Self.fold(path)]
    }

    /// The entry at `path`: the one of that exact path, else the one equal to it ignoring ASCII case.
    private func entry(at path: String) -> ZipEntry? {
        storedPath(path).flatMap { entries[$0] }
    }

    /// `path` with ASCII letters in lower case (part names compare without regard to ASCII case only).
    private static func fold(_ path: String) -> String {
        String(decoding: path.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Inflates the entry at `path` (one of ``paths``, or equal to one ignoring ASCII case), giving its bytes to
    /// `consumer` in chunks, within the limits.
    public mutating func read(_ path: String, consumer: (UnsafeRawBufferPointer) -> Void) throws(ArchiveFailure) {
        guard let entry = entry(at: path) else { throw .broken("a part the archive does not list") }
        if let problem = entry.problem { throw .broken(problem) }
        let compressed = max(entry.compressedSize, 1)
        // Entries whose compressed data together exceed the file must share data: an overlapping-entries zip bomb
        // (hundreds of entries pointing at one deflate stream). Refused at the first repeat, before inflating it.
        let (sum, overflow) = compressedRead.addingReportingOverflow(compressed)
        if overflow || sum > fileSize {
            throw .limit("entries share compressed data (overlapping entries)")
        }
        compressedRead = sum
        let start = try dataStart(of: entry)
        var output = PartOutput(
            allowed: min(
                limits.maxPartBytes,
                max(1 << 20, Self.product(compressed, limits.maxRatio))),
            maxPartBytes: limits.maxPartBytes, maxRatio: limits.maxRatio,
            total: limits.totalAllowed(fileSize: fileSize), already: inflated)
        switch entry.method {
        case 0: try copyStored(entry, from: start, to: &output, consumer: consumer)
        case 8: try inflateDeflated(entry, from: start, to: &output, consumer: consumer)
        default: throw .broken("a part compressed with method \(entry.method), which Vigil does not read")
        }
        inflated += output.produced
    }

    /// `first` times `second`, or `Int.max` if that overflows.
    private static func product(_ first: Int, _ second: Int) -> Int {
        let (value, overflow) = first.multipliedReportingOverflow(by: second)
        return overflow ? .max : value
    }

    /// Where `entry`'s data starts: after its local header, whose name and extra field may differ in length from the
    /// central directory's; the data must end within the file.
    private func dataStart(of entry: ZipEntry) throws(ArchiveFailure) -> Int {
        guard entry.flags & 1 == 0 else { throw .broken("an encrypted part, which Vigil does not read") }
        guard entry.localHeaderOffset <= fileSize - 30 else {
            throw .broken("a part's header lies outside the archive")
        }
        let header = try ZipDirectory.bytes(of: file, at: entry.localHeaderOffset, count: 30)
        guard header.uint32(at: 0) == 0x0403_4B50, let name = header.uint16(at: 26), let extra = header.uint16(at: 28)
        else { throw .broken("a part's header is damaged") }
        let start = entry.localHeaderOffset + 30 + Int(name) + Int(extra)
        guard start <= fileSize, entry.compressedSize <= fileSize - start else {
            throw .broken("a part's data runs past the end of the archive")
        }
        return start
    }

    /// The chunk a part is read and inflated in: its declared size, from 4 KiB to 64 KiB (a part of a few kilobytes,
    /// as most of an Office file's are, then costs no larger buffers; a size that lies costs only more chunks, as the
    /// limits count what is produced).
    private static func chunk(declared: Int) -> Int { min(max(declared, 4 << 10), 64 << 10) }

    /// A stored (uncompressed) part's bytes, a chunk at a time.
    private func copyStored(
        _ entry: ZipEntry, from start: Int, to output: inout PartOutput,
        consumer: (UnsafeRawBufferPointer) -> Void
    ) throws(ArchiveFailure) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: Self.chunk(declared: entry.compressedSize), alignment: 8)
        defer { buffer.deallocate() }
        var position = start
        let end = start + entry.compressedSize
        while position < end {
            let part = UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, end - position)])
            try read(into: part, at: position)
            try output.count(UnsafeRawBufferPointer(part))
            consumer(UnsafeRawBufferPointer(part))
            position += part.count
        }
    }

    /// Fills `buffer` from `offset`, all of it or the archive is broken.
    private func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(ArchiveFailure) {
        let read: Int
        do {
            read = try file.read(into: buffer, at: offset)
        } catch {
            throw .broken("the archive could not be read")
        }
        guard read == buffer.count else { throw .broken("a part's data runs past the end of the archive") }
    }

    /// A deflated part inflated, its compressed bytes read a chunk at a time; the stream must end within them.
    private func inflateDeflated(
        _ entry: ZipEntry, from start: Int, to output: inout PartOutput,
        consumer: (UnsafeRawBufferPointer) -> Void
    ) throws(ArchiveFailure) {
        let inflater = try RawInflater(
            inputCapacity: Self.chunk(declared: entry.compressedSize),
            outputCapacity: Self.chunk(declared: entry.uncompressedSize))
        defer { withExtendedLifetime(inflater) {} }  // the bytes handed on are its buffer's
        var position = start
        let end = start + entry.compressedSize
        while true {
            if inflater.needsInput && position < end {
                let count = min(inflater.input.count, end - position)
                try read(into: UnsafeMutableRawBufferPointer(rebasing: inflater.input[..<count]), at: position)
                inflater.supply(count)
                position += count
            }
            let pending = inflater.pendingInput
            let (bytes, ended) = try inflater.inflate()
            if !bytes.isEmpty {
                try output.count(bytes)
                consumer(bytes)
            }
            if ended { return }
            // zlib may take the last compressed byte while filling the output and end the stream only on a later call
            // with no input left: only a call that neither takes input nor gives output means it cannot go on.
            if bytes.isEmpty && inflater.pendingInput == pending {
                throw position < end || !inflater.needsInput
                    ? .broken("a part could not be inflated (corrupt data)")
                    : .broken("a part could not be inflated (its compressed data ends before its stream)")
            }
        }
    }
}

/// What one part has inflated to so far, checked against its limits before each chunk reaches the consumer.
private struct PartOutput {
    /// The most this part may produce (the part limit, or its ratio limit if lower).
    let allowed: Int
    let maxPartBytes: Int
    let maxRatio: Int
    /// The most the archive's parts may produce together, and what those read before produced.
    let total: Int
    let already: Int
    private(set) var produced = 0

    /// Counts `bytes`, or throws the limit they would pass.
    mutating func count(_ bytes: UnsafeRawBufferPointer) throws(ArchiveFailure) {
        produced += bytes.count
        if produced > allowed {
            throw produced > maxPartBytes
                ? .limit("a part inflates past \(maxPartBytes >> 20) MiB")
                : .limit("compression ratio over \(maxRatio):1")
        }
        if already + produced > total { throw .limit("parts inflate past \(total >> 20) MiB in all") }
    }
}

/// Closes the archive's descriptor when the last copy of the archive goes.
private final class FileOwner {
    let file: RawFile
    init(_ file: RawFile) { self.file = file }
    deinit { file.close() }
}
