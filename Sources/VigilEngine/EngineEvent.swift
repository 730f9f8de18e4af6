public import VigilCore
public import VigilScan

/// Progress of an assessment, for front ends to show (the CLI draws it on a terminal).
public enum EngineEvent: Sendable {
    /// A file was examined; `format` is `nil` when it was not recognised.
    case recognised(file: String, format: String?, bytes: Int)
    /// Bytes of a file read so far.
    case reading(file: String, bytesRead: Int, totalBytes: Int)
    /// A file was read.
    case read(EvidenceFileSummary)
    /// Progress of the manifest's patient-data scan.
    case scanning(ScanProgress)
    /// Every file was read; analysis starts next.
    case inventory(EvidenceInventory)
    /// An analyzer started.
    case analyzing(String)
}
