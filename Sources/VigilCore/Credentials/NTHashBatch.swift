/// Computes NT hashes of up to eight short candidate passwords at once, one per SIMD lane: the dictionary attack's
/// inner loop. Candidates of up to 27 UTF-16 code units fit MD4's single block; longer ones go through ``NTHash``.
public struct NTHashBatch: Sendable {
    /// Lanes per batch.
    public static let width = 8
    /// The longest candidate (in UTF-16 code units) a batch takes.
    public static let maximumLength = 27

    typealias Vector = SIMD8<UInt32>
    /// The 16 message words of every lane, word-major (`words[w]` holds word w of all eight lanes), inline so that
    /// filling a lane is plain stores and hashing is vector loads.
    private var words:
        (
            Vector, Vector, Vector, Vector, Vector, Vector, Vector, Vector, Vector, Vector, Vector, Vector, Vector,
            Vector, Vector, Vector
        ) = (
            .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero,
            .zero
        )
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
        let length = prefix.count + suffix.count
        guard length <= Self.maximumLength, count < Self.width else { return false }
        let lane = count
        withUnsafeMutableBytes(of: &words) { raw in
            let message = raw.baseAddress!.assumingMemoryBound(to: UInt32.self)
            // Two code units per little-endian word, then the 0x80 padding, zeros, and the bit length in word 14.
            var units = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
            withUnsafeMutableBytes(of: &units) { scratch in
                let target = scratch.baseAddress!.assumingMemoryBound(to: UInt16.self)
                if let base = prefix.baseAddress { target.update(from: base, count: prefix.count) }
                if let base = suffix.baseAddress { (target + prefix.count).update(from: base, count: suffix.count) }
                target[length] = 0x80
                let packed = scratch.baseAddress!.assumingMemoryBound(to: UInt32.self)
                for word in 0..<14 { message[word * Self.width + lane] = packed[word] }
            }
            message[14 * Self.width + lane] = UInt32(length * 16)
            message[15 * Self.width + lane] = 0
        }
        count += 1
        return true
    }

    /// Forgets every candidate.
    public mutating func reset() {
        count = 0
    }

    /// Calls `body` with each candidate's lane (order of addition) and NT hash.
    public func forEachDigest(_ body: (Int, NTHash) throws -> Void) rethrows {
        let digests = self.digests()
        for lane in 0..<count { try body(lane, digests[lane]) }
    }

    /// The NT hashes of the candidates added (lanes beyond ``count`` hold leftovers).
    public func digests() -> Digests {
        let (a, b, c, d) = withUnsafeBytes(of: words) { Self.compress($0) }
        return Digests(a: a, b: b, c: c, d: d)
    }

    /// The eight lanes' MD4 state words after hashing.
    public struct Digests: Sendable {
        @usableFromInline let a: SIMD8<UInt32>
        @usableFromInline let b: SIMD8<UInt32>
        @usableFromInline let c: SIMD8<UInt32>
        @usableFromInline let d: SIMD8<UInt32>

        /// The NT hash in `lane`.
        @inlinable
        public subscript(lane: Int) -> NTHash {
            NTHash(
                high: UInt64(a[lane].byteSwapped) << 32 | UInt64(b[lane].byteSwapped),
                low: UInt64(c[lane].byteSwapped) << 32 | UInt64(d[lane].byteSwapped)
            )
        }
    }

    /// MD4 over one block per lane; `message` holds the 16 words, word-major. Unrolled so that every rotation is by
    /// a constant.
    @inline(__always)
    private static func compress(_ message: UnsafeRawBufferPointer) -> (Vector, Vector, Vector, Vector) {
        let m = message.baseAddress!.assumingMemoryBound(to: Vector.self)
        var a = Vector(repeating: 0x6745_2301)
        var b = Vector(repeating: 0xEFCD_AB89)
        var c = Vector(repeating: 0x98BA_DCFE)
        var d = Vector(repeating: 0x1032_5476)
        let k2 = Vector(repeating: 0x5A82_7999)
        let k3 = Vector(repeating: 0x6ED9_EBA1)
        @inline(__always) func f(_ x: Vector, _ y: Vector, _ z: Vector) -> Vector { z ^ (x & (y ^ z)) }
        @inline(__always) func g(_ x: Vector, _ y: Vector, _ z: Vector) -> Vector { (x & y) | (z & (x | y)) }
        @inline(__always) func h(_ x: Vector, _ y: Vector, _ z: Vector) -> Vector { x ^ y ^ z }
        a &+= f(b, c, d) &+ m[0]
        a = a &<< 3 | a &>> 29
        d &+= f(a, b, c) &+ m[1]
        d = d &<< 7 | d &>> 25
        c &+= f(d, a, b) &+ m[2]
        c = c &<< 11 | c &>> 21
        b &+= f(c, d, a) &+ m[3]
        b = b &<< 19 | b &>> 13
        a &+= f(b, c, d) &+ m[4]
        a = a &<< 3 | a &>> 29
        d &+= f(a, b, c) &+ m[5]
        d = d &<< 7 | d &>> 25
        c &+= f(d, a, b) &+ m[6]
        c = c &<< 11 | c &>> 21
        b &+= f(c, d, a) &+ m[7]
        b = b &<< 19 | b &>> 13
        a &+= f(b, c, d) &+ m[8]
        a = a &<< 3 | a &>> 29
        d &+= f(a, b, c) &+ m[9]
        d = d &<< 7 | d &>> 25
        c &+= f(d, a, b) &+ m[10]
        c = c &<< 11 | c &>> 21
        b &+= f(c, d, a) &+ m[11]
        b = b &<< 19 | b &>> 13
        a &+= f(b, c, d) &+ m[12]
        a = a &<< 3 | a &>> 29
        d &+= f(a, b, c) &+ m[13]
        d = d &<< 7 | d &>> 25
        c &+= f(d, a, b) &+ m[14]
        c = c &<< 11 | c &>> 21
        b &+= f(c, d, a) &+ m[15]
        b = b &<< 19 | b &>> 13
        a &+= g(b, c, d) &+ m[0] &+ k2
        a = a &<< 3 | a &>> 29
        d &+= g(a, b, c) &+ m[4] &+ k2
        d = d &<< 5 | d &>> 27
        c &+= g(d, a, b) &+ m[8] &+ k2
        c = c &<< 9 | c &>> 23
        b &+= g(c, d, a) &+ m[12] &+ k2
        b = b &<< 13 | b &>> 19
        a &+= g(b, c, d) &+ m[1] &+ k2
        a = a &<< 3 | a &>> 29
        d &+= g(a, b, c) &+ m[5] &+ k2
        d = d &<< 5 | d &>> 27
        c &+= g(d, a, b) &+ m[9] &+ k2
        c = c &<< 9 | c &>> 23
        b &+= g(c, d, a) &+ m[13] &+ k2
        b = b &<< 13 | b &>> 19
        a &+= g(b, c, d) &+ m[2] &+ k2
        a = a &<< 3 | a &>> 29
        d &+= g(a, b, c) &+ m[6] &+ k2
        d = d &<< 5 | d &>> 27
        c &+= g(d, a, b) &+ m[10] &+ k2
        c = c &<< 9 | c &>> 23
        b &+= g(c, d, a) &+ m[14] &+ k2
        b = b &<< 13 | b &>> 19
        a &+= g(b, c, d) &+ m[3] &+ k2
        a = a &<< 3 | a &>> 29
        d &+= g(a, b, c) &+ m[7] &+ k2
        d = d &<< 5 | d &>> 27
        c &+= g(d, a, b) &+ m[11] &+ k2
        c = c &<< 9 | c &>> 23
        b &+= g(c, d, a) &+ m[15] &+ k2
        b = b &<< 13 | b &>> 19
        a &+= h(b, c, d) &+ m[0] &+ k3
        a = a &<< 3 | a &>> 29
        d &+= h(a, b, c) &+ m[8] &+ k3
        d = d &<< 9 | d &>> 23
        c &+= h(d, a, b) &+ m[4] &+ k3
        c = c &<< 11 | c &>> 21
        b &+= h(c, d, a) &+ m[12] &+ k3
        b = b &<< 15 | b &>> 17
        a &+= h(b, c, d) &+ m[2] &+ k3
        a = a &<< 3 | a &>> 29
        d &+= h(a, b, c) &+ m[10] &+ k3
        d = d &<< 9 | d &>> 23
        c &+= h(d, a, b) &+ m[6] &+ k3
        c = c &<< 11 | c &>> 21
        b &+= h(c, d, a) &+ m[14] &+ k3
        b = b &<< 15 | b &>> 17
        a &+= h(b, c, d) &+ m[1] &+ k3
        a = a &<< 3 | a &>> 29
        d &+= h(a, b, c) &+ m[9] &+ k3
        d = d &<< 9 | d &>> 23
        c &+= h(d, a, b) &+ m[5] &+ k3
        c = c &<< 11 | c &>> 21
        b &+= h(c, d, a) &+ m[13] &+ k3
        b = b &<< 15 | b &>> 17
        a &+= h(b, c, d) &+ m[3] &+ k3
        a = a &<< 3 | a &>> 29
        d &+= h(a, b, c) &+ m[11] &+ k3
        d = d &<< 9 | d &>> 23
        c &+= h(d, a, b) &+ m[7] &+ k3
        c = c &<< 11 | c &>> 21
        b &+= h(c, d, a) &+ m[15] &+ k3
        b = b &<< 15 | b &>> 17
        return (
            a &+ Vector(repeating: 0x6745_2301), b &+ Vector(repeating: 0xEFCD_AB89),
            c &+ Vector(repeating: 0x98BA_DCFE),
            d &+ Vector(repeating: 0x1032_5476)
        )
    }
}
