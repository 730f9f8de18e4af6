/// A parsed JSON value. Objects remember the line they start on, so readers can position diagnostics about records.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The member `key` of an object, or `nil`.
    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object.members[key] }
        return nil
    }

    /// The text of a string value.
    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The text of a string value that is not empty after trimming spaces.
    var text: String? {
        guard let text = string?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// The number of a number value.
    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The elements of an array value.
    var array: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The object of an object value.
    var object: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }
}

/// A JSON object's members (a repeated key keeps its last value) and the line its `{` is on.
struct JSONObject: Sendable {
    /// The members by key.
    var members: [String: JSONValue]
    /// The one-based line of the opening brace.
    var line: Int
}

/// A bounded JSON parser (RFC 8259) that recovers what it can from a damaged document: when it fails, containers that
/// were open keep their complete elements (an array drops the element that was cut, an object drops a scalar member
/// that was cut), so the entries before a truncation survive. Nesting is limited to ``maxDepth``.
struct JSONTreeParser {
    /// The deepest nesting accepted; advisory formats need fewer than 20 levels.
    static let maxDepth = 64

    /// Why a document could not be parsed whole: the line and what was expected there.
    struct Failure: Sendable, Equatable {
        /// The one-based line.
        var line: Int
        /// What was expected, in words.
        var expected: String
    }

    /// The document (complete, or what was recovered), and the failure if it was damaged.
    struct Outcome {
        /// The root value, when anything was recovered.
        var root: JSONValue?
        /// The first failure.
        var failure: Failure?
    }

    /// Parses `bytes` (UTF-8).
    static func parse(_ bytes: [UInt8]) -> Outcome {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONTreeParser(bytes: buffer)
            parser.skipSpace()
            guard parser.index < buffer.count else {
                return Outcome(root: nil, failure: Failure(line: parser.line, expected: "a JSON value"))
            }
            let root = parser.value(depth: 0)
            if parser.failure == nil {
                parser.skipSpace()
                if parser.index < buffer.count { parser.fail("the end of the document after the top-level value") }
            }
            return Outcome(root: root, failure: parser.failure)
        }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var line = 1
    private var failure: Failure?
    private var scratch: [UInt8] = []

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private mutating func fail(_ expected: String) {
        if failure == nil { failure = Failure(line: line, expected: expected) }
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x0A: line += 1
            case 0x20, 0x09, 0x0D: break
            default: return
            }
            index += 1
        }
    }

    private mutating func value(depth: Int) -> JSONValue? {
        skipSpace()
        guard index < bytes.count else {
            fail("a value before the end of the text (a record or file cut short)")
            return nil
        }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else {
                fail("nesting no deeper than \(Self.maxDepth) levels")
                return nil
            }
            return object(depth: depth + 1)
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else {
                fail("nesting no deeper than \(Self.maxDepth) levels")
                return nil
            }
            return array(depth: depth + 1)
        case UInt8(ascii: "\""):
            return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    private mutating func object(depth: Int) -> JSONValue {
        let start = line
        var members: [String: JSONValue] = [:]
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(JSONObject(members: members, line: start))
        }
        while failure == nil {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                fail("a member name in quotes")
                break
            }
            guard let key = string() else { break }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                fail("':' after a member name")
                break
            }
            index += 1
            let member = value(depth: depth)
            if let member {
                switch member {
                case .array, .object: members[key] = member
                default: if failure == nil { members[key] = member }
                }
            }
            guard failure == nil else { break }
            skipSpace()
            guard index < bytes.count else {
                fail("',' or '}' before the end of the text (a record or file cut short)")
                break
            }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                break
            } else {
                fail("',' or '}' after a member")
            }
        }
        return .object(JSONObject(members: members, line: start))
    }

    private mutating func array(depth: Int) -> JSONValue {
        var elements: [JSONValue] = []
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while failure == nil {
            let element = value(depth: depth)
            guard failure == nil else { break }
            if let element { elements.append(element) }
            skipSpace()
            guard index < bytes.count else {
                fail("',' or ']' before the end of the text (a record or file cut short)")
                break
            }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                break
            } else {
                fail("',' or ']' after an array element")
            }
        }
        return .array(elements)
    }

    private mutating func literal(_ word: StaticString, _ result: JSONValue) -> JSONValue? {
        let count = word.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        guard index + count <= bytes.count, bytes[index..<index + count].elementsEqual(expected) else {
            fail("a value (string, number, object, array, true, false or null)")
            return nil
        }
        index += count
        return result
    }

    private mutating func number() -> JSONValue? {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            guard
                byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            else { break }
            index += 1
        }
        guard index > start, index - start <= 64,
            let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        else {
            fail("a value (string, number, object, array, true, false or null)")
            return nil
        }
        // `1e999` parses as infinity, which no advisory number (a CVSS score, a count) can be.
        guard value.isFinite else {
            fail("a finite number (this one is too large for a double)")
            return nil
        }
        return .number(value)
    }

    /// A string starting at the opening quote; escapes decoded, invalid UTF-8 replaced.
    private mutating func string() -> String? {
        index += 1
        let start = index
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return escaped ? unescape(content) : String(decoding: content, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 2
                continue
            }
            if byte < 0x20 {
                if byte == 0x0A { line += 1 }
                fail("a closing quote before the end of the line")
                return nil
            }
            index += 1
        }
        fail("a closing quote before the end of the text (a record or file cut short)")
        return nil
    }

    private mutating func unescape(_ content: UnsafeBufferPointer<UInt8>) -> String? {
        scratch.removeAll(keepingCapacity: true)
        var position = 0
        var pendingHigh: UInt32?
        while position < content.count {
            let byte = content[position]
            guard byte == UInt8(ascii: "\\"), position + 1 < content.count else {
                scratch.append(byte)
                position += 1
                continue
            }
            let code = content[position + 1]
            position += 2
            switch code {
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(code)
            case UInt8(ascii: "u"):
                guard position + 4 <= content.count,
                    let unit = UInt32(
                        String(
                            decoding: UnsafeBufferPointer(rebasing: content[position..<position + 4]), as: UTF8.self),
                        radix: 16)
                else {
                    fail("four hexadecimal digits after \\u")
                    return nil
                }
                position += 4
                if (0xD800..<0xDC00).contains(unit) {
                    pendingHigh = unit
                    continue
                }
                var scalar = unit
                if (0xDC00..<0xE000).contains(unit), let high = pendingHigh {
                    scalar = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)
                }
                pendingHigh = nil
                scratch.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
            default:
                fail("a valid escape sequence")
                return nil
            }
        }
        return String(decoding: scratch, as: UTF8.self)
    }
}
