import VigilCore

extension FileShareScanner {
    /// The incremental state a scan starts from: what the state file remembers of earlier scans.
    struct State {
        /// The open state file; `nil` when the scan remembers nothing.
        var store: ScanStateStore?
        /// Remembered files by the keyed hash of their path.
        var remembered: [String: StoredFile] = [:]
        /// Whether the state file held rows Vigil does not write, and was emptied.
        var damaged = false

        /// The keyed hash the state file knows `path` by, or "" with no state file.
        func key(_ path: String) -> String { store?.key(path) ?? "" }
    }

    /// Opens the state file, when the options name one, and loads what it remembers.
    func openState() throws(ScanError) -> State {
        guard let statePath = options.statePath else { return State() }
        do throws(ScanStateError) {
            let store = try ScanStateStore(path: statePath)
            let (remembered, damaged) = try store.load()
            return State(store: store, remembered: remembered, damaged: damaged)
        } catch {
            throw ScanError(code: .state, message: error.description, cause: error)
        }
    }

    /// Stores what this scan read and forgets files that changed, failed or have gone from the folders scanned.
    func save(_ collected: Collected, listing: Listing, state: State) throws(ScanError) {
        guard let store = state.store else { return }
        var toForget = collected.toForget
        let present = Set(listing.keys)
        let scanned = Set(listing.rootKeys)
        for (key, stored) in state.remembered where !present.contains(key) && scanned.contains(stored.root) {
            toForget.append(key)
        }
        do throws(ScanStateError) {
            try store.save(collected.toSave, forgetting: toForget)
        } catch {
            throw ScanError(code: .state, message: error.description, cause: error)
        }
    }
}
