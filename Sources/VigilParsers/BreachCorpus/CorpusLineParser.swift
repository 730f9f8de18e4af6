import VigilCore
import VigilIO

/// Parses Pwned Passwords lines — `HASH:COUNT` in the single sorted file, `SUFFIX:COUNT` in per-prefix files — into
/// index entries, at memory speed: eight hex digits are checked and decoded at once in a 64-bit word (SWAR), entries
/// are written straight into their on-disk form, and nothing is allocated per line.
///
/// A parser owns the lines that *start* inside its part of the input, so that parts cut at arbitrary byte offsets can
/// be parsed concurrently: each part skips the tail of a line that began before it and finishes its own last line
/// from the bytes after it (see ``parse(_:ownedEnd:startsAtLine:endsAtFile:into:)``).
struct CorpusLineParser {
    /// The corpus kind (decided by the first hash seen when not given).
    var kind: BreachHashKind
    /// For a per-prefix file, its five hex digits (the hash's first 20 bits).
    var prefix: UInt64?

    /// Hex digits in a line before the colon.
    var hexDigits: Int { kind.hexLength - (prefix == nil ? 0 : 5) }

    /// The shortest well-formed line, `HASH:0` without a newline.
    var shortestLine: Int { hexDigits + 2 }

    /// The kind of the first line of `bytes` that looks like a hash line, if any.
    static func detectKind(_ bytes: UnsafeBufferPointer<UInt8>, prefixed: Bool) -> BreachHashKind? {
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            if let colon = bytes[start..<end].firstIndex(of: UInt8(ascii: ":")) {
                let digits = colon - start + (prefixed ? 5 : 0)
                if digits == 32 { return .ntlm }
                if digits == 40 { return .sha1 }
            }
            start = end + 1
        }
        return nil
    }

    /// Parses the lines that start in `bytes[..<ownedEnd]` into `output`.
    ///
    /// - Parameters:
    ///   - bytes: the part, plus enough bytes after `ownedEnd` to finish its last line.
    ///   - startsAtLine: whether `bytes[0]` starts a line; otherwise `bytes[0]` is the byte before the part, and the
    ///     first line owned starts after the first newline.
    ///   - endsAtFile: whether `bytes` ends where the input ends (a last line may lack its newline); otherwise a line
    ///     not finished within `bytes` is rejected as too long.
    func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, ownedEnd: Int, startsAtLine: Bool, endsAtFile: Bool,
        into output: ParsedEntries
    ) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        var start = 0
        if !startsAtLine {
            guard let newline = memchrNewline(base, count) else { return }
            start = newline + 1
        }
        let hexDigits = hexDigits
        // Words that, with the first sixteen digits, cover every digit (they may overlap).
        let middleCheck = min(24, hexDigits - 8)
        let lastCheck = hexDigits - 8
        let prefix = prefix
        var appender = output.appender()
        var lines = 0
        defer { output.commit(appender, lines: lines) }
        while start < ownedEnd {
            lines += 1
            // The fast path: a whole well-formed line with bytes to spare for the word loads.
            if start + hexDigits + 2 <= count, base[start + hexDigits] == UInt8(ascii: ":") {
                let high = SWARHex(base + start)
                let low = SWARHex(base + start + 8)
                let invalid =
                    high.invalidBits | low.invalidBits | SWARHex(base + start + 16).invalidBits
                    | SWARHex(base + start + middleCheck).invalidBits | SWARHex(base + start + lastCheck).invalidBits
                var position = start + hexDigits + 1
                var value: UInt64 = 0
                let digitsStart = position
                while position < count {
                    let digit = base[position] &- UInt8(ascii: "0")
                    guard digit < 10 else { break }
                    value = value &* 10 &+ UInt64(digit)
                    position += 1
                }
                let digits = position - digitsStart
                var end = -1
                if position < count, base[position] == 0x0A {
                    end = position + 1
                } else if position + 1 < count, base[position] == 0x0D, base[position + 1] == 0x0A {
                    end = position + 2
                } else if position == count, endsAtFile {
                    end = count
                }
                if invalid == 0, digits > 0, digits <= 19, end > 0 {
                    let hash = high.value << 32 | low.value
                    let key = prefix.map { $0 << 44 | hash >> 20 } ?? hash
                    appender.append(key: key, count: UInt32(min(value, UInt64(UInt32.max))))
                    start = end
                    continue
                }
            }
            // The slow path: find the line and say what is wrong with it.
            guard let newline = memchrNewline(base + start, count - start) else {
                if !endsAtFile {
                    output.reject(line: lines, reason: "a line too long for a corpus; expected 'HASH:COUNT'")
                    return
                }
                output.reject(line: lines, reason: explain(base, start, count))
                return
            }
            var end = start + newline
            if end > start, base[end - 1] == 0x0D { end -= 1 }
            if end > start { output.reject(line: lines, reason: explain(base, start, end)) }
            start = start + newline + 1
        }
    }

    /// Why a line is not `HASH:COUNT`, without quoting it.
    private func explain(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        var colon: Int?
        for position in start..<end where base[position] == UInt8(ascii: ":") {
            colon = position
            break
        }
        let kindName = kind == .ntlm ? "NTLM" : "SHA-1"
        guard let colon else { return "expected 'HASH:COUNT' (no ':' found)" }
        let found = colon - start
        guard found == hexDigits else {
            let expected = prefix == nil ? "\(hexDigits)-digit" : "\(hexDigits)-digit suffix of a"
            let other =
                prefix == nil && (found == 32 || found == 40)
                ? " (a \(found == 32 ? "NTLM" : "SHA-1") hash in a \(kindName) corpus: corpora cannot be mixed)" : ""
            return "expected a \(expected) \(kindName) hash before ':', found \(found) characters\(other)"
        }
        let hex = Set("0123456789abcdefABCDEF".utf8)
        for position in start..<colon where !hex.contains(base[position]) {
            return "the hash holds characters other than hex digits"
        }
        return "expected a decimal count after ':'"
    }
}

