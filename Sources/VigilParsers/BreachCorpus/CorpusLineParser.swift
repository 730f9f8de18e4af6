import Glibc
import VigilCore

/// Parses Pwned Passwords lines — `HASH:COUNT` in the single sorted file, `SUFFIX:COUNT` in per-prefix files — into
/// 64-bit keys and counts, at memory speed: a table look-up per hex digit, no allocation per line.
struct CorpusLineParser {
    /// One parsed block's output.
    struct Output {
        var keys: [UInt64] = []
        var counts: [UInt32] = []
        var lines = 0
        var rejected: [(line: Int, reason: String)] = []
    }

    /// The corpus kind (decided by the first hash seen when not given).
    var kind: BreachHashKind?
    /// For a per-prefix file, its five hex digits (the hash's first 20 bits).
    var prefix: UInt64?

    private static let nibble: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "0123456789".utf8.enumerated() { table[Int(byte)] = UInt8(index) }
        for (index, byte) in "abcdef".utf8.enumerated() { table[Int(byte)] = UInt8(10 + index) }
        for (index, byte) in "ABCDEF".utf8.enumerated() { table[Int(byte)] = UInt8(10 + index) }
        return table
    }()

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

    /// Parses every complete line of `bytes` (the caller passes whole lines) into `output`.
    func parse(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout Output) {
        guard let kind, let base = bytes.baseAddress else { return }
        let hexDigits = kind.hexLength - (prefix == nil ? 0 : 5)
        let keyDigits = prefix == nil ? 16 : 11
        Self.nibble.withUnsafeBufferPointer { nibble in
            var start = 0
            while start < bytes.count {
                var end = start
                if let hit = memchrNewline(base + start, bytes.count - start) {
                    end = start + hit
                } else {
                    end = bytes.count
                }
                output.lines += 1
                var lineEnd = end
                if lineEnd > start, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                if lineEnd > start {
                    parseLine(
                        base, start, lineEnd, hexDigits: hexDigits, keyDigits: keyDigits, nibble: nibble, into: &output)
                }
                start = end + 1
            }
        }
    }

    @inline(__always)
    private func parseLine(
        _ base: UnsafePointer<UInt8>,
        _ start: Int,
        _ end: Int,
        hexDigits: Int,
        keyDigits: Int,
        nibble: UnsafeBufferPointer<UInt8>,
        into output: inout Output
    ) {
        let length = end - start
        guard length > hexDigits + 1, base[start + hexDigits] == UInt8(ascii: ":") else {
            output.rejected.append((output.lines, explain(base, start, end, hexDigits: hexDigits)))
            return
        }
        var key: UInt64 = prefix ?? 0
        var invalid: UInt8 = 0
        for offset in 0..<keyDigits {
            let value = nibble[Int(base[start + offset])]
            invalid |= value
            key = key << 4 | UInt64(value & 0x0F)
        }
        for offset in keyDigits..<hexDigits { invalid |= nibble[Int(base[start + offset])] }
        guard invalid & 0x80 == 0 else {
            output.rejected.append((output.lines, "the hash holds characters other than hex digits"))
            return
        }
        var count: UInt64 = 0
        var position = start + hexDigits + 1
        while position < end {
            let digit = base[position] &- UInt8(ascii: "0")
            guard digit < 10 else {
                output.rejected.append((output.lines, "expected a decimal count after ':'"))
                return
            }
            count = min(count &* 10 &+ UInt64(digit), UInt64(UInt32.max))
            position += 1
        }
        output.keys.append(key)
        output.counts.append(UInt32(count))
    }

    /// Why a line is not `HASH:COUNT`, without quoting it.
    private func explain(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, hexDigits: Int) -> String {
        var colon: Int?
        for position in start..<end where base[position] == UInt8(ascii: ":") {
            colon = position
            break
        }
        guard let colon else { return "expected 'HASH:COUNT' (no ':' found)" }
        let found = colon - start
        let expected = prefix == nil ? "\(hexDigits)-digit" : "\(hexDigits)-digit suffix of a"
        let other =
            prefix == nil && (found == 32 || found == 40)
            ? " (a \(found == 32 ? "NTLM" : "SHA-1") hash in a \(kind == .ntlm ? "NTLM" : "SHA-1") corpus: corpora cannot be mixed)"
            : ""
        return
            "expected a \(expected) \(kind == .ntlm ? "NTLM" : "SHA-1") hash before ':', found \(found) characters\(other)"
    }
}

/// `memchr` for a newline, as an offset.
@inline(__always)
func memchrNewline(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> Int? {
    guard let hit = memchr(pointer, 0x0A, count) else { return nil }
    return UnsafeRawPointer(pointer).distance(to: UnsafeRawPointer(hit))
}
