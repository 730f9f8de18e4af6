/// A count of lines of one kind with the first one's number: what a reader skipped (a prompt, a banner, notes), to be
/// reported once with its position rather than line by line or not at all.
struct LineTally: Sendable {
    /// How many lines.
    var count = 0
    /// The first one's line number.
    var first: Int?

    /// Counts the line numbered `line`.
    mutating func add(_ line: Int) {
        count += 1
        if first == nil { first = line }
    }
}