/// Eight ASCII hex digits, checked and decoded together in one 64-bit word.
private struct SWARHex {
    private let word: UInt64

    @inline(__always)
    init(_ pointer: UnsafePointer<UInt8>) {
        word = UInt64(littleEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self))
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Zero when every byte is `0-9`, `A-F` or `a-f`.
    @inline(__always)
    var invalidBits: UInt64 {
        let ascii = word & Self.highBits
        let clean = word & ~Self.highBits
        let digits = Self.within(clean, 0x30, 0x39)
        let letters = Self.within(clean | 0x2020_2020_2020_2020, 0x61, 0x66)
        return ascii | (~(digits | letters) & Self.highBits)
    }

    /// The eight digits as a 32-bit number, the first digit most significant.
    @inline(__always)
    var value: UInt64 {
        // 0-9 → 0-9; A-F and a-f (bit 6 set) → low nibble + 9.
        var nibbles = (word & 0x0F0F_0F0F_0F0F_0F0F) &+ ((word >> 6) & Self.ones) &* 9
        nibbles = nibbles.byteSwapped
        nibbles = (nibbles | nibbles >> 4) & 0x00FF_00FF_00FF_00FF
        nibbles = (nibbles | nibbles >> 8) & 0x0000_FFFF_0000_FFFF
        return (nibbles | nibbles >> 16) & 0xFFFF_FFFF
    }

    /// The high bit of each byte set when that byte (below 0x80) lies in `low...high`.
    @inline(__always)
    private static func within(_ word: UInt64, _ low: UInt64, _ high: UInt64) -> UInt64 {
        let atLeastLow = word &+ (0x80 - low) &* ones
        let aboveHigh = word &+ (0x7F - high) &* ones
        return atLeastLow & ~aboveHigh & highBits
    }
}

/// Index entries parsed from one part of a corpus, already in their on-disk form (``BreachIndexLayout``): the worker
/// that parsed them hands the buffer to the writer, which copies it to the file in one call.
final class ParsedEntries: @unchecked Sendable {
    // @unchecked: one parsing worker fills it, then the builder reads it after the parallel step has finished.

