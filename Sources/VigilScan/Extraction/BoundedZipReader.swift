public import Foundation
import Glibc
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
}

/// Why an archive could not be read.
public struct ArchiveFailure: Error, Sendable, CustomStringConvertible {
    /// A stable code (`scan.archive-limit`, `scan.broken-archive`).
    public var code: String
    /// What went wrong.
    public var message: String

    public var description: String { message }

    static func limit(_ what: String) -> ArchiveFailure {
        ArchiveFailure(
            code: "scan.archive-limit", message: "archive exceeds a safety limit (\(what)); not read further")
    }
}

/// Inflates the entries of a zip within ``ArchiveLimits``, streaming: the parts of an Office Open XML file that hold
/// text (a workbook's shared strings and worksheets, a document's body), or the files of an advisory archive. Entries
/// not asked for are never inflated.
struct BoundedZipReader {
    let url: URL
    let limits: ArchiveLimits
    private var inflated = 0
    /// Compressed bytes of the entries read so far, by their own account.
    private var compressedRead = 0
    /// The archive's size in bytes (`nil` when it cannot be known).
    private let fileSize: Int?

    init(url: URL, limits: ArchiveLimits) {
        self.url = url
        self.limits = limits
        var status = stat()
        fileSize = stat(url.path, &status) == 0 ? Int(status.st_size) : nil
    }

    /// The most bytes the whole archive may inflate to: ``ArchiveLimits/maxTotalBytes``, and no more than the ratio
    /// limit allows for the archive's size (at least 64 MiB), so that a small file cannot inflate to gigabytes by
    /// listing many parts.
    var totalAllowed: Int {
        guard let fileSize else { return limits.maxTotalBytes }
        let byRatio = fileSize.multipliedReportingOverflow(by: limits.maxRatio)
        return min(limits.maxTotalBytes, max(64 << 20, byRatio.overflow ? .max : byRatio.partialValue))
    }

    /// The entries of the archive, or a failure when it is not a readable zip or lists too many.
    func entries(_ archive: Archive) throws(ArchiveFailure) -> [String: Entry] {
        var entries: [String: Entry] = [:]
        for entry in archive {
            guard entries.count < limits.maxEntries else { throw .limit("more than \(limits.maxEntries) entries") }
            if entry.type == .file { entries[entry.path] = entry }
        }
        return entries
    }

    func open() throws(ArchiveFailure) -> Archive {
        do {
            return try Archive(url: url, accessMode: .read)
        } catch {
            throw ArchiveFailure(
                code: "scan.broken-archive", message: "not a readable zip archive (broken or truncated)")
        }
    }

    /// Inflates `entry`, giving its bytes to `consumer` in chunks, within the limits.
    mutating func read(
        _ entry: Entry, from archive: Archive, consumer: (UnsafeRawBufferPointer) -> Void
    ) throws(ArchiveFailure) {
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
        let total = totalAllowed
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
            throw ArchiveFailure(
                code: "scan.broken-archive", message: "a part could not be inflated (corrupt data or checksum mismatch)"
            )
        }
        inflated += produced
    }
}

/// Extracting chosen files of a zip into a folder, within limits (for archives of reference data such as the WES-NG
/// definitions `definitions.zip`).
public enum ZipExtraction {
    /// Extracts the file entries of the zip at `url` whose paths `accept` approves into `folder` (flattened to their
    /// last path component, numbered where two share one), returning the files written in path order.
    public static func extract(
        _ url: URL, into folder: URL, limits: ArchiveLimits = ArchiveLimits(), accept: (String) -> Bool
    ) throws(ArchiveFailure) -> [URL] {
        var reader = BoundedZipReader(url: url, limits: limits)
        let archive = try reader.open()
        let entries = try reader.entries(archive)
        var written: [URL] = []
        var used: Set<String> = []
        let members = Set(entries.keys.map { ($0 as NSString).lastPathComponent })
        for path in entries.keys.sorted() where accept(path) {
            var name = (path as NSString).lastPathComponent
            guard !name.isEmpty, !name.hasPrefix(".") else { continue }
            // Members of different folders may share a name; flattened, each keeps its own file. A renamed member
            // may not take a name another member has or will have (`2-a.csv` beside `a/a.csv` and `b/a.csv`), and the
            // file is created exclusively, so no member ever overwrites another.
            if !used.insert(name).inserted {
                let original = name
                var number = written.count + 1
                repeat {
                    name = "\(number)-\(original)"
                    number += 1
                } while members.contains(name) || !used.insert(name).inserted
            }
            let target = folder.appendingPathComponent(name)
            let descriptor = Glibc.open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard descriptor >= 0 else {
                throw ArchiveFailure(code: "archive.output", message: "cannot write \(target.path)")
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            defer { try? handle.close() }
            try reader.read(entries[path]!, from: archive) { bytes in handle.write(Data(bytes)) }
            written.append(target)
        }
        return written
    }
}
