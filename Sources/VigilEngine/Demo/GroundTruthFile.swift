public import Foundation
public import VigilIO
public import VigilSynth

/// Writes ground truth as sorted, pretty JSON (`vigil demo` and `vigil generate`).
public enum GroundTruthFile {
    /// Writes `truth` to `url` atomically, creating its folder, with `permissions`.
    public static func write(_ truth: GroundTruth, to url: URL, permissions: OutputPermissions = .ownerOnly) throws {
        try AtomicFile.createFolder(url.deletingLastPathComponent(), permissions: permissions)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write(encoder.encode(truth), to: url, permissions: permissions)
    }
}