    /// The entry bytes; `count` entries of ``BreachIndexLayout/entrySize`` bytes.
    let storage: UnsafeMutableRawPointer
    private let capacity: Int
    private(set) var count = 0
    /// Lines owned, well-formed or not.
    var lines = 0
    /// Adjacent repeats of a key whose counts were added.
    private(set) var merged = 0
    /// Whether every key is greater than the one before.
    private(set) var ascending = true
    /// Malformed lines, numbered from 1 within the part.
    private(set) var rejected: [(line: Int, reason: String)] = []

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        storage = .allocate(byteCount: self.capacity * BreachIndexLayout.entrySize, alignment: 8)
    }

    deinit {
        storage.deallocate()
    }

    /// Empties the buffer for the next part.
    func reset() {
        count = 0
        lines = 0
        merged = 0
        ascending = true
        rejected.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    func key(at index: Int) -> UInt64 {
        UInt64(
            littleEndian: storage.loadUnaligned(fromByteOffset: index * BreachIndexLayout.entrySize, as: UInt64.self))
    }

    @inline(__always)
    func prevalence(at index: Int) -> UInt32 {
        UInt32(
            littleEndian: storage.loadUnaligned(
                fromByteOffset: index * BreachIndexLayout.entrySize + 8, as: UInt32.self))
    }

    /// The bytes of entries `range`.
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(
            start: storage + range.lowerBound * BreachIndexLayout.entrySize,
            count: range.count * BreachIndexLayout.entrySize)
    }

    /// A cursor for appending entries; ``commit(_:lines:)`` records what it appended.
    func appender() -> EntryAppender {
        EntryAppender(storage: storage, capacity: capacity, count: count)
    }

    /// Takes the state of an appender returned by ``appender()``, and the lines it read.
    func commit(_ appender: EntryAppender, lines read: Int) {
        count = appender.count
        merged += appender.merged
        ascending = ascending && appender.ascending
        lines += read
    }

    func reject(line: Int, reason: String) {
        rejected.append((line, reason))
    }

}

/// Appends entries to a ``ParsedEntries`` buffer from a local value, so that the parsing loop touches no shared state;
/// adds the count of a repeated key to the entry before.
struct EntryAppender {
    let storage: UnsafeMutableRawPointer
    let capacity: Int
    private(set) var count: Int
    private(set) var merged = 0
    private(set) var ascending = true
    private var lastKey: UInt64 = 0

    init(storage: UnsafeMutableRawPointer, capacity: Int, count: Int) {
        self.storage = storage
        self.capacity = capacity
        self.count = count
        if count > 0 {
            lastKey = UInt64(
                littleEndian: storage.loadUnaligned(
                    fromByteOffset: (count - 1) * BreachIndexLayout.entrySize, as: UInt64.self))
        }
    }

    @inline(__always)
    mutating func append(key: UInt64, count prevalence: UInt32) {
        let offset = count * BreachIndexLayout.entrySize
        if count > 0 {
            if key == lastKey {
                let previous = UInt32(
                    littleEndian: storage.loadUnaligned(fromByteOffset: offset - 4, as: UInt32.self))
                let (sum, overflow) = previous.addingReportingOverflow(prevalence)
                storage.storeBytes(of: (overflow ? .max : sum).littleEndian, toByteOffset: offset - 4, as: UInt32.self)
                merged += 1
                return
            }
            if key < lastKey { ascending = false }
        }
        precondition(count < capacity, "a corpus part holds more entries than its capacity")
        storage.storeBytes(of: key.littleEndian, toByteOffset: offset, as: UInt64.self)
        storage.storeBytes(of: prevalence.littleEndian, toByteOffset: offset + 8, as: UInt32.self)
        lastKey = key
        count += 1
    }
}

/// `memchr` for a newline, as an offset.
@inline(__always)
func memchrNewline(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> Int? {
    ByteSearch.firstIndex(of: 0x0A, in: pointer, count: count)
}
