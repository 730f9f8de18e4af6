import VigilCore

/// The on-disk layout of a breach index (`vigil corpus build`), version 1. All integers little-endian.
///
/// ```
/// 0      header (4096 bytes): magic "VIGILBIX", version, hash kind, entry count, prefix bits, section offsets,
///        file size, data checksum, source description, header checksum
/// 4096   prefix table: (2^bits + 1) × UInt32, padded to 8 bytes — entries whose key's top `bits` bits equal i are
///        [table[i], table[i+1])
///        keys:         entryCount × UInt64 — the first eight bytes of each hash, big-endian as a number, ascending
///        counts:       entryCount × UInt32 — prevalence, saturated at UInt32.max
/// ```
///
/// A look-up reads one table slot and searches a bucket of a few keys: its cost does not grow with the corpus. Keys
/// are the first 64 bits of each hash: with 10⁹ entries the chance that a look-up matches a different hash is about
/// 5 × 10⁻¹¹.
enum BreachIndexLayout {
    static let magic = Array("VIGILBIX".utf8)
    static let version: UInt32 = 1
    static let headerSize = 4096
    static let descriptionCapacity = 512

    /// Header field offsets.
    enum Offset {
        static let magic = 0
        static let version = 8
        static let hashKind = 12
        static let entryCount = 16
        static let prefixBits = 24
        static let tableOffset = 32
        static let keysOffset = 40
        static let countsOffset = 48
        static let fileSize = 56
        static let dataChecksum = 64
        static let descriptionLength = 72
        static let description = 80
        static let headerChecksum = 80 + descriptionCapacity
    }

    /// Prefix bits for `count` entries: about four entries per bucket, between 8 and 24 bits.
    static func prefixBits(for count: Int) -> Int {
        var bits = 8
        while bits < 24, (1 << bits) * 4 < count { bits += 1 }
        return bits
    }

    /// Bytes of the prefix table for `bits`, padded so that keys are 8-byte aligned.
    static func tableBytes(bits: Int) -> Int {
        (((1 << bits) + 1) * 4 + 7) & ~7
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
struct SectionChecksum {
    private(set) var value: UInt64 = 0x9E37_79B9_7F4A_7C15

    mutating func add(_ word: UInt64) {
        value = (value ^ word) &* 0xBF58_476D_1CE4_E5B9
        value ^= value >> 31
    }

    mutating func add(bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset + 8 <= bytes.count {
            add(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        if shift > 0 { add(tail ^ 0xFF) }
    }
}
