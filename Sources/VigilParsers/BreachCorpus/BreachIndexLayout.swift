import Foundation
import VigilCore

/// The on-disk layout of a breach index (`vigil corpus build`), version 2. All integers little-endian.
///
/// ```
/// 0      header (4096 bytes): magic "VIGILBIX", version, hash kind, entry count, prefix bits, section offsets,
///        file size, data checksum, source description, header checksum
/// 4096   entries: entryCount × 12 bytes — UInt64 key (the first eight bytes of the hash, big-endian as a number),
///        ascending, then UInt32 prevalence (saturated at UInt32.max)
///        prefix table: (2^bits + 1) × UInt32 — entries whose key's top `bits` bits equal i are [table[i], table[i+1])
/// ```
///
/// Entries come first so that a build streams them straight into the file as it parses, never copying them again;
/// the table, which depends on the final count, follows. A look-up reads one table slot and searches a bucket of a
/// few entries, usually within one cache line: its cost does not grow with the corpus. Keys are the first 64 bits of
/// each hash: with 10⁹ entries the chance that a look-up matches a different hash is about 5 × 10⁻¹¹.
enum BreachIndexLayout {
    static let magic = Array("VIGILBIX".utf8)
    static let version: UInt32 = 2
    static let headerSize = 4096
    static let entrySize = 12
    static let descriptionCapacity = 512

    /// Header field offsets.
    enum Offset {
        static let magic = 0
        static let version = 8
        static let hashKind = 12
        static let entryCount = 16
        static let prefixBits = 24
        static let entriesOffset = 32
        static let tableOffset = 40
        static let fileSize = 48
        static let dataChecksum = 56
        static let descriptionLength = 64
        static let description = 72
        static let headerChecksum = 72 + descriptionCapacity
    }

    /// Prefix bits for `count` entries: about four entries per bucket, between 8 and 24 bits.
    static func prefixBits(for count: Int) -> Int {
        var bits = 8
        while bits < 24, (1 << bits) * 4 < count { bits += 1 }
        return bits
    }

    /// Bytes of the prefix table for `bits`.
    static func tableBytes(bits: Int) -> Int {
        ((1 << bits) + 1) * 4
    }

    /// Where the prefix table starts for `entries`.
    static func tableOffset(entries: Int) -> Int {
        headerSize + entries * entrySize
    }

    static func hashKindCode(_ kind: BreachHashKind) -> UInt32 { kind == .ntlm ? 1 : 2 }

    static func hashKind(code: UInt32) -> BreachHashKind? {
        switch code {
        case 1: .ntlm
        case 2: .sha1
        default: nil
        }
    }
}

/// A fast 64-bit checksum for detecting corruption of index sections (not a defence against tampering: an index is
/// the user's own reference data).
///
/// Data is summed in independent 1 MiB chunks, four words at a time, and the chunk sums are chained, so that a
/// gigabyte is checked in well under a second on every core.
struct SectionChecksum {
    private(set) var value: UInt64 = 0x9E37_79B9_7F4A_7C15

    static let chunkSize = 1 << 20

    /// The checksum of `bytes`, computed in parallel.
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let chunks = (bytes.count + chunkSize - 1) / chunkSize
        let shared = SharedBuffer(
            bytes: UnsafeBufferPointer(
                start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count))
        let workers = min(chunks, ProcessInfo.processInfo.activeProcessorCount * 4)
        let sums = parallelMap(max(workers, 1)) { (worker: Int) -> [UInt64] in
            let range = (chunks * worker / max(workers, 1))..<(chunks * (worker + 1) / max(workers, 1))
            return range.map { chunk in
                let start = chunk * chunkSize
                let end = min(start + chunkSize, shared.bytes.count)
                return Self.chunkSum(
                    UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(shared.bytes)[start..<end]))
            }
        }
        return combine(Array(sums.joined()), length: bytes.count)
    }

    /// The checksum of `length` bytes from the sums of their chunks, in order.
    static func combine(_ chunkSums: [UInt64], length: Int) -> UInt64 {
        var total = SectionChecksum()
        for sum in chunkSums { total.add(sum) }
        total.add(UInt64(length))
        return total.value
    }

    /// One chunk's sum: four interleaved chains, so that the multiplications overlap.
    static func chunkSum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var lanes = (SectionChecksum(), SectionChecksum(), SectionChecksum(), SectionChecksum())
        var offset = 0
        while offset + 32 <= bytes.count {
            lanes.0.add(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            lanes.1.add(bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            lanes.2.add(bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
            lanes.3.add(bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
            offset += 32
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << (shift & 63)
            shift += 8
            if shift == 64 {
                lanes.0.add(tail)
                tail = 0
                shift = 0
            }
            offset += 1
        }
        if shift > 0 { lanes.0.add(tail ^ 0xFF) }
        var sum = lanes.0
        sum.add(lanes.1.value)
        sum.add(lanes.2.value)
        sum.add(lanes.3.value)
        return sum.value
    }

    mutating func add(_ word: UInt64) {
        value = (value ^ word) &* 0xBF58_476D_1CE4_E5B9
        value ^= value >> 31
    }

    /// Adds `bytes` sequentially (for the small header).
    mutating func add(bytes: UnsafeRawBufferPointer) {
        add(Self.chunkSum(bytes))
    }
}
