import VigilCore
import VigilIO

/// Splits a large UTF-8 file into segments at record boundaries so that its records can be parsed on every core.
///
/// A boundary is the start of a line following an empty line (LDIF separates records with one), so each segment
/// holds whole records. Line numbers within a segment count from its start; `EvidenceFragment(segments:)` turns them
/// into file line numbers once every segment has been read.
struct SegmentedFile {
    /// The byte ranges, in order, covering the file.
    let segments: [Range<Int>]

    /// Files smaller than this are read in one piece by default.
    static let minimumSize = 32 << 20

    /// Segments for the file at `path` of `size` bytes, or one segment when `parts` is 1, the file is not UTF-8, or it
    /// has no boundary.
    init(path: String, size: Int, parts: Int) throws {
        guard parts > 1 else {
            segments = [0..<size]
            return
        }
        let file = try RawFile(path: path)
        defer { file.close() }
        var head = [UInt8](repeating: 0, count: 4)
        _ = try head.withUnsafeMutableBytes { try file.read(into: $0) }
        guard TextDecoder.detect(head[...]).0 == .utf8 else {
            segments = [0..<size]
            return
        }
        var starts = [0]
        var window = [UInt8](repeating: 0, count: 1 << 20)
        for part in 1..<parts {
            let target = size / parts * part
            guard target > starts.last! else { continue }
            try file.seek(to: target)
            let count = try window.withUnsafeMutableBytes { try file.read(into: $0) }
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

    /// Runs `work` on every segment concurrently, returning results in order.
    func map<Result: Sendable>(_ work: @Sendable (Int, Range<Int>) throws -> Result) throws -> [Result] {
        let segments = self.segments
        return try parallelMap(segments.count) { try work($0, segments[$0]) }
    }
}

extension EvidenceFragment {
    /// Joins the fragments read from consecutive segments of one file, given each with its line count, shifting line
    /// numbers so that they count from the start of the file.
    init(segments: consuming [(EvidenceFragment, Int)]) {
        self = segments[0].0
        segments[0].0 = EvidenceFragment(file: log.file)
        var offset = segments[0].1
        for position in segments.indices.dropFirst() {
            // Taken out of the array so that its collections are referenced once and shift in place.
            var part = segments[position].0
            segments[position].0 = EvidenceFragment(file: log.file)
            part.shiftLines(by: offset)
            log.absorb(part.log, lineOffset: offset)
            offset += segments[position].1
            append(contentsOf: part)
        }
    }
}

extension DiagnosticLog {
    /// Adds the counts and diagnostics of a later segment's log, shifting its line numbers.
    mutating func absorb(_ other: DiagnosticLog, lineOffset: Int) {
        recordsRead += other.recordsRead
        for diagnostic in other.diagnostics {
            let line = diagnostic.location.line.map { $0 + lineOffset }
            switch diagnostic.level {
            case .error: reject(line: line, code: diagnostic.code, diagnostic.message)
            case .warning: warn(line: line, code: diagnostic.code, diagnostic.message)
            }
        }
        // Diagnostics beyond the other log's cap were counted there but not kept: count them here too.
        let unkept = other.count - other.diagnostics.count
        if unkept > 0 {
            addUnkept(unkept, rejected: other.recordsRejected - other.diagnostics.filter { $0.level == .error }.count)
        }
    }
}
