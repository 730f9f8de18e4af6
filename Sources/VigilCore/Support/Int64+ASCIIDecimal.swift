extension Int64 {
    /// An optionally signed decimal integer occupying all of `bytes` (ASCII digits), or nil for anything else or a
    /// value that does not fit: every number read from input goes through checked arithmetic.
    @inlinable
    public init?(asciiDecimal bytes: some Collection<UInt8>) {
        var iterator = bytes.makeIterator()
        guard var byte = iterator.next() else { return nil }
        var negative = false
        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
            negative = byte == UInt8(ascii: "-")
            guard let next = iterator.next() else { return nil }
            byte = next
        }
        var value: Int64 = 0
        while true {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) =
                negative
                ? shifted.subtractingReportingOverflow(Int64(digit)) : shifted.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            guard let next = iterator.next() else {
                self = value
                return
            }
            byte = next
        }
    }
}
