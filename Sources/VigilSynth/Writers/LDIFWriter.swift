import VigilCore

/// Writes Active Directory entries as `ldapsearch -LLL` does: values folded at 76 columns, binary and unsafe values
/// base64-encoded after `::`.
struct LDIFWriter {
    private let output: EstateFileWriter
    static let foldWidth = 76

    init(path: String) throws(SynthError) {
        output = try EstateFileWriter(path: path)
        try output.write("version: 1\n\n")
    }

    /// One entry: `dn`, then each attribute in order. Values holding bytes are written base64.
    func entry(_ dn: String, _ attributes: [(String, LDIFValue)]) throws(SynthError) {
        try line("dn", .text(dn))
        for (name, value) in attributes { try line(name, value) }
        try output.write("\n")
    }

    func close() throws(SynthError) { try output.close() }

    private func line(_ name: String, _ value: LDIFValue) throws(SynthError) {
        var text: [UInt8]
        switch value {
        case .text(let string) where Self.isSafe(string):
            text = Array("\(name): \(string)".utf8)
        case .text(let string):
            text = Array("\(name):: \(Self.base64(Array(string.utf8)))".utf8)
        case .bytes(let bytes):
            text = Array("\(name):: \(Self.base64(bytes))".utf8)
        }
        var start = 0
        var width = Self.foldWidth
        while text.count - start > width {
            try output.write(bytes: text[start..<start + width])
            try output.write("\n ")
            start += width
            width = Self.foldWidth - 1
        }
        try output.write(bytes: text[start...])
        try output.write("\n")
    }

    /// RFC 2849 SAFE-STRING: ASCII, no NUL/LF/CR, not starting with space, `:` or `<`, not ending in space.
    static func isSafe(_ string: String) -> Bool {
        guard let first = string.utf8.first else { return true }
        if first == UInt8(ascii: " ") || first == UInt8(ascii: ":") || first == UInt8(ascii: "<") { return false }
        if string.utf8.last == UInt8(ascii: " ") { return false }
        return string.utf8.allSatisfy { $0 < 0x80 && $0 != 0 && $0 != 0x0A && $0 != 0x0D }
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        var index = 0
        while index + 2 < bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { output.append(alphabet[Int(value >> UInt32(shift) & 0x3F)]) }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let value = UInt32(bytes[index]) << 16 | (rest > 1 ? UInt32(bytes[index + 1]) << 8 : 0)
            output.append(alphabet[Int(value >> 18 & 0x3F)])
            output.append(alphabet[Int(value >> 12 & 0x3F)])
            output.append(rest > 1 ? alphabet[Int(value >> 6 & 0x3F)] : UInt8(ascii: "="))
            output.append(UInt8(ascii: "="))
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// An LDIF attribute value.
enum LDIFValue {
    case text(String)
    case bytes([UInt8])
}

extension SecurityIdentifier {
    /// The binary form AD stores in `objectSid`.
    var binary: [UInt8] {
        var bytes: [UInt8] = [1, UInt8(subAuthorities.count)]
        for shift in stride(from: 40, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: authority >> UInt64(shift)))
        }
        for sub in subAuthorities {
            for shift in [0, 8, 16, 24] { bytes.append(UInt8(truncatingIfNeeded: sub >> UInt32(shift))) }
        }
        return bytes
    }
}
