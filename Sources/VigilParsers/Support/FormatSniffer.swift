import VigilIO

/// Recognises evidence formats by content, trying each reader of a catalogue in order.
public struct FormatSniffer: Sendable {
    /// How much of each file is examined.
    public static let sampleSize = 64 << 10

    /// What examining a file concluded.
    public enum Verdict: Sendable {
        case recognised(any EvidenceReader)
        /// Text in a format a reader recognises, with NUL bytes in its opening: a log zero-filled after a crash, a
        /// file damaged in copying. It is read as that format (NUL bytes further in always were); the lines the NULs
        /// break are the reader's to reject, and the file is reported as damaged.
        case damaged(any EvidenceReader, nulBytes: Int)
        case empty
        case binary
        case unrecognised
    }

    /// The readers tried, in order.
    public let readers: [any EvidenceReader]

    public init(readers: [any EvidenceReader] = ReaderCatalogue.all) {
        self.readers = readers
    }

    /// Examines the file at `path`; a file that cannot be opened or read throws ``EvidenceError`` with the cause.
    public func examine(path: String) throws(EvidenceError) -> Verdict {
        let sample = try Self.sample(path: path)
        if sample.bytes.isEmpty || sample.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return .empty
        }
        let nulBytes = Self.nulBytes(in: sample)
        if nulBytes > 0 { return damaged(sample, nulBytes: nulBytes) }
        for reader in readers where reader.recognises(sample) { return .recognised(reader) }
        return .unrecognised
    }

    /// A sample holding NUL bytes: damaged text when what is left without them is a format a reader recognises
    /// (however much zero fill a crash left), binary otherwise (images, archives and databases hold NULs throughout
    /// and are no export once they are dropped). UTF-16 without a byte order mark is not among them: it was decoded
    /// before.
    private func damaged(_ sample: TextSample, nulBytes: Int) -> Verdict {
        let text = Self.droppingNULs(sample)
        for reader in readers where reader.recognises(text) { return .damaged(reader, nulBytes: nulBytes) }
        return .binary
    }

    /// The NUL bytes of a sample, with the fill before it.
    public static func nulBytes(in sample: TextSample) -> Int {
        sample.leadingFill + sample.bytes.count(where: { $0 == 0 })
    }

    /// The most zero fill at a file's start passed over to sample the text after it: as much as a line may hold
    /// (``LineReader``'s default), since the readers read the fill as part of the first line.
    public static let maxLeadingFill = 8 << 20

    /// A sample without its NUL bytes, for recognising damaged text by what is left.
    public static func droppingNULs(_ sample: TextSample) -> TextSample {
        nulBytes(in: sample) == 0 ? sample : TextSample(bytes: sample.bytes.filter { $0 != 0 })
    }

    /// The opening of the file at `path`, decoded to UTF-8; for a file whose first ``sampleSize`` bytes are all NUL (a
    /// log zero-filled at its start, as `copytruncate` leaves one its writer held open), the first sample after them,
    /// up to ``maxLeadingFill`` in, the fill counted in ``TextSample/leadingFill``.
    public static func sample(path: String) throws(EvidenceError) -> TextSample {
        var raw = [UInt8](repeating: 0, count: sampleSize)
        var filled = 0
        var fill = 0
        do throws(FileError) {
            let file = try RawFile(path: path)
            defer { file.close() }
            func readSample() throws(FileError) {
                filled = 0
                while filled < sampleSize {
                    let count = try file.read(into: &raw, range: filled..<raw.count)
                    if count == 0 { break }
                    filled += count
                }
            }
            try readSample()
            while filled == sampleSize, fill + filled <= maxLeadingFill, !raw.contains(where: { $0 != 0 }) {
                fill += filled
                try readSample()
            }
        } catch {
            throw EvidenceError(error)
        }
        if filled == 0, fill > 0 {
            // Nothing but fill: the last of it is the sample.
            fill -= sampleSize
            filled = sampleSize
        }
        if fill > 0, TextDecoder.detect(raw[0..<min(filled, 512)]).0 != .utf8 {
            // UTF-16 after the fill: the readers detect the encoding at the file's start, which is fill, so it is not
            // read as an export (binary, as without the skip).
            return TextSample(bytes: [UInt8](repeating: 0, count: sampleSize))
        }
        var decoder = TextDecoder()
        var text: [UInt8] = []
        decoder.decode(raw[0..<filled], into: &text)
        decoder.finish(into: &text)
        return TextSample(bytes: Array(text.prefix(sampleSize)), leadingFill: fill)
    }
}

/// Every evidence reader, in the order format recognition tries them. A literal list: adding a format means adding
/// its reader here, nothing registers itself.
public enum ReaderCatalogue {
    /// All readers.
    public static let all: [any EvidenceReader] = [
        LDIFReader(),
        PwdumpReader(),
        IcaclsReader(),
        GetAclReader(),
        SystemInfoReader(),
        WmicQfeReader(),
        GetHotFixReader(),
        OsqueryReader(),
        HostInventoryCSVReader(),
        AccessLogReader(),
        FHIRAuditEventReader(),
        RoleAssignmentReader(),
        RolePermissionReader(),
        ScanReportReader(),
        WesngDefinitionsReader(),
        KEVReader(),
        CSAFReader(),
        CVRFReader(),
        OSVReader(),
    ]

    /// The reader for the format identifier `id` (`ldif`), for manifests that name a format explicitly.
    public static func reader(for id: String) -> (any EvidenceReader)? {
        all.first { $0.format.id == id.lowercased() }
    }
}
