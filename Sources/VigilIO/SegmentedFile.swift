/// Splits a large UTF-8 file into segments at record boundaries so that its records can be parsed on every core.
///
/// A boundary is the start of a line following an empty line (LDIF separates records with one), so each segment
/// holds whole records. Line numbers within a segment count from its start; the reader shifts them into file line
/// numbers once every segment has been read (VigilParsers' `EvidenceFragment(segments:)`).
public struct SegmentedFile: Sendable {
    /// The byte ranges, in order, covering the file.
    public let segments: [Range<Int>]

    /// Files smaller than this are read in one piece by default.
    public static let minimumSize = 32 << 20

    /// Segments for the file at `path` of `size` bytes, or one segment when `parts` is 1, the file is not UTF-8, or it
    /// has no boundary.
    public init(path: String, size: Int, parts: Int) throws(FileError) {
        guard parts > 1 else {
            segments = [0..<size]
            return
        }
        let file = try RawFile(path: path)
        defer { file.close() }
        var head = [UInt8](repeating: 0, count: 4)
        _ = try file.read(into: &head)
        guard TextDecoder.detect(head[...]).0 == .utf8 else {
            segments = [0..<size]
            return
        }
        var starts = [0]
        var window = [UInt8](repeating: 0, count: 1 << 20)
        for part in 1..<parts {
            let target = size / parts * part
            guard let last = starts.last, target > last else { continue }
            try file.seek(to: target)
            let count = try file.read(into: &window)
            // The first "\n\n" or "\n\r\n" after the target: the next record starts after it.
            var boundary: Int?
            var index = 0
            while index + 1 < count {
                if window[index] == 0x0A {
                    if window[index + 1] == 0x0A {
                        boundary = index + 2
                        break
                    }
                    if index + 2 < count, window[index + 1] == 0x0D, window[index + 2] == 0x0A {
                        boundary = index + 3
                        break
                    }
                }
                index += 1
            }
            if let boundary, target + boundary < size { starts.append(target + boundary) }
        }
        segments = zip(starts, starts.dropFirst() + [size]).map { $0..<$1 }
    }
}
