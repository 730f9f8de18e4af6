/// Splits a JSON array, streamed line by line, into the text of its elements, so that a large `osqueryi --json` result
/// is parsed one row at a time in bounded memory. Elements nested deeper than ``maxDepth`` or longer than
/// ``maxElementLength`` are skipped and reported, never parsed.
///
/// The array may also be a member of a top-level object (``init(member:)``): a FHIR `Bundle`'s `entry`. The object's
/// other members are stepped over byte by byte, never kept, so a bundle of any size streams the same way.
public struct JSONArraySplitter: Sendable {
    /// The deepest nesting accepted inside an element (osquery rows are flat objects).
    public static let maxDepth = 64
    /// The longest element accepted.
    public static let maxElementLength = 4 << 20

    /// What the bytes seen so far completed.
    public enum Event: Sendable {
        /// An element's text and the line it starts on.
        case element([UInt8], line: Int)
        /// An element nested too deeply, skipped.
        case tooDeep(line: Int)
        /// An element over the length limit, skipped.
        case tooLong(line: Int)
        /// An element that is not an object (a number, a string, an array…), skipped; the elements after it are read.
        case notObject(line: Int)
        /// The text is not a JSON array of values; nothing after this is read.
        case malformed(line: Int, expected: String)
    }

    private enum Position {
        case beforeArray, betweenElements, inElement, skippingElement, afterArray, inWrapper, failed
    }

    /// The member of a top-level object whose value is the array, or `nil` for a top-level array.
    private let member: [UInt8]?
    private var position = Position.beforeArray
    /// Inside the wrapping object: the string just closed at its top level, and the key whose value comes next.
    private var wrapperText: [UInt8] = []
    private var wrapperKey: [UInt8]?
    private var sawMember = false
    private var depth = 0
    private var strings = JSONStrings()
    private var buffer: [UInt8] = []
    private var elementLine = 0
    private var tooDeep = false
    private var tooLong = false
    private var lastLine = 0

    /// A splitter for a top-level JSON array.
    public init() {
        member = nil
    }

    /// A splitter for the array that is the value of `member` in a top-level object (`{"resourceType": "Bundle",
    /// "entry": [...]}`).
    public init(member: String) {
        self.member = Array(member.utf8)
    }

    /// Whether the wrapping object had the member (always `true` for a top-level array); meaningful after ``finish(_:)``.
    public var foundArray: Bool { member == nil || sawMember }

