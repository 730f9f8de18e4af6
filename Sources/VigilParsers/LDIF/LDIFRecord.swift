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
    /// For each wanted attribute, the index of its first slot, or -1: constant-time look-ups in the mapper.
    var firstSlot: [Int32]

    init(attributeCount: Int) {
        firstSlot = Array(repeating: -1, count: attributeCount)
    }

    mutating func append(_ slot: Slot) {
        if firstSlot[slot.attribute] < 0 { firstSlot[slot.attribute] = Int32(slots.count) }
        slots.append(slot)
    }

    /// Calls `body` with a view of the record's bytes, valid only inside `body`: reading values costs no allocation.
    public func withView<Result, Failure: Error>(_ body: (LDIFRecordView) throws(Failure) -> Result) throws(Failure)
        -> Result
    {
        try storage.withUnsafeBufferPointer { storage throws(Failure) in
            try slots.withUnsafeBufferPointer { slots throws(Failure) in
                try firstSlot.withUnsafeBufferPointer { firstSlot throws(Failure) in
                    try body(
                        LDIFRecordView(
                            line: line, storage: storage, slots: slots, firstSlot: firstSlot, dnRange: dnRange))
                }
            }
        }
    }

    mutating func reset(line: Int) {
        self.line = line
        storage.removeAll(keepingCapacity: true)
        for slot in slots { firstSlot[slot.attribute] = -1 }
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
    let firstSlot: UnsafeBufferPointer<Int32>
    let dnRange: Range<Int>

    /// The record's distinguished name, as UTF-8 bytes (base64 already decoded).
    public var distinguishedName: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: storage[dnRange]) }

    /// The first value of the attribute at `index` in the parser's attribute list, with its line.
    public func first(_ index: Int) -> (bytes: UnsafeBufferPointer<UInt8>, line: Int)? {
        let position = firstSlot[index]
        guard position >= 0 else { return nil }
        let slot = slots[Int(position)]
        return (UnsafeBufferPointer(rebasing: storage[slot.start..<slot.end]), slot.line)
    }

    /// Calls `body` with each value of the attribute at `index`, in file order, with its line.
    public func forEachValue<Failure: Error>(
        _ index: Int,
        _ body: (UnsafeBufferPointer<UInt8>, Int) throws(Failure) -> Void
    ) throws(Failure) {
        let position = firstSlot[index]
        guard position >= 0 else { return }
        for slot in slots[Int(position)...] where slot.attribute == index {
            try body(UnsafeBufferPointer(rebasing: storage[slot.start..<slot.end]), slot.line)
        }
    }
}
