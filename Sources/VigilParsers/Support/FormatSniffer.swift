import VigilIO

/// Recognises evidence formats by content, trying each reader of a catalogue in order.
public struct FormatSniffer: Sendable {
    /// How much of each file is examined.
    public static let sampleSize = 64 << 10

    /// What examining a file concluded.
    public enum Verdict: Sendable {
        case recognised(any EvidenceReader)
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
        if sample.bytes.contains(0) { return .binary }
        for reader in readers where reader.recognises(sample) { return .recognised(reader) }
        return .unrecognised
    }

    /// The opening of the file at `path`, decoded to UTF-8.
    public static func sample(path: String) throws(EvidenceError) -> TextSample {
        var raw = [UInt8](repeating: 0, count: sampleSize)
        var filled = 0
        do throws(FileError) {
            let file = try RawFile(path: path)
            defer { file.close() }
            while filled < sampleSize {
                let count = try file.read(into: &raw, range: filled..<raw.count)
                if count == 0 { break }
                filled += count
            }
        } catch {
            throw EvidenceError(error)
        }
        var decoder = TextDecoder()
        var text: [UInt8] = []
        decoder.decode(raw[0..<filled], into: &text)
        decoder.finish(into: &text)
        return TextSample(bytes: Array(text.prefix(sampleSize)))
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
