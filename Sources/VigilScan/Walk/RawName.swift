/// File names as the file system stores them — bytes, not necessarily UTF-8 — carried in `String`s without loss.
///
/// Linux names are any bytes but `/` and NUL; a share written from an old Windows or Mac machine holds Latin-1 names
/// (`caf\xE9.csv`). Decoded as UTF-8 with replacement, such a name no longer opens, and the file was silently never
/// scanned. Instead, a name that is not UTF-8 keeps each byte 0x80–0xFF as the private-use character U+F700 plus the
/// byte (as Python's "surrogateescape" does with surrogates, which Swift strings cannot hold), and ``bytes(_:)`` turns
/// paths back into the exact bytes for system calls. A UTF-8 name that itself holds U+F780–U+F7FF is escaped the same
/// way, so the mapping is always reversible. Reports show escaped bytes as `\xE9` (``display(_:)``).
enum RawName {
    private static let base: UInt32 = 0xF700

    /// The name whose bytes are `raw`.
    static func decode(_ raw: UnsafeRawBufferPointer) -> String {
        if let text = String(validating: raw, as: UTF8.self), !text.unicodeScalars.contains(where: isEscape) {
            return text
        }
        var scalars = String.UnicodeScalarView()
        for byte in raw {
            scalars.append(byte < 0x80 ? Unicode.Scalar(byte) : Unicode.Scalar(base + UInt32(byte))!)
        }
        return String(scalars)
    }

    /// The bytes `path` stands for, NUL-terminated, for a system call.
    static func bytes(_ path: String) -> [CChar] {
        var result: [CChar] = []
        result.reserveCapacity(path.utf8.count + 1)
        if path.unicodeScalars.contains(where: isEscape) {
            for scalar in path.unicodeScalars {
                if isEscape(scalar) {
                    result.append(CChar(bitPattern: UInt8(scalar.value - base)))
                } else {
                    for unit in String(scalar).utf8 { result.append(CChar(bitPattern: unit)) }
                }
            }
        } else {
            for unit in path.utf8 { result.append(CChar(bitPattern: unit)) }
        }
        result.append(0)
        return result
    }

    /// `path` for people: escaped bytes as `\xE9`.
    static func display(_ path: String) -> String {
        guard path.unicodeScalars.contains(where: isEscape) else { return path }
        var result = ""
        for scalar in path.unicodeScalars {
            if isEscape(scalar) {
                let byte = String(scalar.value - base, radix: 16, uppercase: true)
                result += "\\x" + (byte.count < 2 ? "0" : "") + byte
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isEscape(_ scalar: Unicode.Scalar) -> Bool {
        (base + 0x80...base + 0xFF).contains(scalar.value)
    }
}
