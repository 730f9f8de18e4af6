/// Streams a text file line by line with bounded memory, whatever its size.
///
/// Handles the encodings real exports arrive in: UTF-8 with or without a byte-order mark, and UTF-16 (little- or
/// big-endian, with a BOM as PowerShell's `>` writes it, or little-endian detected without one), transcoded to UTF-8.
/// Line ends may be LF or CRLF, or CR alone (Excel for Mac's "CSV (Macintosh)", classic Mac OS), taken as the line end
/// when the file's first chunk of text holds a CR and no LF. NUL bytes at a line's start or end (zero fill after a
/// crash, or before the text of a log truncated while held open: never counted towards the line's length) are dropped;
/// NULs inside a line are the reader's to judge. A line longer than `maxLineLength` is delivered once, empty, with `isOverlong` set, so a
/// reader can reject its record without holding the line in memory.
public struct LineReader: Sendable {
    /// One line of the file, valid only during the callback.
    public struct Line {
        /// The line's bytes in UTF-8, without the line end.
        public let bytes: UnsafeBufferPointer<UInt8>
        /// One-based line number.
        public let number: Int
        /// The line exceeded the limit; `bytes` is empty.
        public let isOverlong: Bool
    }

    /// The file's path.
    public let path: String
    /// Bytes read per system call.
    public let chunkSize: Int
    /// The longest line delivered whole.
    public let maxLineLength: Int
    /// The bytes of the file to read; `nil` for all of it. A range not starting at 0 is read as UTF-8, with line numbers
    /// counted from its start (see ``SegmentedFile``).
    public let range: Range<Int>?

    public init(path: String, chunkSize: Int = 1 << 20, maxLineLength: Int = 8 << 20, range: Range<Int>? = nil) {
        self.path = path
        self.chunkSize = chunkSize
        self.maxLineLength = maxLineLength
        self.range = range
    }

    /// Calls `body` for each line in order, and returns the number of lines. `progress` receives the count of raw bytes
    /// read so far after each chunk.
    @discardableResult
    public func forEachLine(
        progress: ((Int) -> Void)? = nil,
        _ body: (Line) throws -> Void
    ) throws -> Int {
        let file = try RawFile(path: path)
        defer { file.close() }
        var decoder = TextDecoder()
        var remaining = Int.max
        if let range {
            try file.seek(to: range.lowerBound)
            remaining = range.count
            if range.lowerBound > 0 { decoder = TextDecoder(encoding: .utf8) }
        }
        var raw = try file.readBuffer(chunkSize: chunkSize, toRead: remaining)
        let bufferSize = raw.count
        var pending: [UInt8] = []
        pending.reserveCapacity(bufferSize * 2)
        var lineNumber = 0
        var skippingOverlong = false
        var consumedRaw = 0
        // LF (CRLF too: its CR is dropped with the line), or CR alone, decided on the first chunk.
        var separator: UInt8 = 0x0A
        var separatorDecided = false

        func emit(_ buffer: UnsafeBufferPointer<UInt8>) throws {
            lineNumber += 1
            var end = buffer.count
            if separator == 0x0A, end > 0, buffer[end - 1] == 0x0D { end -= 1 }
            // Zero fill (a log's blocks after a crash) is no text: dropped where it meets a line's start or end, so
            // the line written after it is read whole and a line of fill alone is blank.
            var start = 0
            while start < end, buffer[start] == 0 { start += 1 }
            while end > start, buffer[end - 1] == 0 { end -= 1 }
            try body(
                Line(bytes: UnsafeBufferPointer(rebasing: buffer[start..<end]), number: lineNumber, isOverlong: false))
        }

        func drain(final: Bool) throws {
            // Zero fill before a line's text (a log truncated while held open) is dropped as it comes, so that it
            // never counts towards the line's length nor decides the line end. `pending` starts at a line's start.
            if pending.first == 0 {
                pending.removeSubrange(0..<(pending.firstIndex { $0 != 0 } ?? pending.count))
            }
            if !separatorDecided, !pending.isEmpty {
                separatorDecided = true
                if !pending.contains(0x0A), pending.contains(0x0D) { separator = 0x0D }
            }
            var start = 0
            try pending.withUnsafeBufferPointer { buffer in
                let count = buffer.count
                guard let base = buffer.baseAddress else { return }
                while start < count {
                    let remaining = count - start
                    guard let found = Platform.firstIndex(of: separator, in: base + start, count: remaining) else {
                        break
                    }
                    let end = start + found
                    if skippingOverlong {
                        skippingOverlong = false
                        lineNumber += 1
                        try body(
                            Line(bytes: UnsafeBufferPointer(start: nil, count: 0), number: lineNumber, isOverlong: true)
                        )
                    } else {
                        try emit(UnsafeBufferPointer(rebasing: buffer[start..<end]))
                    }
                    start = end + 1
                }
                if final, start < count {
                    if skippingOverlong {
                        skippingOverlong = false
                        lineNumber += 1
                        try body(
                            Line(bytes: UnsafeBufferPointer(start: nil, count: 0), number: lineNumber, isOverlong: true)
                        )
                    } else {
                        try emit(UnsafeBufferPointer(rebasing: buffer[start..<count]))
                    }
                    start = count
                } else if final, skippingOverlong {
                    skippingOverlong = false
                    lineNumber += 1
                    try body(
                        Line(bytes: UnsafeBufferPointer(start: nil, count: 0), number: lineNumber, isOverlong: true))
                }
            }
            pending.removeSubrange(0..<start)
            if pending.count > maxLineLength {
                skippingOverlong = true
                pending.removeAll(keepingCapacity: true)
            } else if skippingOverlong {
                pending.removeAll(keepingCapacity: true)
            }
        }

        while remaining > 0 {
            let want = min(bufferSize, remaining)
            let count = try raw.withUnsafeMutableBytes {
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want]))
            }
            if count == 0 { break }
            remaining -= count
            consumedRaw += count
            decoder.decode(raw[0..<count], into: &pending)
            try drain(final: false)
            progress?(consumedRaw)
        }
        decoder.finish(into: &pending)
        try drain(final: true)
        return lineNumber
    }
}
