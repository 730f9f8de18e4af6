import VigilIO

/// Where lines end in scanned text: at a LF, a CRLF (one line end, not two) or a CR on its own. A lone CR ends lines in
/// HL7 v2, whose segments end in CR, and in the CSV that Excel for Mac saves by default ("Comma Separated Values",
/// classic Mac line ends); read as one line, such a patient list would show its header and nothing else.
///
/// Text is handed over a chunk at a time, so a CR in a chunk's last byte could be the first half of a CRLF whose LF has
/// not been read: ``afterLastWholeLine(_:count:)`` never cuts a chunk there, and the readers count such a CR as a line
/// end only once they can see the byte after it (or the text ends).
enum LineEnds {
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D

    /// The first line end in `base[from..<end]`: where the line's content stops and where the next line starts, or nil.
    /// A CR in the last byte counts as a line end: callers give whole lines, or the end of the text.
    @inline(__always)
    static func first(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> (contentEnd: Int, next: Int)? {
        let hit = SWAR.firstOf(lineFeed, carriageReturn, base, from: from, end: end)
        guard hit < end else { return nil }
        if base[hit] == carriageReturn, hit + 1 < end, base[hit + 1] == lineFeed { return (hit, hit + 2) }
        return (hit, hit + 1)
    }

    /// The index after the last line end in `base[0..<count]` that is sure to be whole, or nil when there is none. A CR
    /// in the last byte is not one: the next chunk may begin with its LF.
    static func afterLastWholeLine(_ base: UnsafePointer<UInt8>, count: Int) -> Int? {
        var cursor = count - 1
        if cursor >= 0, base[cursor] == carriageReturn { cursor -= 1 }
        // Searching backwards, a CR found is never followed by a LF in the chunk: that LF would have been found first.
        while cursor >= 0 {
            let byte = base[cursor]
            if byte == lineFeed || byte == carriageReturn { return cursor + 1 }
            cursor -= 1
        }
        return nil
    }
}
