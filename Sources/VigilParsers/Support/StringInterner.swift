import VigilIO

/// Makes equal byte strings share one `String`, so that a million accounts naming the same few thousand groups hold a
/// few thousand strings. Bounded: past ``capacity`` distinct values it stops remembering new ones.
struct StringInterner {
    /// The most distinct values remembered (hostile input cannot grow it without bound).
    static let capacity = 1 << 18

    private var table: [Int: String] = [:]

    /// The string for UTF-8 `bytes`, or `nil` if they are not valid UTF-8.
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        let key = hasher.finalize()
        if let known = table[key], Self.equal(known, bytes) { return known }
        guard let value = ASCII.string(bytes) else { return nil }
        if table.count < Self.capacity, table[key] == nil { table[key] = value }
        return value
    }

    private static func equal(_ string: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var string = string
        return string.withUTF8 {
            $0.count == bytes.count
                && ($0.isEmpty || ByteSearch.equal($0.baseAddress!, bytes.baseAddress!, count: bytes.count))
        }
    }
}
