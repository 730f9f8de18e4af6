public import Foundation
import ZIPFoundation

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
}

/// A zip opened for reading within ``ArchiveLimits``: its file entries listed (no more than the limit), and each entry
/// asked for inflated as a stream of chunks. Entries not asked for are never inflated. The parts of an Office Open XML
/// file that hold text (a workbook's shared strings and worksheets, a document's body) and the files of an advisory
/// archive are read through it; it is the only code that touches the zip library.
public struct BoundedZipArchive {
    /// The limits applied.
    public let limits: ArchiveLimits
    /// The paths of the archive's file entries, sorted.
    public var paths: [String] { entries.keys.sorted() }
    private let archive: Archive
    private let entries: [String: Entry]
    private var inflated = 0
    /// Compressed bytes of the entries read so far, by their own account.
    private var compressedRead = 0
    /// The archive's size in bytes (`nil` when it cannot be known).
    private let fileSize: Int?

    /// Opens the zip at `url` and lists its file entries.
    public init(url: URL, limits: ArchiveLimits) throws(ArchiveFailure) {
        self.limits = limits
        fileSize = try? RawFile.size(of: url.path)
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw .broken("not a readable zip archive (broken or truncated)")
        }
        var entries: [String: Entry] = [:]
        for entry in archive {
            guard entries.count < limits.maxEntries else { throw .limit("more than \(limits.maxEntries) entries") }
            if entry.type == .file { entries[entry.path] = entry }
        }
        self.entries = entries
    }

    /// Whether the archive has a file entry at `path`.
    public func contains(_ path: String) -> Bool { entries[path] != nil }

    /// Inflates the entry at `path` (which must be one of ``paths``), giving its bytes to `consumer` in chunks, within
    /// the limits.
    public mutating func read(_ path: String, consumer: (UnsafeRawBufferPointer) -> Void) throws(ArchiveFailure) {
        guard let entry = entries[path] else { throw .broken("a part the archive does not list") }
        let compressed = max(Int(entry.compressedSize), 1)
        // Entries whose compressed data together exceed the file must share data: an overlapping-entries zip bomb
        // (hundreds of entries pointing at one deflate stream). Refused at the first repeat, before inflating it.
        let (sum, overflow) = compressedRead.addingReportingOverflow(compressed)
        if let fileSize, overflow || sum > fileSize {
            throw .limit("entries share compressed data (overlapping entries)")
        }
        compressedRead = sum
        let allowed = min(
            limits.maxPartBytes, max(1 << 20, compressed.multipliedReportingOverflow(by: limits.maxRatio).partialValue))
        var produced = 0
        var failure: ArchiveFailure?
        let already = inflated
        let total = limits.totalAllowed(fileSize: fileSize)
        do {
            _ = try archive.extract(entry, bufferSize: 256 << 10, skipCRC32: true) { data in
                produced += data.count
                if produced > allowed {
                    failure =
                        produced > limits.maxPartBytes
                        ? .limit("a part inflates past \(limits.maxPartBytes >> 20) MiB")
                        : .limit("compression ratio over \(limits.maxRatio):1")
                    throw CancellationError()
                }
                if already + produced > total {
                    failure = .limit("parts inflate past \(total >> 20) MiB in all")
                    throw CancellationError()
                }
                data.withUnsafeBytes { consumer($0) }
            }
        } catch {
            if let failure { throw failure }
            throw .broken("a part could not be inflated (corrupt data or checksum mismatch)")
        }
        inflated += produced
    }
}
