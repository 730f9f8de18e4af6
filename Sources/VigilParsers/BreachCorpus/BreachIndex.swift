import Foundation
public import VigilCore
import VigilIO

/// A breach index opened read-only and memory-mapped: look-ups touch a table slot and a few keys, never the corpus.
///
/// Opening verifies the header (magic, version, checksum), that the file is exactly as long as the header says, and
/// that the prefix table is consistent with the entry count; ``verifyData()`` also checks every key and count against
/// the checksum written when the index was built. An index that fails is refused with ``BreachIndexError``, never used
/// in part.
public final class BreachIndex: BreachCorpus, @unchecked Sendable {
    // @unchecked: the mapping is read-only and immutable after `init`; nothing mutates it until `deinit`.

    public let hashKind: BreachHashKind
    public let entryCount: Int
    /// What the index was built from (file name and hash count), for reports.
    public let sourceDescription: String
    /// The index file's path.
    public let path: String

    /// The mapped file; `base` and `size` describe its bytes.
    private let mapping: MappedFile
    private let base: UnsafeRawPointer
    private let size: Int
    private let prefixBits: Int
    private let table: UnsafePointer<UInt32>
    private let entries: UnsafeRawPointer
    private let dataChecksum: UInt64

    /// Opens and verifies the index at `path`.
    public init(path: String) throws(BreachIndexError) {
        self.path = path
        do {
            // Read ahead while the header and table are checked (in order); random after that.
            mapping = try MappedFile(path: path, access: .sequential)
        } catch {
            throw .unreadable(path: path, reason: error.message)
        }
        size = mapping.bytes.count
        guard size >= BreachIndexLayout.headerSize, let start = mapping.bytes.baseAddress else {
            throw .invalid(path: path, reason: "the file is shorter than an index header (truncated, or not an index)")
        }
        base = start
        let header = try BreachIndex.readHeader(base, size: size, path: path)
        hashKind = header.kind
        entryCount = header.count
        prefixBits = header.bits
        sourceDescription = header.description
        dataChecksum = header.checksum
        table = (base + header.tableOffset).assumingMemoryBound(to: UInt32.self)
        entries = base + BreachIndexLayout.headerSize
        try verifyTable()
        // Look-ups touch a table slot and a few keys: reading ahead would only evict pages.
        mapping.advise(.random)
    }

