extension FileShareScanner {
    /// Every file the scan will read, with what the walk met on the way.
    struct Listing {
        /// Regular files, in walk order.
        var files: [WalkedFile]
        /// Folders, links and other entries counted, and the walk's problems.
        var walk: WalkTally
        /// Roots (by index) whose folder, or files in it, an earlier root had listed.
        var overlapping: Set<Int>
        /// Every file's size, added up.
        var totalBytes: Int
        /// The state file's key for each file, in the order of ``files`` ("" with no state file).
        var keys: [String]
        /// The state file's key for each root, in the order of the options' roots.
        var rootKeys: [String]

        /// Threads worth starting: no more than there are files.
        func workers(_ jobs: Int) -> Int { min(jobs, max(1, files.count)) }
    }

    /// Lists every root's files, leaving out the state file, its journal and the paths the options exclude.
    func list(state: State, clock: ScanClock, progress: (@Sendable (ScanProgress) -> Void)?) -> Listing {
        let walker = FileWalker(
            include: options.include, exclude: options.exclude,
            excludedPaths: Set(
                options.excludedPaths
                    + [options.statePath, options.statePath.map { $0 + "-journal" }].compactMap { $0 }),
            maxDepth: options.maxDepth)
        var files: [WalkedFile] = []
        var walk = WalkTally()
        var seen = FileWalker.Seen()
        for (index, root) in options.roots.enumerated() {
            walker.walk(
                root: root.path, index: index, display: root.display, into: &files, tally: &walk, seen: &seen)
            progress?(
                ScanProgress(
                    listing: true, filesDone: 0, filesTotal: files.count, bytesDone: 0, bytesTotal: 0,
                    elapsed: clock.elapsed()))
        }
        // The state file knows files by keyed hashes of their paths.
        return Listing(
            files: files, walk: walk, overlapping: seen.overlapping, totalBytes: files.reduce(0) { $0 + $1.size },
            keys: files.map { state.key($0.path) }, rootKeys: options.roots.map { state.key($0.path) })
    }
}
