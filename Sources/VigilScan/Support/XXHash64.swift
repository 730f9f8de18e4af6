/// XXH64 (Yann Collet's xxHash, 64-bit), streaming: the content fingerprint kept per file in the scan state. Fast
/// enough (several GB/s) to compute while the bytes are read for scanning anyway. Seeded with a key private to the
/// state file, so the fingerprints cannot be compared with another installation's.
struct XXHash64 {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    private let seed: UInt64
    private var v1: UInt64
    private var v2: UInt64
    private var v3: UInt64
    private var v4: UInt64
    private var total: UInt64 = 0
    private var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var buffered = 0

    init(seed: UInt64 = 0) {
        self.seed = seed
        v1 = seed &+ Self.prime1 &+ Self.prime2
        v2 = seed &+ Self.prime2
        v3 = seed
        v4 = seed &- Self.prime1
    }

    @inline(__always)
    private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        let value = accumulator &+ input &* prime2
        return ((value << 31) | (value >> 33)) &* prime1
    }

    @inline(__always)
    private static func merge(_ accumulator: UInt64, _ value: UInt64) -> UInt64 {
        ((accumulator ^ round(0, value)) &* prime1) &+ prime4
    }

    /// Adds `bytes` to the hash.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var offset = 0
        let count = bytes.count
        total &+= UInt64(count)
        if buffered > 0 {
            withUnsafeMutableBytes(of: &buffer) { stash in
                let take = min(32 - buffered, count)
                stash.baseAddress!.advanced(by: buffered).copyMemory(from: base, byteCount: take)
                buffered += take
                offset = take
            }
            guard buffered == 32 else { return }
            v1 = Self.round(v1, UInt64(littleEndian: buffer.0))
            v2 = Self.round(v2, UInt64(littleEndian: buffer.1))
            v3 = Self.round(v3, UInt64(littleEndian: buffer.2))
            v4 = Self.round(v4, UInt64(littleEndian: buffer.3))
            buffered = 0
        }
        var a = v1
        var b = v2
        var c = v3
        var d = v4
        while offset + 32 <= count {
            a = Self.round(a, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            b = Self.round(b, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
            c = Self.round(c, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)))
            d = Self.round(d, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)))
            offset += 32
        }
        v1 = a
        v2 = b
        v3 = c
        v4 = d
        if offset < count {
            let rest = count - offset
            withUnsafeMutableBytes(of: &buffer) { stash in
                stash.baseAddress!.copyMemory(from: base.advanced(by: offset), byteCount: rest)
            }
            buffered = rest
        }
    }

    /// The hash of everything added.
    func finalize() -> UInt64 {
        var hash: UInt64
        if total >= 32 {
            hash =
                ((v1 << 1) | (v1 >> 63)) &+ ((v2 << 7) | (v2 >> 57)) &+ ((v3 << 12) | (v3 >> 52))
                &+ ((v4 << 18) | (v4 >> 46))
            hash = Self.merge(hash, v1)
            hash = Self.merge(hash, v2)
            hash = Self.merge(hash, v3)
            hash = Self.merge(hash, v4)
        } else {
            hash = seed &+ Self.prime5
        }
        hash &+= total
        var stash = buffer
        withUnsafeBytes(of: &stash) { bytes in
            var offset = 0
            while offset + 8 <= buffered {
                let lane = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                hash ^= Self.round(0, lane)
                hash = ((hash << 27) | (hash >> 37)) &* Self.prime1 &+ Self.prime4
                offset += 8
            }
            if offset + 4 <= buffered {
                let lane = UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                hash ^= lane &* Self.prime1
                hash = ((hash << 23) | (hash >> 41)) &* Self.prime2 &+ Self.prime3
                offset += 4
            }
            while offset < buffered {
                hash ^= UInt64(bytes[offset]) &* Self.prime5
                hash = ((hash << 11) | (hash >> 53)) &* Self.prime1
                offset += 1
            }
        }
        hash ^= hash >> 33
        hash &*= Self.prime2
        hash ^= hash >> 29
        hash &*= Self.prime3
        hash ^= hash >> 32
        return hash
    }

    /// The hash of `bytes` in one call.
    static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        var hasher = XXHash64(seed: seed)
        bytes.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize()
    }
}
