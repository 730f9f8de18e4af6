/// Strict base64 decoding (RFC 4648 alphabet, padding optional, no whitespace) without going through `String`/`Data`.
enum Base64 {
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        return table
    }()

    /// Appends the decoding of `text` to `output`; returns `false` (leaving `output` as it was) if `text` is not
    /// valid base64.
    static func decode(_ text: [UInt8], appendingTo output: inout [UInt8]) -> Bool {
        var end = text.count
        while end > 0, text[end - 1] == UInt8(ascii: " ") { end -= 1 }
        var padding = 0
        while end > 0, text[end - 1] == UInt8(ascii: "="), padding < 2 {
            end -= 1
            padding += 1
        }
        if padding > 0, (end + padding) % 4 != 0 { return false }
        if end % 4 == 1 { return false }
        let original = output.count
        var accumulator: UInt32 = 0
        var bits = 0
        for index in 0..<end {
            let value = table[Int(text[index])]
            guard value != 0xFF else {
                output.removeSubrange(original...)
                return false
            }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return true
    }
}
