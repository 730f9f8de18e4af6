/// Byte searches eight bytes at a time ("SIMD within a register"): the scanner's hot loop skips text that holds no
/// digit, and counts line ends, without looking at bytes one by one.
///
/// Every function is `@inlinable`: they sit in the scanner's innermost loops, which live in other targets.
public enum SWAR {
    /// `0x01` in every byte.
    public static let ones: UInt64 = 0x0101_0101_0101_0101
    /// `0x80` in every byte.
    public static let highs: UInt64 = 0x8080_8080_8080_8080
    /// `0x7F` in every byte.
    public static let lows7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// High bit set in each byte of `word` that is an ASCII digit, and only there (exact, no false positives).
    @inlinable @inline(__always)
    public static func digitMask(_ word: UInt64) -> UInt64 {
        // Bit Twiddling Hacks' `hasbetween(x, 0x2F, 0x3A)`, exact per byte: no carry or borrow crosses a byte because
        // the low seven bits are at most 0x7F.
        let low = word & lows7
        return ((ones &* (127 + 0x3A)) &- low) & ~word & (low &+ ones &* (127 - 0x2F)) & highs
    }

    /// High bit set in each byte of `word` equal to `byte`.
    @inlinable @inline(__always)
    public static func equalMask(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let value = word ^ (ones &* UInt64(byte))
        return ~(((value & lows7) &+ lows7) | value | lows7)
    }

    /// The index of the first ASCII digit in `buffer[from..<end]`, or `end`.
    @inlinable @inline(__always)
    public static func firstDigit(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var index = from
        let raw = UnsafeRawPointer(base)
        while index + 8 <= end {
            let mask = digitMask(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            if mask != 0 { return index + mask.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < end {
            if base[index] &- 0x30 < 10 { return index }
            index += 1
        }
        return end
    }

    /// Whether `buffer[from..<end]` holds an ASCII digit.
    @inlinable @inline(__always)
    public static func containsDigit(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Bool {
        firstDigit(base, from: from, end: end) < end
    }

    /// The index of the first `a` or `b` in `buffer[from..<end]`, or `end`.
    @inlinable @inline(__always)
    public static func firstOf(_ a: UInt8, _ b: UInt8, _ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var index = from
        let raw = UnsafeRawPointer(base)
        while index + 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let mask = equalMask(word, a) | equalMask(word, b)
            if mask != 0 { return index + mask.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < end {
            if base[index] == a || base[index] == b { return index }
            index += 1
        }
        return end
    }

    /// The number of `byte`s in `buffer[from..<end]`.
    @inlinable @inline(__always)
    public static func count(_ byte: UInt8, _ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var index = from
        var total = 0
        let raw = UnsafeRawPointer(base)
        while index + 8 <= end {
            total += equalMask(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self), byte).nonzeroBitCount
            index += 8
        }
        while index < end {
            if base[index] == byte { total += 1 }
            index += 1
        }
        return total
    }
}

/// ASCII byte classes for the detectors and tokenizers.
public enum Byte {
    /// Whether the byte is an ASCII digit.
    @inlinable @inline(__always) public static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    /// Whether the byte is an ASCII capital letter.
    @inlinable @inline(__always) public static func isUpper(_ byte: UInt8) -> Bool { byte &- 0x41 < 26 }
    /// Whether the byte is an ASCII small letter.
    @inlinable @inline(__always) public static func isLower(_ byte: UInt8) -> Bool { byte &- 0x61 < 26 }
    /// Whether the byte is an ASCII letter.
    @inlinable @inline(__always) public static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
    /// Whether the byte is an ASCII letter or digit.
    @inlinable @inline(__always) public static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || isLetter(byte)
    }
    /// A letter, digit, or any byte of a non-ASCII UTF-8 character (part of a word in another script).
    @inlinable @inline(__always) public static func isWordByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte >= 0x80
    }
    /// The byte in lower case if it is an ASCII capital.
    @inlinable @inline(__always) public static func lower(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte | 0x20 : byte }
}

/// Byte searches and comparisons over raw memory.
public enum ByteSearch {
    /// The offset of the first `byte` in the `count` bytes from `start`, or `nil`.
    ///
    /// Short distances (a hash line, an attribute name) are searched inline eight bytes at a time; past 32 bytes the
    /// search goes to the C library's vectorised `memchr`, which is faster on long runs but costs a call to start.
    @inlinable @inline(__always)
    public static func firstIndex(of byte: UInt8, in start: UnsafePointer<UInt8>, count: Int) -> Int? {
        let raw = UnsafeRawPointer(start)
        var index = 0
        while index + 8 <= count {
            let mask = SWAR.equalMask(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self), byte)
            if mask != 0 { return index + mask.trailingZeroBitCount >> 3 }
            index += 8
            if index == 32 {
                return firstIndexFar(of: byte, in: start + index, count: count - index).map { $0 + index }
            }
        }
        while index < count {
            if start[index] == byte { return index }
            index += 1
        }
        return nil
    }

    @usableFromInline
    static func firstIndexFar(of byte: UInt8, in start: UnsafePointer<UInt8>, count: Int) -> Int? {
        Platform.firstIndex(of: byte, in: start, count: count)
    }

    /// Whether the `count` bytes from `first` equal those from `second`.
    @inline(__always)
    public static func equal(_ first: UnsafeRawPointer, _ second: UnsafeRawPointer, count: Int) -> Bool {
        Platform.equal(first, second, count: count)
    }
}
