/// One LDIF content record, holding only the attributes the parser was asked for. Valid only during the parser's
/// callback; copy out what you keep.
public struct LDIFRecord: Sendable {
    /// An attribute value's position in the record's storage.
    struct Slot: Sendable {
        var attribute: Int
        var start: Int
        var end: Int
        var line: Int
    }

    /// The line the record starts on.
    public internal(set) var line = 0
    var storage: [UInt8] = []
    var slots: [Slot] = []
    var dnRange = 0..<0

    /// The record's distinguished name, as UTF-8 bytes (base64 already decoded).
    public var distinguishedName: ArraySlice<UInt8> { storage[dnRange] }

    /// The values of the attribute at `index` in the parser's attribute list, in file order, with their lines.
    public func values(_ index: Int) -> [(bytes: ArraySlice<UInt8>, line: Int)] {
        slots.lazy.filter { $0.attribute == index }.map { (storage[$0.start..<$0.end], $0.line) }
    }

    /// The first value of the attribute at `index`, with its line.
    public func first(_ index: Int) -> (bytes: ArraySlice<UInt8>, line: Int)? {
        for slot in slots where slot.attribute == index { return (storage[slot.start..<slot.end], slot.line) }
        return nil
    }

    mutating func reset(line: Int) {
        self.line = line
        storage.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
        dnRange = 0..<0
    }
}
