import VigilCore

/// A format Vigil reads, and how to produce it on the source system.
public struct EvidenceFormat: Sendable, Hashable, Codable {
    /// Identifier used in manifests and output (`ldif`).
    public var id: String
    /// The format's name for people.
    public var name: String
    /// The command that produces it on the source system.
    public var producedBy: String

    public init(id: String, name: String, producedBy: String) {
        self.id = id
        self.name = name
        self.producedBy = producedBy
    }
}

/// Reads one evidence format into an ``EvidenceFragment``. Readers know formats, never rules.
public protocol EvidenceReader: Sendable {
    /// The format this reader reads.
    var format: EvidenceFormat { get }

    /// Whether a file whose opening text (UTF-8, BOM removed, at most ``FormatSniffer/sampleSize`` bytes) is
    /// `sample` is in this format. Decided by content, not by the file name.
    func recognises(_ sample: TextSample) -> Bool

    /// Reads the file at `path` (shown as `file` in diagnostics), streaming with bounded memory. Malformed records are
    /// logged and skipped; only a failure to read the file at all throws, as a ``FileError`` (the engine turns it into an
    /// ``EvidenceError`` naming the evidence file, with the ``FileError`` as its cause).
    func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment
}

/// The opening of a file, decoded to UTF-8, for format recognition.
public struct TextSample: Sendable {
    /// The bytes (UTF-8, no BOM).
    public var bytes: [UInt8]
    /// NUL bytes passed over before ``bytes`` (a file opening with more zero fill than a sample holds).
    public var leadingFill = 0

    public init(bytes: [UInt8], leadingFill: Int = 0) {
        self.bytes = bytes
        self.leadingFill = leadingFill
    }

    /// The sample's first `limit` complete lines (the last, possibly cut, line dropped when the sample was truncated),
    /// without line ends (LF, CRLF or CR CR LF; CR alone in a sample with no LF), skipping empty ones. Only the lines asked for are decoded: recognisers
    /// ask for one to a few hundred of a sample's thousands.
    public func lines(limit: Int = 200) -> [Substring] {
        var lines: [Substring] = []
        var readToEnd = true
        // CR alone ends lines only where no LF does (Excel for Mac's "CSV (Macintosh)"), as ``LineReader`` reads them.
        let separator: UInt8 = !bytes.contains(0x0A) && bytes.contains(0x0D) ? 0x0D : 0x0A
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let end = buffer[start...].firstIndex(of: separator) ?? buffer.count
                var lineEnd = end
                // Every carriage return before the end: wmic's output through a pipe ends its lines CR CR LF.
                while lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                if lineEnd > start {
                    guard lines.count < limit else {
                        readToEnd = false
                        return
                    }
                    lines.append(Substring(String(decoding: buffer[start..<lineEnd], as: UTF8.self)))
                }
                start = end + 1
            }
        }
        if readToEnd, bytes.count >= FormatSniffer.sampleSize, !lines.isEmpty { lines.removeLast() }
        return lines
    }
}
