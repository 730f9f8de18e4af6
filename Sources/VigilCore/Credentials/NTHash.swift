/// A Windows NT password hash (MD4 of the UTF-16LE password). Never printed, logged or encoded: `description`
/// is redacted and the type is deliberately not `Codable`.
public struct NTHash: Sendable, Hashable, Comparable {
    /// The first eight bytes, big-endian, so that ordering matches the hex text's ordering.
    public let high: UInt64
    /// The last eight bytes, big-endian.
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Reads 16 bytes in order.
    public init(bytes: some Collection<UInt8>) {
        precondition(bytes.count == 16, "an NT hash is 16 bytes")
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    /// Parses 32 hexadecimal digits (either case); `nil` for anything else.
    @inlinable
    public init?(hex: some Collection<UInt8>) {
        guard hex.count == 32 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var index = 0
        for byte in hex {
            guard let nibble = HexDigit.value(byte) else { return nil }
            if index < 16 { high = high << 4 | UInt64(nibble) } else { low = low << 4 | UInt64(nibble) }
            index += 1
        }
        self.init(high: high, low: low)
    }

    /// Parses 32 hexadecimal digits.
    public init?(hex: String) {
        self.init(hex: Array(hex.utf8))
    }

    /// The NT hash of `password`: MD4 over its UTF-16LE encoding.
    public init(password: String) {
        var utf16LE: [UInt8] = []
        utf16LE.reserveCapacity(password.utf16.count * 2)
        for unit in password.utf16 {
            utf16LE.append(UInt8(truncatingIfNeeded: unit))
            utf16LE.append(UInt8(truncatingIfNeeded: unit >> 8))
        }
        self.init(bytes: MD4.digest(utf16LE))
    }

    /// The 16 bytes in order.
    public var bytes: [UInt8] {
        (0..<16).map { index in
            index < 8
                ? UInt8(truncatingIfNeeded: high >> (56 - 8 * index))
                : UInt8(truncatingIfNeeded: low >> (120 - 8 * index))
        }
    }

    /// The hash of the empty password, `31d6cfe0d16ae931b73c59d7e0c089c0`.
    public static let emptyPassword = NTHash(high: 0x31d6_cfe0_d16a_e931, low: 0xb73c_59d7_e0c0_89c0)

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// Lower-case hex, for writing synthetic dumps and indexes only. Never use it in reports, logs or errors.
    public var unredactedHex: String { HexDigit.encode(bytes) }
}

extension NTHash: CustomStringConvertible, CustomDebugStringConvertible {
    /// Always `<NT hash>`: a hash must never reach output by accident.
    public var description: String { "<NT hash>" }
    /// Always `<NT hash>`.
    public var debugDescription: String { "<NT hash>" }
}

/// Hexadecimal digit helpers shared by the hash types and readers.
public enum HexDigit {
    /// The value of an ASCII hex digit, or `nil`.
    @inlinable @inline(__always)
    public static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }

    /// Lower-case hex text of `bytes`.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
