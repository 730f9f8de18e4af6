import VigilParsers

extension Harness {
    /// One harness per reader of `ReaderCatalogue`, named by its format id: format recognition on the input's opening
    /// and a full read of it as a file (diagnostics and all).
    nonisolated(unsafe) static let readers: [Harness] = ReaderCatalogue.all.map { reader in
        let file = ScratchFile(name: "evidence-\(reader.format.id)")
        return Harness(name: reader.format.id) { bytes in
            _ = reader.recognises(TextSample(bytes: Array(bytes.prefix(FormatSniffer.sampleSize))))
            file.write(bytes)
            _ = try? reader.read(path: file.path, file: "evidence", progress: nil)
        }
    }
}