    /// Adds one line (without its line end), calling `emit` for each element it completes.
    public mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, _ emit: (Event) -> Void) {
        lastLine = line
        for byte in bytes { consume(byte, line: line, emit) }
        if position == .inElement { append(0x0A) }
    }

    /// Reports an array left open at the end of the input.
    public mutating func finish(_ emit: (Event) -> Void) {
        if position == .betweenElements || position == .inElement || position == .skippingElement
            || position == .inWrapper
        {
            emit(
                .malformed(
                    line: position == .inElement || position == .skippingElement ? elementLine : lastLine,
                    expected: position == .inWrapper
                        ? "the object to be closed by '}'" : "the array to be closed by ']'"))
        }
        position = .failed
    }

    private mutating func consume(_ byte: UInt8, line: Int, _ emit: (Event) -> Void) {
        let isSpace = byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
        switch position {
        case .failed:
            return
        case .beforeArray:
            if isSpace { return }
            if member != nil {
                guard byte == UInt8(ascii: "{") else {
                    fail(line: line, expected: "a JSON object ('{')", emit)
                    return
                }
                position = .inWrapper
                depth = 1
            } else if byte == UInt8(ascii: "[") {
                position = .betweenElements
            } else {
                fail(line: line, expected: "a JSON array ('[')", emit)
            }
        case .afterArray:
            if !isSpace { fail(line: line, expected: "nothing after the array's closing ']'", emit) }
        case .inWrapper:
            wrapper(byte, isSpace: isSpace, line: line, emit)
        case .betweenElements:
            if isSpace || byte == UInt8(ascii: ",") { return }
            if byte == UInt8(ascii: "]") {
                position = member == nil ? .afterArray : .inWrapper
                depth = 1
            } else if byte == UInt8(ascii: "{") {
                position = .inElement
                elementLine = line
                depth = 1
                buffer.removeAll(keepingCapacity: true)
                tooDeep = false
                tooLong = false
                append(byte)
            } else {
                // A value that is not an object: stepped over to its end (strings and nesting followed), so one stray
                // value costs itself, not the rest of the array.
                position = .skippingElement
                elementLine = line
                depth = 0
                skip(byte, emit)
            }
        case .skippingElement:
            skip(byte, emit)
        case .inElement:
            append(byte)
            guard strings.classify(byte) == .structural else { return }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > Self.maxDepth { tooDeep = true }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { completeElement(emit) }
            default:
                break
            }
        }
    }

    /// Steps over a value that is not an object, reporting it where it ends: at the `,` after it, or at the array's `]`.
    private mutating func skip(_ byte: UInt8, _ emit: (Event) -> Void) {
        guard strings.classify(byte) == .structural else { return }
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            if depth > 0 {
                depth -= 1
                return
            }
            // The array's own `]`: the value was its last.
            emit(.notObject(line: elementLine))
            position = member == nil ? .afterArray : .inWrapper
            depth = 1
        case UInt8(ascii: ","):
            if depth == 0 {
                emit(.notObject(line: elementLine))
                position = .betweenElements
            }
        default:
            break
        }
    }

    /// Steps through the wrapping object, entering the array when the member's value opens.
    private mutating func wrapper(_ byte: UInt8, isSpace: Bool, line: Int, _ emit: (Event) -> Void) {
        switch strings.classify(byte) {
        case .content:
            if depth == 1, wrapperText.count <= 64 { wrapperText.append(byte) }
            return
        case .escape, .escaped, .closing:
            return
        case .opening, .structural:
            break
        }
        if isSpace { return }
        if let key = wrapperKey {
            wrapperKey = nil
            if depth == 1, key == member, byte == UInt8(ascii: "[") {
                sawMember = true
                position = .betweenElements
                return
            }
        }
        switch byte {
        case UInt8(ascii: "\""):
            wrapperText.removeAll(keepingCapacity: true)
        case UInt8(ascii: ":"):
            if depth == 1 { wrapperKey = wrapperText }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            if depth > Self.maxDepth {
                fail(line: line, expected: "nesting no deeper than \(Self.maxDepth) levels", emit)
            }
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth -= 1
            if depth == 0 { position = .afterArray }
        default:
            break
        }
    }

    private mutating func completeElement(_ emit: (Event) -> Void) {
        position = .betweenElements
        if tooDeep {
            emit(.tooDeep(line: elementLine))
        } else if tooLong {
            emit(.tooLong(line: elementLine))
        } else {
            emit(.element(buffer, line: elementLine))
        }
        buffer.removeAll(keepingCapacity: buffer.capacity <= 64 << 10)
    }

    private mutating func append(_ byte: UInt8) {
        guard !tooDeep, !tooLong else { return }
        if buffer.count >= Self.maxElementLength {
            tooLong = true
            buffer.removeAll()
            return
        }
        buffer.append(byte)
    }

    private mutating func fail(line: Int, expected: String, _ emit: (Event) -> Void) {
        position = .failed
        emit(.malformed(line: line, expected: expected))
    }

    /// Whether a JSON text nests deeper than ``maxDepth`` (brackets counted outside strings).
    public static func nestsTooDeeply(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var depth = 0
        var strings = JSONStrings()
        for byte in bytes where strings.classify(byte) == .structural {
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > maxDepth { return true }
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return false
    }
}

/// Where each byte of JSON text falls with respect to strings, the one context JSON's brackets depend on: a bracket
/// inside a string is content. Shared by the streaming splitter and the depth check so both read strings alike.
struct JSONStrings {
    /// What a byte is.
    enum Role: Equatable {
        /// Outside any string: a bracket, separator, space or part of a number or literal.
        case structural
        /// The quote that opens a string.
        case opening
        /// A byte of a string's content (not an escape).
        case content
        /// The backslash that starts an escape.
        case escape
        /// The byte after that backslash.
        case escaped
        /// The quote that closes a string.
        case closing
    }

    private var inString = false
    private var afterBackslash = false

    /// The role of `byte`, the next byte of the text.
    @inline(__always)
    mutating func classify(_ byte: UInt8) -> Role {
        guard inString else {
            guard byte == UInt8(ascii: "\"") else { return .structural }
            inString = true
            return .opening
        }
        if afterBackslash {
            afterBackslash = false
            return .escaped
        }
        switch byte {
        case UInt8(ascii: "\\"):
            afterBackslash = true
            return .escape
        case UInt8(ascii: "\""):
            inString = false
            return .closing
        default:
            return .content
        }
    }
}
