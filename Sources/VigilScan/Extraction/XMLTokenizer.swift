import Glibc

/// Receives the events of an XML stream.
protocol XMLEventHandler {
    /// A start tag (`empty` for `<c r="A1"/>`); `tag` is everything between `<` and `>`, `name` its local name (the
    /// part after any `prefix:`).
    mutating func start(name: UnsafeBufferPointer<UInt8>, tag: UnsafeBufferPointer<UInt8>, empty: Bool)
    /// An end tag's local name.
    mutating func end(name: UnsafeBufferPointer<UInt8>)
    /// Character data, entities already decoded; may arrive in pieces.
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// A streaming XML tokenizer for Office Open XML parts: elements, attributes and text, fed in chunks, in bounded memory.
///
/// It is deliberately small: no DTD is read, so no entity is ever defined or expanded beyond the five predefined ones
/// and character references (`&#931;`); `<!DOCTYPE …>` and processing instructions are skipped. External entities,
/// "billion laughs" and other entity attacks therefore have nothing to work with, and nesting depth costs nothing.
struct XMLTokenizer {
    /// The longest tag or uninterrupted text held before it is cut (text) or given up on (tags).
    static let maxPending = 1 << 20

    private var pending: [UInt8] = []
    private var decoded: [UInt8] = []
    /// Set when a tag longer than ``maxPending`` made the stream unreadable.
    private(set) var malformed = false

    init() {
        pending.reserveCapacity(1 << 16)
        decoded.reserveCapacity(1 << 12)
    }

    /// Feeds the next bytes of the stream; events for every complete construct go to `handler`.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, to handler: inout some XMLEventHandler) {
        guard !malformed else { return }
        pending.append(contentsOf: bytes.bindMemory(to: UInt8.self))
        var consumed = 0
        var local = pending
        pending = []
        local.withUnsafeBufferPointer { buffer in
            consumed = process(buffer, handler: &handler, final: false)
        }
        local.removeSubrange(0..<consumed)
        pending = local
        if pending.count > Self.maxPending {
            // An endless tag or comment: the rest of the part cannot be read.
            malformed = true
            pending = []
        }
    }

    /// Ends the stream: trailing text is delivered.
    mutating func finish(to handler: inout some XMLEventHandler) {
        guard !malformed, !pending.isEmpty else { return }
        let local = pending
        pending = []
        local.withUnsafeBufferPointer { buffer in _ = process(buffer, handler: &handler, final: true) }
    }

