/// JSON string content as `JSONEncoder` writes it with `.withoutEscapingSlashes`, for the writers that produce its
/// bytes directly (``FindingJSONWriter``, ``CoveredJSONWriter``).
enum JSONText {
    /// Appends the text of a JSON string, without its quotes, escaped as `JSONEncoder` escapes it.
    static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        let contiguous: Void? = text.utf8.withContiguousStorageIfAvailable { utf8 in
            if isPlain(utf8) { bytes += utf8 } else { escape(utf8, to: &bytes) }
        }
        if contiguous == nil { escape(Array(text.utf8), to: &bytes) }
    }

    private static func escape(_ utf8: some Collection<UInt8>, to bytes: inout [UInt8]) {
        for byte in utf8 {
            switch byte {
            case 0x22: bytes += [0x5C, 0x22]
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x08: bytes += [0x5C, 0x62]
            case 0x0C: bytes += [0x5C, 0x66]
            case 0x0A: bytes += [0x5C, 0x6E]
            case 0x0D: bytes += [0x5C, 0x72]
            case 0x09: bytes += [0x5C, 0x74]
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
    }

    /// Whether `utf8` holds nothing `JSONEncoder` escapes (a control character, `"` or `\`), looked at eight bytes at
    /// a time: most text in findings is plain and long.
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(utf8)
        var offset = 0
        while offset + 8 <= raw.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            if hasByte(below: 0x20, word) || hasByte(0x22, word) || hasByte(0x5C, word) { return false }
            offset += 8
        }
        return !raw[offset...].contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether a byte of `word` is below `limit` (at most 0x80).
    private static func hasByte(below limit: UInt8, _ word: UInt64) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highBits != 0
    }

    /// Whether a byte of `word` is `byte`.
    private static func hasByte(_ byte: UInt8, _ word: UInt64) -> Bool {
        hasByte(below: 1, word ^ (ones &* UInt64(byte)))
    }
}
