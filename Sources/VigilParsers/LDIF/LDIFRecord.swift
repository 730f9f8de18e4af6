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

    /// Calls `body` with a view of the record's bytes, valid only inside `body`: reading values costs no allocation.
    public func withView<Result, Failure: Error>(_ body: (LDIFRecordView) throws(Failure) -> Result) throws(Failure) -> Result {
        try storage.withUnsafeBufferPointer { storage throws(Failure) in
            try slots.withUnsafeBufferPointer { slots throws(Failure) in
                try body(LDIFRecordView(line: line, storage: storage, slots: slots, dnRange: dnRange))
            }
        }
    }

    mutating func reset(line: Int) {
        self.line = line
        storage.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
        dnRange = 0..<0
    }
}

/// Borrowed access to one ``LDIFRecord``'s values, valid only inside ``LDIFRecord/withView(_:)``.
public struct LDIFRecordView {
    /// The line the record starts on.
    public let line: Int
    let storage: UnsafeBufferPointer<UInt8>
    let slots: UnsafeBufferPointer<LDIFRecord.Slot>
    let dnRange: Range<Int>

    /// The record's distinguished name, as UTF-8 bytes (base64 already decoded).
    public var distinguishedName: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: storage[dnRange]) }

    /// The first value of the attribute at `index` in the parser's attribute list, with its line.
    public func first(_ index: Int) -> (bytes: UnsafeBufferPointer<UInt8>, line: Int)? {
        for slot in slots where slot.attribute == index {
            return (UnsafeBufferPointer(rebasing: storage[slot.start..<slot.end]), slot.line)
        }
        return nil
    }

    /// Calls `body` with each value of the attribute at `index`, in file order, with its line.
    public func forEachValue<Failure: Error>(
        _ index: Int,
        _ body: (UnsafeBufferPointer<UInt8>, Int) throws(Failure) -> Void
    ) throws(Failure) {
        for slot in slots where slot.attribute == index {
            try body(UnsafeBufferPointer(rebasing: storage[slot.start..<slot.end]), slot.line)
        }
    }
}