    public func prevalence(ofKey key: UInt64) -> Int? {
        let bucket = Int(key >> UInt64(64 - prefixBits))
        var low = Int(UInt32(littleEndian: table[bucket]))
        var high = Int(UInt32(littleEndian: table[bucket + 1]))
        while low < high {
            let middle = (low + high) / 2
            let candidate = self.key(at: middle)
            if candidate == key {
                return Int(
                    UInt32(
                        littleEndian: entries.loadUnaligned(
                            fromByteOffset: middle * BreachIndexLayout.entrySize + 8, as: UInt32.self)))
            }
            if candidate < key { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    @inline(__always)
    private func key(at index: Int) -> UInt64 {
        UInt64(
            littleEndian: entries.loadUnaligned(fromByteOffset: index * BreachIndexLayout.entrySize, as: UInt64.self))
    }

    /// How many times a password with this SHA-1 digest was seen, for a SHA-1 index.
    public func prevalence(ofSHA1 digest: some Collection<UInt8>) -> Int? {
        guard hashKind == .sha1, digest.count >= 8 else { return nil }
        return prevalence(ofKey: digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// Checks every entry and the prefix table against the checksum recorded at build time, and that keys ascend.
    /// Reads the whole index, on every core (under a second per gigabyte).
    public func verifyData() throws(BreachIndexError) {
        let data = UnsafeRawBufferPointer(start: entries, count: entryCount * BreachIndexLayout.entrySize)
        var checksum = SectionChecksum()
        checksum.add(SectionChecksum.of(data))
        checksum.add(
            SectionChecksum.of(
                UnsafeRawBufferPointer(start: table, count: BreachIndexLayout.tableBytes(bits: prefixBits))))
        guard checksum.value == dataChecksum else {
            throw .invalid(
                path: path,
                reason: "the data does not match its checksum (the file is corrupt); rebuild it with vigil corpus build"
            )
        }
        if let unordered = firstUnorderedEntry() {
            throw .invalid(path: path, reason: "keys are not in ascending order at entry \(unordered)")
        }
    }

    /// The first entry whose key is not greater than the one before, checked on every core.
    private func firstUnorderedEntry() -> Int? {
        let count = entryCount
        let workers = count < 1 << 16 ? 1 : ProcessInfo.processInfo.activeProcessorCount * 2
        let shared = SharedBuffer(
            bytes: UnsafeBufferPointer(
                start: entries.assumingMemoryBound(to: UInt8.self), count: count * BreachIndexLayout.entrySize))
        return parallelMap(workers) { (worker: Int) -> Int? in
            let bounds = max(1, count * worker / workers)..<(count * (worker + 1) / workers)
            let base = UnsafeRawPointer(shared.bytes.baseAddress)
            var previous = bounds.isEmpty ? 0 : Self.key(base, bounds.lowerBound - 1)
            for index in bounds {
                let key = Self.key(base, index)
                if key <= previous { return index }
                previous = key
            }
            return nil
        }.lazy.compactMap { $0 }.first
    }

    @inline(__always)
    private static func key(_ base: UnsafeRawPointer?, _ index: Int) -> UInt64 {
        UInt64(
            littleEndian: base!.loadUnaligned(fromByteOffset: index * BreachIndexLayout.entrySize, as: UInt64.self))
    }

    // MARK: Opening

    private struct Header {
        var kind: BreachHashKind
        var count: Int
        var bits: Int
        var tableOffset: Int
        var checksum: UInt64
        var description: String
    }

    private static func readHeader(_ base: UnsafeRawPointer, size: Int, path: String) throws(BreachIndexError) -> Header
    {
        typealias O = BreachIndexLayout.Offset
        func u32(_ offset: Int) -> UInt32 {
            UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        }
        func u64(_ offset: Int) -> UInt64 {
            UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        guard UnsafeRawBufferPointer(start: base, count: 8).elementsEqual(BreachIndexLayout.magic) else {
            throw .invalid(path: path, reason: "not a Vigil breach index (build one with vigil corpus build)")
        }
        guard u32(O.version) == BreachIndexLayout.version else {
            throw .invalid(
                path: path,
                reason:
                    "index format version \(u32(O.version)) is not supported (expected \(BreachIndexLayout.version)); rebuild it"
            )
        }
        var headerChecksum = SectionChecksum()
        headerChecksum.add(bytes: UnsafeRawBufferPointer(start: base, count: O.headerChecksum))
        guard headerChecksum.value == u64(O.headerChecksum) else {
            throw .invalid(path: path, reason: "the header is corrupt (checksum mismatch)")
        }
        guard let kind = BreachIndexLayout.hashKind(code: u32(O.hashKind)) else {
            throw .invalid(path: path, reason: "unknown hash kind")
        }
        // Every number is converted and combined with checks: the header checksum is no protection against a file
        // made to look valid, and a count near 2^64 must be refused, not trap.
        guard let count = Int(exactly: u64(O.entryCount)), let tableOffset = Int(exactly: u64(O.tableOffset)),
            let entriesOffset = Int(exactly: u64(O.entriesOffset)), let fileSize = Int(exactly: u64(O.fileSize))
        else { throw .invalid(path: path, reason: "section offsets are inconsistent") }
        let bits = Int(u32(O.prefixBits))
        guard (8...24).contains(bits) else { throw .invalid(path: path, reason: "prefix bits out of range") }
        let (entryBytes, overflow) = count.multipliedReportingOverflow(by: BreachIndexLayout.entrySize)
        let (dataEnd, dataOverflow) = BreachIndexLayout.headerSize.addingReportingOverflow(entryBytes)
        let (end, endOverflow) = tableOffset.addingReportingOverflow(BreachIndexLayout.tableBytes(bits: bits))
        guard !overflow, !dataOverflow, !endOverflow, entriesOffset == BreachIndexLayout.headerSize,
            tableOffset == dataEnd, fileSize == end
        else { throw .invalid(path: path, reason: "section offsets are inconsistent") }
        guard size == fileSize else {
            throw .invalid(
                path: path,
                reason:
                    "the file is \(size) bytes but its header says \(u64(O.fileSize)) (truncated or padded); rebuild it"
            )
        }
        let length = min(Int(u32(O.descriptionLength)), BreachIndexLayout.descriptionCapacity)
        let description = String(
            decoding: UnsafeRawBufferPointer(start: base + O.description, count: length), as: UTF8.self)
        return Header(
            kind: kind, count: count, bits: bits, tableOffset: tableOffset, checksum: u64(O.dataChecksum),
            description: description)
    }

    /// The prefix table must rise from 0 to `entryCount`; a sample of buckets must hold keys with their prefix.
    private func verifyTable() throws(BreachIndexError) {
        let slots = (1 << prefixBits) + 1
        guard table[0] == 0, Int(table[slots - 1]) == entryCount else {
            throw .invalid(path: path, reason: "the prefix table does not cover the entries")
        }
        var previous: UInt32 = 0
        for slot in 0..<slots {
            let value = UInt32(littleEndian: table[slot])
            guard value >= previous else {
                throw .invalid(path: path, reason: "the prefix table is not ordered at bucket \(slot)")
            }
            previous = value
        }
        var random = UInt64(truncatingIfNeeded: entryCount) &* 0x9E37_79B9_7F4A_7C15 | 1
        for _ in 0..<min(256, slots - 1) {
            random ^= random << 13
            random ^= random >> 7
            random ^= random << 17
            let bucket = Int(random % UInt64(slots - 1))
            for entry in Int(table[bucket])..<Int(table[bucket + 1]) {
                let key = key(at: entry)
                guard Int(key >> UInt64(64 - prefixBits)) == bucket else {
                    throw .invalid(path: path, reason: "a key is in the wrong bucket (corrupt index); rebuild it")
                }
            }
        }
    }
}

/// Why a breach index was refused.
public enum BreachIndexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or mapped.
    case unreadable(path: String, reason: String)
    /// The file is not a valid index.
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "\(path): error: cannot open the breach index: \(reason) [corpus.unreadable]"
        case .invalid(let path, let reason): "\(path): error: the breach index is refused: \(reason) [corpus.invalid]"
        }
    }
}
