/// MD4 (RFC 1320), the digest under the Windows NT password hash. Written here because swift-crypto, rightly,
/// does not offer a broken hash; Vigil uses it only to recompute NT hashes of candidate passwords.
public enum MD4 {
    /// The 16-byte digest of `message`.
    public static func digest(_ message: some Collection<UInt8>) -> [UInt8] {
        var state = initialState
        var block = [UInt32](repeating: 0, count: 16)
        let bytes = Array(message)
        let bitLength = UInt64(bytes.count) &* 8
        var padded = bytes
        padded.append(0x80)
        while padded.count % 64 != 56 { padded.append(0) }
        for shift in stride(from: 0, to: 64, by: 8) { padded.append(UInt8(truncatingIfNeeded: bitLength >> shift)) }
        for offset in stride(from: 0, to: padded.count, by: 64) {
            for word in 0..<16 {
                let base = offset + word * 4
                block[word] =
                    UInt32(padded[base]) | UInt32(padded[base + 1]) << 8 | UInt32(padded[base + 2]) << 16
                    | UInt32(padded[base + 3]) << 24
            }
            block.withUnsafeBufferPointer { compress(&state, $0) }
        }
        return state.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    }

    static let initialState: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476]

    /// Applies the MD4 compression function to one 16-word little-endian block.
    @inline(__always)
    static func compress(_ state: inout [UInt32], _ x: UnsafeBufferPointer<UInt32>) {
        var a = state[0]
        var b = state[1]
        var c = state[2]
        var d = state[3]
        compressWords(&a, &b, &c, &d, x)
        state[0] &+= a
        state[1] &+= b
        state[2] &+= c
        state[3] &+= d
    }

    /// The 48 MD4 steps on registers `a…d`, without the final feed-forward.
    @inline(__always)
    static func compressWords(
        _ a: inout UInt32,
        _ b: inout UInt32,
        _ c: inout UInt32,
        _ d: inout UInt32,
        _ x: UnsafeBufferPointer<UInt32>
    ) {
        @inline(__always) func rotl(_ v: UInt32, _ s: UInt32) -> UInt32 { v << s | v >> (32 - s) }
        @inline(__always) func f(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { z ^ (x & (y ^ z)) }
        @inline(__always) func g(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { (x & y) | (x & z) | (y & z) }
        @inline(__always) func h(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { x ^ y ^ z }
        for i in stride(from: 0, to: 16, by: 4) {
            a = rotl(a &+ f(b, c, d) &+ x[i], 3)
            d = rotl(d &+ f(a, b, c) &+ x[i + 1], 7)
            c = rotl(c &+ f(d, a, b) &+ x[i + 2], 11)
            b = rotl(b &+ f(c, d, a) &+ x[i + 3], 19)
        }
        for i in 0..<4 {
            a = rotl(a &+ g(b, c, d) &+ x[i] &+ 0x5A82_7999, 3)
            d = rotl(d &+ g(a, b, c) &+ x[i + 4] &+ 0x5A82_7999, 5)
            c = rotl(c &+ g(d, a, b) &+ x[i + 8] &+ 0x5A82_7999, 9)
            b = rotl(b &+ g(c, d, a) &+ x[i + 12] &+ 0x5A82_7999, 13)
        }
        for i in [0, 2, 1, 3] {
            a = rotl(a &+ h(b, c, d) &+ x[i] &+ 0x6ED9_EBA1, 3)
            d = rotl(d &+ h(a, b, c) &+ x[i + 8] &+ 0x6ED9_EBA1, 9)
            c = rotl(c &+ h(d, a, b) &+ x[i + 4] &+ 0x6ED9_EBA1, 11)
            b = rotl(b &+ h(c, d, a) &+ x[i + 12] &+ 0x6ED9_EBA1, 15)
        }
    }
}
