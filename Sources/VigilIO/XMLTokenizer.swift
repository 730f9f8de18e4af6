/// Receives the events of an XML stream.
public protocol XMLEventHandler {
    /// A start tag (`empty` for `<c r="A1"/>`); `tag` is everything between `<` and `>`, `name` its local name (the
    /// part after any `prefix:`).
    mutating func start(name: UnsafeBufferPointer<UInt8>, tag: UnsafeBufferPointer<UInt8>, empty: Bool)
    /// An end tag's local name.
    mutating func end(name: UnsafeBufferPointer<UInt8>)
    /// Character data, entities already decoded; may arrive in pieces.
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>)
    /// A `<!…>` declaration other than a comment or CDATA section (`<!DOCTYPE …>`, `<!ENTITY …>`), everything between
    /// `<!` and the first `>`. The tokenizer never acts on one; a reader that must refuse DTDs does so here.
    mutating func declaration(_ tag: UnsafeBufferPointer<UInt8>)
    /// Where the markup whose event comes next (start tags, end tags and declarations) starts: the offset of its `<`
    /// in the stream and its line, from 1. Called only when ``XMLTokenizer/reportsPositions`` is set.
    mutating func position(offset: Int, line: Int)
}

extension XMLEventHandler {
    /// Declarations are skipped by default.
    public mutating func declaration(_ tag: UnsafeBufferPointer<UInt8>) {}
    /// Positions are ignored by default.
    public mutating func position(offset: Int, line: Int) {}
}

/// A streaming XML tokenizer: elements, attributes and text, fed in chunks, in bounded memory. The scanner reads
/// Office Open XML parts with it and the CVRF reader Microsoft's advisory documents.
///
/// It is deliberately small: no DTD is read, so no entity is ever defined or expanded beyond the five predefined ones
/// and character references (`&#931;`); `<!DOCTYPE …>` and processing instructions are skipped (declarations are
/// reported to the handler, which may refuse them). External entities, "billion laughs" and other entity attacks
/// therefore have nothing to work with, and nesting depth costs nothing. It checks no well-formedness beyond finding
/// where constructs end: names are handed over as bytes, unvalidated, and a reader that needs text validates them.
///
/// The hot paths are `@inlinable` so that a handler in another target is called directly, not through a witness table.
public struct XMLTokenizer {
    /// The longest tag or uninterrupted text held before it is cut (text) or given up on (tags).
    public static let maxPending = 1 << 20

    @usableFromInline var pending: [UInt8] = []
    @usableFromInline var decoded: [UInt8] = []
    /// The stream offset of `pending[0]`.
    @usableFromInline var base = 0
    /// Line feeds before `pending[0]` (counted only when ``reportsPositions`` is set).
    @usableFromInline var lineFeeds = 0
    /// Whether the handler is told where each tag starts (line numbers cost a count of line feeds).
    public var reportsPositions = false
    /// Set when a tag longer than ``maxPending`` made the stream unreadable.
    public var malformed: Bool { malformedFlag }
    @usableFromInline var malformedFlag = false

    /// A tokenizer at the start of a stream.
    public init() {
        pending.reserveCapacity(1 << 16)
        decoded.reserveCapacity(1 << 12)
    }

    /// How many bytes have been consumed (handled, or given up on) so far.
    public var consumed: Int { base }

    /// The line the consumed bytes end on, from 1 (kept only when ``reportsPositions`` is set).
    public var line: Int { lineFeeds + 1 }

