/// Incremental conversion of a file's bytes to UTF-8, deciding the encoding from its first bytes.
///
/// UTF-8 passes through (a leading BOM removed); UTF-16 with a BOM, or little-endian UTF-16 recognised by its zero high
/// bytes, is transcoded. Invalid UTF-8 passes through unchanged so that readers can report it at its line; unpaired
/// UTF-16 surrogates become U+FFFD.
public struct TextDecoder: Sendable {
    /// The encodings recognised.
    public enum Encoding: Sendable, Equatable {
        case utf8, utf16LittleEndian, utf16BigEndian
    }

    /// The encoding in use, once decided by the first bytes.
    public private(set) var encoding: Encoding?
    private var carry: [UInt8] = []
    private var highSurrogate: UInt16?

    public init() {}

    /// A decoder for text known to be in `encoding` (no detection, no byte-order mark expected).
    public init(encoding: Encoding) {
        self.encoding = encoding
    }

    /// Appends the UTF-8 form of `bytes` to `output`.
    public mutating func decode(_ bytes: ArraySlice<UInt8>, into output: inout [UInt8]) {
        var input = bytes
        if encoding == nil {
            carry.append(contentsOf: input)
            guard carry.count >= 4 else { return }
            input = ArraySlice(carry)
            carry = []
            let (detected, bomLength) = TextDecoder.detect(input)
            encoding = detected
            input = input.dropFirst(bomLength)
        }
        switch encoding {
        case .utf8?, nil: output.append(contentsOf: input)
        case .utf16LittleEndian?: transcode(input, littleEndian: true, into: &output)
        case .utf16BigEndian?: transcode(input, littleEndian: false, into: &output)
        }
    }

    /// Flushes bytes held back while the encoding was undecided or a code unit was split.
    public mutating func finish(into output: inout [UInt8]) {
        if encoding == nil, !carry.isEmpty {
            let input = ArraySlice(carry)
            carry = []
            let (detected, bomLength) = TextDecoder.detect(input)
            encoding = detected
            decode(input.dropFirst(bomLength), into: &output)
        }
        if highSurrogate != nil || !carry.isEmpty {
            output.append(contentsOf: [0xEF, 0xBF, 0xBD])
            highSurrogate = nil
            carry = []
        }
    }

    /// The encoding of a file starting with `prefix`, and the length of its byte-order mark.
    public static func detect(_ prefix: ArraySlice<UInt8>) -> (Encoding, Int) {
        let bytes = Array(prefix.prefix(512))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8, 3) }
        if bytes.starts(with: [0xFF, 0xFE]) { return (.utf16LittleEndian, 2) }
        if bytes.starts(with: [0xFE, 0xFF]) { return (.utf16BigEndian, 2) }
        let pairs = bytes.count / 2
        guard pairs >= 2 else { return (.utf8, 0) }
        let zeroHigh = stride(from: 1, to: pairs * 2, by: 2).filter { bytes[$0] == 0 }.count
        let zeroLow = stride(from: 0, to: pairs * 2, by: 2).filter { bytes[$0] == 0 }.count
        if zeroHigh * 10 >= pairs * 9, zeroLow == 0 { return (.utf16LittleEndian, 0) }
        return (.utf8, 0)
    }

    private mutating func transcode(_ bytes: ArraySlice<UInt8>, littleEndian: Bool, into output: inout [UInt8]) {
        var input = bytes
        if !carry.isEmpty {
            input = ArraySlice(carry + input)
            carry = []
        }
        var index = input.startIndex
        while index + 1 < input.endIndex {
            let first = UInt16(input[index])
            let second = UInt16(input[index + 1])
            index += 2
            let unit = littleEndian ? first | second << 8 : first << 8 | second
            appendUnit(unit, to: &output)
        }
        if index < input.endIndex { carry = [input[index]] }
    }

    private mutating func appendUnit(_ unit: UInt16, to output: inout [UInt8]) {
        if let high = highSurrogate {
            highSurrogate = nil
            if (0xDC00...0xDFFF).contains(unit) {
                let scalar = 0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00)
                appendScalar(scalar, to: &output)
                return
            }
            output.append(contentsOf: [0xEF, 0xBF, 0xBD])
        }
        switch unit {
        case 0xD800...0xDBFF: highSurrogate = unit
        case 0xDC00...0xDFFF: output.append(contentsOf: [0xEF, 0xBF, 0xBD])
        default: appendScalar(UInt32(unit), to: &output)
        }
    }

    private func appendScalar(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
