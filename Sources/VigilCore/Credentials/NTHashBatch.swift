/// Computes NT hashes of up to eight short candidate passwords at once, one per SIMD lane: the dictionary attack's
/// inner loop. Candidates of up to 27 UTF-16 code units fit MD4's single block; longer ones go through ``NTHash``.
public struct NTHashBatch: Sendable {
    /// Lanes per batch.
    public static let width = 8
    /// The longest candidate (in UTF-16 code units) a batch takes.
    public static let maximumLength = 27

    /// Message words, lane-interleaved: `words[w][lane]`.
    private var words: [SIMD8<UInt32>] = Array(repeating: .zero, count: 16)
    /// Candidates added so far.
    public private(set) var count = 0

    public init() {}

    /// Whether another candidate fits.
    public var isFull: Bool { count == Self.width }

    /// Adds a candidate given as UTF-16 code units; returns `false` if it is too long for a batch.
    @discardableResult
    public mutating func add(utf16 units: some Collection<UInt16>) -> Bool {
        let array = Array(units)
        return array.withUnsafeBufferPointer { add(prefix: $0, suffix: UnsafeBufferPointer(start: nil, count: 0)) }
    }

    /// Adds the candidate `prefix + suffix` (UTF-16 code units) without building it; returns `false` if it is too
    /// long for a batch or the batch is full.
    @discardableResult
    public mutating func add(prefix: UnsafeBufferPointer<UInt16>, suffix: UnsafeBufferPointer<UInt16>) -> Bool {
        guard prefix.count + suffix.count <= Self.maximumLength, !isFull else { return false }
        let lane = count
        for word in 0..<16 { words[word][lane] = 0 }
        var position = 0
        for unit in prefix {
            words[position >> 1][lane] |= UInt32(unit) << (position & 1 == 0 ? 0 : 16)
            position += 1
        }
        for unit in suffix {
            words[position >> 1][lane] |= UInt32(unit) << (position & 1 == 0 ? 0 : 16)
            position += 1
        }
        // The 0x80 padding byte follows the last code unit; the bit length goes in word 14.
        let padWord = position >> 1
        words[padWord][lane] |= 0x80 << (position & 1 == 0 ? 0 : 16)
        words[14][lane] = UInt32(position * 16)
        count += 1
        return true
    }

    /// Forgets every candidate.
    public mutating func reset() {
        count = 0
    }

    /// Calls `body` with each candidate's lane (order of addition) and NT hash.
    public func forEachDigest(_ body: (Int, NTHash) throws -> Void) rethrows {
        var a = SIMD8<UInt32>(repeating: 0x6745_2301)
        var b = SIMD8<UInt32>(repeating: 0xEFCD_AB89)
        var c = SIMD8<UInt32>(repeating: 0x98BA_DCFE)
        var d = SIMD8<UInt32>(repeating: 0x1032_5476)
        let x = words
        @inline(__always) func rotl(_ v: SIMD8<UInt32>, _ s: UInt32) -> SIMD8<UInt32> { (v &<< s) | (v &>> (32 - s)) }
        @inline(__always) func f(_ x: SIMD8<UInt32>, _ y: SIMD8<UInt32>, _ z: SIMD8<UInt32>) -> SIMD8<UInt32> {
            z ^ (x & (y ^ z))
        }
        @inline(__always) func g(_ x: SIMD8<UInt32>, _ y: SIMD8<UInt32>, _ z: SIMD8<UInt32>) -> SIMD8<UInt32> {
            (x & y) | (x & z) | (y & z)
        }
        @inline(__always) func h(_ x: SIMD8<UInt32>, _ y: SIMD8<UInt32>, _ z: SIMD8<UInt32>) -> SIMD8<UInt32> {
            x ^ y ^ z
        }
        for i in stride(from: 0, to: 16, by: 4) {
            a = rotl(a &+ f(b, c, d) &+ x[i], 3)
            d = rotl(d &+ f(a, b, c) &+ x[i + 1], 7)
            c = rotl(c &+ f(d, a, b) &+ x[i + 2], 11)
            b = rotl(b &+ f(c, d, a) &+ x[i + 3], 19)
        }
        let k2 = SIMD8<UInt32>(repeating: 0x5A82_7999)
        for i in 0..<4 {
            a = rotl(a &+ g(b, c, d) &+ x[i] &+ k2, 3)
            d = rotl(d &+ g(a, b, c) &+ x[i + 4] &+ k2, 5)
            c = rotl(c &+ g(d, a, b) &+ x[i + 8] &+ k2, 9)
            b = rotl(b &+ g(c, d, a) &+ x[i + 12] &+ k2, 13)
        }
        let k3 = SIMD8<UInt32>(repeating: 0x6ED9_EBA1)
        for i in [0, 2, 1, 3] {
            a = rotl(a &+ h(b, c, d) &+ x[i] &+ k3, 3)
            d = rotl(d &+ h(a, b, c) &+ x[i + 8] &+ k3, 9)
            c = rotl(c &+ h(d, a, b) &+ x[i + 4] &+ k3, 11)
            b = rotl(b &+ h(c, d, a) &+ x[i + 12] &+ k3, 15)
        }
        a &+= SIMD8(repeating: 0x6745_2301)
        b &+= SIMD8(repeating: 0xEFCD_AB89)
        c &+= SIMD8(repeating: 0x98BA_DCFE)
        d &+= SIMD8(repeating: 0x1032_5476)
        // The digest is a, b, c, d little-endian; NTHash holds it as two big-endian 64-bit halves.
        for lane in 0..<count {
            try body(
                lane,
                NTHash(
                    high: UInt64(a[lane].byteSwapped) << 32 | UInt64(b[lane].byteSwapped),
                    low: UInt64(c[lane].byteSwapped) << 32 | UInt64(d[lane].byteSwapped)
                )
            )
        }
    }
}