    /// Feeds the next bytes of the stream; events for every complete construct go to `handler`.
    @inlinable
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, to handler: inout some XMLEventHandler) {
        guard !malformedFlag else { return }
        pending.append(contentsOf: bytes.bindMemory(to: UInt8.self))
        var consumed = 0
        var local = pending
        pending = []
        local.withUnsafeBufferPointer { buffer in
            consumed = process(buffer, handler: &handler, final: false)
        }
        if reportsPositions { countLineFeeds(local, upTo: consumed) }
        local.removeSubrange(0..<consumed)
        base += consumed
        pending = local
        if pending.count > Self.maxPending {
            // An endless tag or comment: the rest of the part cannot be read.
            malformedFlag = true
            pending = []
        }
    }

    /// Ends the stream: trailing text is delivered.
    @inlinable
    public mutating func finish(to handler: inout some XMLEventHandler) {
        guard !malformedFlag, !pending.isEmpty else { return }
        let local = pending
        pending = []
        local.withUnsafeBufferPointer { buffer in _ = process(buffer, handler: &handler, final: true) }
        if reportsPositions { countLineFeeds(local, upTo: local.count) }
        base += local.count
    }

    @inlinable
    mutating func countLineFeeds(_ bytes: [UInt8], upTo end: Int) {
        bytes.withUnsafeBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return }
            lineFeeds += SWAR.count(0x0A, start, from: 0, end: end)
        }
    }

    /// Handles complete constructs in `buffer`, returning how many bytes were consumed.
    @inlinable
    mutating func process(
        _ buffer: UnsafeBufferPointer<UInt8>, handler: inout some XMLEventHandler, final: Bool
    ) -> Int {
        guard let start = buffer.baseAddress else { return 0 }
        let count = buffer.count
        var index = 0
        // Line feeds in `buffer[0..<counted]`, for positions.
        var counted = 0
        var lineFeedsBefore = lineFeeds
        while index < count {
            let open = SWAR.firstOf(UInt8(ascii: "<"), UInt8(ascii: "<"), start, from: index, end: count)
            if open > index {
                if open == count, !final, count - index < Self.maxPending {
                    // Text may go on in the next chunk; keep it unless it is very long.
                    return index
                }
                emitText(start, from: index, to: open, handler: &handler)
                index = open
                if open == count { return count }
            }
            // A markup construct starting at `open`.
            guard open + 1 < count else { return final ? count : open }
            let first = start[open + 1]
            if first == UInt8(ascii: "!") {
                if Self.matches(start, open, count, "<!--") {
                    guard let close = Self.find(start, from: open + 4, count, "-->") else {
                        return final ? count : open
                    }
                    index = close + 3
                    continue
                }
                if Self.matches(start, open, count, "<![CDATA[") {
                    guard let close = Self.find(start, from: open + 9, count, "]]>") else {
                        return final ? count : open
                    }
                    handler.text(UnsafeBufferPointer(rebasing: buffer[(open + 9)..<close]))
                    index = close + 3
                    continue
                }
            }
            let close = SWAR.firstOf(UInt8(ascii: ">"), UInt8(ascii: ">"), start, from: open + 1, end: count)
            guard close < count else { return final ? count : open }
            index = close + 1
            if first == UInt8(ascii: "?") { continue }
            if reportsPositions {
                lineFeedsBefore += SWAR.count(0x0A, start, from: counted, end: open)
                counted = open
                handler.position(offset: base + open, line: lineFeedsBefore + 1)
            }
            if first == UInt8(ascii: "!") {
                handler.declaration(UnsafeBufferPointer(rebasing: buffer[(open + 2)..<close]))
                continue
            }
            if first == UInt8(ascii: "/") {
                handler.end(name: Self.localName(start, from: open + 2, to: close))
                continue
            }
            let empty = close > open + 1 && start[close - 1] == UInt8(ascii: "/")
            let tagEnd = empty ? close - 1 : close
            handler.start(
                name: Self.localName(start, from: open + 1, to: tagEnd),
                tag: UnsafeBufferPointer(rebasing: buffer[(open + 1)..<tagEnd]), empty: empty)
        }
        return count
    }

    @inlinable
    mutating func emitText(
        _ start: UnsafePointer<UInt8>, from first: Int, to end: Int, handler: inout some XMLEventHandler
    ) {
        let raw = UnsafeBufferPointer(start: start + first, count: end - first)
        guard SWAR.firstOf(UInt8(ascii: "&"), UInt8(ascii: "&"), start, from: first, end: end) < end else {
            handler.text(raw)
            return
        }
        decoded.removeAll(keepingCapacity: true)
        Self.decodeEntities(raw, into: &decoded)
        decoded.withUnsafeBufferPointer { handler.text($0) }
    }

    /// Decodes `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and `&#…;`; any other `&` is kept as written.
    public static func decodeEntities(_ raw: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
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
    @inlinable
    static func localName(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> UnsafeBufferPointer<UInt8> {
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

    @inlinable
    static func matches(_ base: UnsafePointer<UInt8>, _ index: Int, _ count: Int, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard index + length <= count else { return false }
        for offset in 0..<length where base[index + offset] != literal.utf8Start[offset] { return false }
        return true
    }

    @inlinable
    static func find(_ base: UnsafePointer<UInt8>, from: Int, _ count: Int, _ literal: StaticString) -> Int? {
        var index = from
        while index + literal.utf8CodeUnitCount <= count {
            if matches(base, index, count, literal) { return index }
            index += 1
        }
        return nil
    }

    /// Where the value of attribute `name` lies in a start tag, without decoding it (for values that hold no entity:
    /// cell references, types), sparing an allocation per cell.
    @inlinable
    public static func attributeRange(_ tag: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Range<Int>? {
        let length = name.utf8CodeUnitCount
        var index = 0
        let count = tag.count
        guard let pointer = tag.baseAddress else { return nil }
        while index + length + 2 < count {
            let before = tag[index]
            if before == 0x20 || before == 0x09 || before == 0x0A || before == 0x0D,
                matches(pointer, index + 1, count, name), tag[index + 1 + length] == UInt8(ascii: "=")
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

    /// The value of attribute `name` in a start tag (qualified names compared, so `r:id` matches only `r:id`),
    /// entities decoded.
    public static func attribute(_ tag: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> [UInt8]? {
        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        return firstAttribute(tag) { written in
            written.count == wanted.count && zip(written, wanted).allSatisfy(==)
        }
    }

    /// The value of the first attribute written `prefix:localName`, whatever the prefix (`xmlns:` declarations aside),
    /// entities decoded: an Office relationship id is `r:id` as Excel writes it and `d3p1:id` as .NET's serialiser
    /// does. The prefix's namespace is not checked; ask for the usual qualified name first.
    public static func prefixedAttribute(_ tag: UnsafeBufferPointer<UInt8>, localName: StaticString) -> [UInt8]? {
        let wanted = UnsafeBufferPointer(start: localName.utf8Start, count: localName.utf8CodeUnitCount)
        return firstAttribute(tag) { written in
            guard let colon = written.lastIndex(of: UInt8(ascii: ":")), colon > written.startIndex,
                !(colon - written.startIndex == 5 && zip(written, "xmlns".utf8).allSatisfy(==))
            else { return false }
            let local = written[(colon + 1)...]
            return local.count == wanted.count && zip(local, wanted).allSatisfy(==)
        }
    }

    /// The value of the first attribute in a start tag whose written name `matches`, entities decoded.
    private static func firstAttribute(
        _ tag: UnsafeBufferPointer<UInt8>, matches: (Slice<UnsafeBufferPointer<UInt8>>) -> Bool
    ) -> [UInt8]? {
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
            if matches(tag[nameStart..<nameEnd]) {
                var value: [UInt8] = []
                decodeEntities(UnsafeBufferPointer(rebasing: tag[valueStart..<min(valueEnd, count)]), into: &value)
                return value
            }
        }
        return nil
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes are the ASCII `literal`.
    @inlinable
    public func equals(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        guard let start = baseAddress else { return true }
        return XMLTokenizer.matches(start, 0, count, literal)
    }
}