    /// Handles complete constructs in `buffer`, returning how many bytes were consumed.
    private mutating func process(
        _ buffer: UnsafeBufferPointer<UInt8>, handler: inout some XMLEventHandler, final: Bool
    ) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        let count = buffer.count
        var index = 0
        while index < count {
            let open = SWAR.firstOf(UInt8(ascii: "<"), UInt8(ascii: "<"), base, from: index, end: count)
            if open > index {
                if open == count, !final, count - index < Self.maxPending {
                    // Text may go on in the next chunk; keep it unless it is very long.
                    return index
                }
                emitText(base, from: index, to: open, handler: &handler)
                index = open
                if open == count { return count }
            }
            // A markup construct starting at `open`.
            guard open + 1 < count else { return final ? count : open }
            let first = base[open + 1]
            if first == UInt8(ascii: "!") {
                if matches(base, open, count, "<!--") {
                    guard let close = find(base, from: open + 4, count, "-->") else { return final ? count : open }
                    index = close + 3
                    continue
                }
                if matches(base, open, count, "<![CDATA[") {
                    guard let close = find(base, from: open + 9, count, "]]>") else { return final ? count : open }
                    handler.text(UnsafeBufferPointer(rebasing: buffer[(open + 9)..<close]))
                    index = close + 3
                    continue
                }
            }
            let close = SWAR.firstOf(UInt8(ascii: ">"), UInt8(ascii: ">"), base, from: open + 1, end: count)
            guard close < count else { return final ? count : open }
            index = close + 1
            if first == UInt8(ascii: "?") || first == UInt8(ascii: "!") { continue }
            if first == UInt8(ascii: "/") {
                handler.end(name: Self.localName(base, from: open + 2, to: close))
                continue
            }
            let empty = close > open + 1 && base[close - 1] == UInt8(ascii: "/")
            let tagEnd = empty ? close - 1 : close
            handler.start(
                name: Self.localName(base, from: open + 1, to: tagEnd),
                tag: UnsafeBufferPointer(rebasing: buffer[(open + 1)..<tagEnd]), empty: empty)
        }
        return count
    }

    private mutating func emitText(
        _ base: UnsafePointer<UInt8>, from start: Int, to end: Int, handler: inout some XMLEventHandler
    ) {
        let raw = UnsafeBufferPointer(start: base + start, count: end - start)
        guard memchr(base + start, Int32(UInt8(ascii: "&")), end - start) != nil else {
            handler.text(raw)
            return
        }
        decoded.removeAll(keepingCapacity: true)
        Self.decodeEntities(raw, into: &decoded)
        decoded.withUnsafeBufferPointer { handler.text($0) }
    }

    /// Decodes `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and `&#…;`; any other `&` is kept as written.
    static func decodeEntities(_ raw: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "&"),
                let semicolon = (index + 1..<min(raw.count, index + 12)).first(where: {
                    raw[$0] == UInt8(ascii: ";")
                })
            else {
                output.append(byte)
                index += 1
                continue
            }
            let name = Array(raw[(index + 1)..<semicolon])
            var replacement: [UInt8]?
            switch name {
            case Array("lt".utf8): replacement = [UInt8(ascii: "<")]
            case Array("gt".utf8): replacement = [UInt8(ascii: ">")]
            case Array("amp".utf8): replacement = [UInt8(ascii: "&")]
            case Array("quot".utf8): replacement = [UInt8(ascii: "\"")]
            case Array("apos".utf8): replacement = [UInt8(ascii: "'")]
            default:
                if name.first == UInt8(ascii: "#") {
                    let digits = name.dropFirst()
                    let scalar: UInt32? =
                        digits.first == UInt8(ascii: "x") || digits.first == UInt8(ascii: "X")
                        ? UInt32(String(decoding: digits.dropFirst(), as: UTF8.self), radix: 16)
                        : UInt32(String(decoding: digits, as: UTF8.self))
                    if let scalar, let value = Unicode.Scalar(scalar) { replacement = Array(String(value).utf8) }
                }
            }
            if let replacement {
                output.append(contentsOf: replacement)
                index = semicolon + 1
            } else {
                output.append(byte)
                index += 1
            }
        }
    }

    /// The local name of the element whose name starts at `start` (after `<` or `</`).
    private static func localName(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> UnsafeBufferPointer<
        UInt8
    > {
        var nameEnd = start
        var localStart = start
        while nameEnd < end {
            let byte = base[nameEnd]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: "/") { break }
            if byte == UInt8(ascii: ":") { localStart = nameEnd + 1 }
            nameEnd += 1
        }
        return UnsafeBufferPointer(start: base + localStart, count: nameEnd - localStart)
    }

    private func matches(_ base: UnsafePointer<UInt8>, _ index: Int, _ count: Int, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard index + length <= count else { return false }
        return memcmp(base + index, literal.utf8Start, length) == 0
    }

    private func find(_ base: UnsafePointer<UInt8>, from: Int, _ count: Int, _ literal: StaticString) -> Int? {
        let length = literal.utf8CodeUnitCount
        var index = from
        while index + length <= count {
            if memcmp(base + index, literal.utf8Start, length) == 0 { return index }
            index += 1
        }
        return nil
    }

    /// Where the value of attribute `name` lies in a start tag, without decoding it (for values that hold no entity:
    /// cell references, types), sparing an allocation per cell.
    static func attributeRange(_ tag: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Range<Int>? {
        let length = name.utf8CodeUnitCount
        var index = 0
        let count = tag.count
        while index + length + 2 < count {
            let before = tag[index]
            if before == 0x20 || before == 0x09 || before == 0x0A || before == 0x0D,
                memcmp(tag.baseAddress! + index + 1, name.utf8Start, length) == 0,
                tag[index + 1 + length] == UInt8(ascii: "=")
            {
                let quote = tag[index + 2 + length]
                guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
                let start = index + 3 + length
                var end = start
                while end < count, tag[end] != quote { end += 1 }
                return start..<end
            }
            index += 1
        }
        return nil
    }

    /// The value of attribute `name` in a start tag (local names compared, so `r:id` matches `id` only when asked
    /// for `r:id`), entities decoded.
    static func attribute(_ tag: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> [UInt8]? {
        let length = name.utf8CodeUnitCount
        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: length)
        var index = 0
        let count = tag.count
        while index < count {
            // Find the next attribute name start (after whitespace).
            while index < count, tag[index] != 0x20, tag[index] != 0x09, tag[index] != 0x0A, tag[index] != 0x0D {
                index += 1
            }
            while index < count, tag[index] == 0x20 || tag[index] == 0x09 || tag[index] == 0x0A || tag[index] == 0x0D {
                index += 1
            }
            let nameStart = index
            while index < count, tag[index] != UInt8(ascii: "="), tag[index] != 0x20 { index += 1 }
            let nameEnd = index
            guard index < count, tag[index] == UInt8(ascii: "=") else { continue }
            index += 1
            guard index < count, tag[index] == UInt8(ascii: "\"") || tag[index] == UInt8(ascii: "'") else { continue }
            let quote = tag[index]
            index += 1
            let valueStart = index
            while index < count, tag[index] != quote { index += 1 }
            let valueEnd = index
            index += 1
            if nameEnd - nameStart == length, zip(tag[nameStart..<nameEnd], wanted).allSatisfy(==) {
                var value: [UInt8] = []
                decodeEntities(UnsafeBufferPointer(rebasing: tag[valueStart..<valueEnd]), into: &value)
                return value
            }
        }
        return nil
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes are the ASCII `literal`.
    func equals(_ literal: StaticString) -> Bool {
        count == literal.utf8CodeUnitCount && (count == 0 || memcmp(baseAddress!, literal.utf8Start, count) == 0)
    }
}
