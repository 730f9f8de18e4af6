import VigilParsers

@testable import VigilScan

extension Harness {
    /// The two binary files Vigil opens: a breach index (`vigil corpus build`), opened, verified and looked up; and a
    /// scan state file (SQLite), opened and loaded.
    nonisolated(unsafe) static let stores: [Harness] = [
        {
            let file = ScratchFile(name: "corpus.vbi")
            return Harness(name: "breach-index") { bytes in
                file.write(bytes)
                guard let index = try? BreachIndex(path: file.path) else { return }
                try? index.verifyData()
                for key: UInt64 in [0, 1, 0x8000_0000_0000_0000, .max] { _ = index.prevalence(ofKey: key) }
            }
        }(),
        {
            let file = ScratchFile(name: "scan-state.sqlite")
            return Harness(name: "scan-state") { bytes in
                file.write(bytes)
                defer { file.remove(suffixes: ["-journal", "-wal", "-shm"]) }
                guard let store = try? ScanStateStore(path: file.path) else { return }
                _ = try? store.load()
            }
        }(),
    ]
}
