import Glibc

/// Splits CSV records into field ranges without copying or decoding them: the hot path of the large advisory CSVs.
///
/// A record that ends inside a quoted field continues on the next line; the caller appends a line feed and the next
/// line to the same buffer and calls ``split(_:)`` again, which resumes where it stopped, so a record spanning many
/// lines is still scanned once.
struct CSVFieldSplitter {
    /// What splitting the record so far concluded.
    enum Outcome: Equatable {
        /// Every field is delimited.
        case complete
        /// A quoted field is still open at the end of the buffer.
        case open
        /// Something other than a comma follows a closing quote in field `field` (zero-based).
        case malformed(field: Int)
    }

    /// One field: its content's byte range, and whether it holds doubled quotes to undo.
    struct Field {
        /// Start of the content (after an opening quote).
        var start: Int
        /// End of the content (before a closing quote).
        var end: Int
        /// Whether the content holds `""` pairs.
        var escaped: Bool
    }

    /// The fields found so far.
    private(set) var fields: [Field] = []
    private var position = 0
    private var open: (start: Int, escaped: Bool)?

    init() {
        fields.reserveCapacity(16)
    }

    /// Forgets the record, ready for the next.
    mutating func reset() {
        fields.removeAll(keepingCapacity: true)
        position = 0
        open = nil
    }

    /// Splits `bytes`: the record so far (on a resumed call, the same bytes with more appended).
    mutating func split(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        guard let base = bytes.baseAddress else {
            if open != nil { return .open }
            fields.append(Field(start: 0, end: 0, escaped: false))
            return .complete
        }
        let count = bytes.count
        var index = position
        while true {
            if open == nil, index < count, bytes[index] == UInt8(ascii: "\"") {
                open = (index + 1, false)
                index += 1
            }
            if let (start, escaped) = open {
                var scan = index
                var doubled = escaped
                var closing: Int?
                while scan < count, let hit = memchr(base + scan, Int32(UInt8(ascii: "\"")), count - scan) {
                    let quote = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if quote + 1 < count, bytes[quote + 1] == UInt8(ascii: "\"") {
                        doubled = true
                        scan = quote + 2
                    } else {
                        closing = quote
                        break
                    }
                }
                guard let closing else {
                    open = (start, doubled)
                    position = count
                    return .open
                }
                open = nil
                fields.append(Field(start: start, end: closing, escaped: doubled))
                index = closing + 1
                if index == count { return .complete }
                guard bytes[index] == UInt8(ascii: ",") else { return .malformed(field: fields.count - 1) }
                index += 1
                if index == count {
                    fields.append(Field(start: count, end: count, escaped: false))
                    return .complete
                }
                continue
            }
            let remaining = count - index
            if remaining > 0, let hit = memchr(base + index, Int32(UInt8(ascii: ",")), remaining) {
                let comma = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                fields.append(Field(start: index, end: comma, escaped: false))
                index = comma + 1
                if index == count {
                    fields.append(Field(start: count, end: count, escaped: false))
                    return .complete
                }
            } else {
                fields.append(Field(start: index, end: count, escaped: false))
                return .complete
            }
        }
    }

    /// The bytes of field `index` of `bytes`, with doubled quotes left in (see ``Field/escaped``).
    func raw(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let field = fields[index]
        return UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
    }

    /// The text of field `index` of `bytes`, doubled quotes undone, invalid UTF-8 replaced.
    func string(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        let field = fields[index]
        let raw = UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
        guard field.escaped else { return String(decoding: raw, as: UTF8.self) }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(raw.count)
        var position = 0
        while position < raw.count {
            unescaped.append(raw[position])
            position += raw[position] == UInt8(ascii: "\"") && position + 1 < raw.count ? 2 : 1
        }
        return String(decoding: unescaped, as: UTF8.self)
    }
}
