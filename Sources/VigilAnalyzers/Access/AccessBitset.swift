/// A fixed-size set of small integers (account indexes), one bit each: unions, differences and counts run a word at a
/// time, so the readers of a resource in a directory of 200,000 accounts are 3,125 words.
public struct AccessBitset: Sendable, Hashable {
    /// The bits, 64 per word, lowest index in the lowest bit.
    public private(set) var words: [UInt64]
    /// How many indexes the set can hold.
    public let capacity: Int

    /// An empty set for indexes `0..<capacity`.
    public init(capacity: Int) {
        self.capacity = capacity
        words = [UInt64](repeating: 0, count: (capacity + 63) / 64)
    }

    /// The set of every index in `0..<capacity`.
    public static func full(capacity: Int) -> AccessBitset {
        var set = AccessBitset(capacity: capacity)
        for index in set.words.indices { set.words[index] = ~0 }
        set.trim()
        return set
    }

    /// Clears the bits past `capacity` in the last word.
    private mutating func trim() {
        let spare = words.count * 64 - capacity
        if spare > 0, !words.isEmpty { words[words.count - 1] &= ~0 >> UInt64(spare) }
    }

    /// Adds `index`.
    @inline(__always)
    public mutating func insert(_ index: Int) {
        words[index >> 6] |= 1 << UInt64(index & 63)
    }

    /// Whether `index` is in the set.
    @inline(__always)
    public func contains(_ index: Int) -> Bool {
        index >= 0 && index < capacity && words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    /// Removes every index.
    public mutating func removeAll() {
        for index in words.indices { words[index] = 0 }
    }

    /// Adds every index of `other`.
    public mutating func formUnion(_ other: AccessBitset) {
        for index in words.indices { words[index] |= other.words[index] }
    }

    /// Removes every index of `other`.
    public mutating func subtract(_ other: AccessBitset) {
        for index in words.indices { words[index] &= ~other.words[index] }
    }

    /// Keeps only the indexes also in `other`.
    public mutating func formIntersection(_ other: AccessBitset) {
        for index in words.indices { words[index] &= other.words[index] }
    }

    /// How many indexes the set holds.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Whether the set is empty.
    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// How many indexes are in both sets, without building the intersection.
    public func intersectionCount(_ other: AccessBitset) -> Int {
        var total = 0
        for index in words.indices { total += (words[index] & other.words[index]).nonzeroBitCount }
        return total
    }

    /// The indexes in increasing order.
    public var members: [Int] {
        var result: [Int] = []
        for (wordIndex, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                result.append(wordIndex << 6 | bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return result
    }
}
