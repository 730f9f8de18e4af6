import Synchronization
import VigilCore

extension FileShareScanner {
    /// Reads every listed file on every core, reusing what the state file remembers of unchanged files; returns each
    /// file's outcome and whether it was reused, in the order of ``Listing/files``.
    func read(
        _ listing: Listing, state: State, clock: ScanClock, progress: (@Sendable (ScanProgress) -> Void)?,
        recorder: (@Sendable (String, Detection) -> Void)?
    ) async -> [(FileOutcome, Bool)] {
        let files = listing.files
        // Each worker takes the next file in turn; biggest first for a balanced finish.
        let order = files.indices.sorted { files[$0].size > files[$1].size }
        let detector = IdentifierDetector(currentYear: options.currentYear)
        let key = state.store?.hashKey ?? 0
        let limits = options.limits
        // The workers look remembered files up by path.
        var known: [String: StoredFile] = [:]
        if state.store != nil {
            for (file, key) in zip(files, listing.keys) { known[file.path] = state.remembered[key] }
        }
        let workers = listing.workers(options.jobs)
        let shared = WorkQueue(
            files: files, order: order, known: known, totalBytes: listing.totalBytes, started: clock.started,
            progress: progress, recorder: recorder)
        let perWorker = await blockingWork {
            parallelMap(workers) { _ in
                shared.work(scanner: FileContentScanner(detector: detector, limits: limits, hashSeed: key))
            }
        }
        var all = [WorkResult?](repeating: nil, count: files.count)
        for result in perWorker.joined() { all[result.index] = result }
        return all.map { ($0!.outcome, $0!.reused) }
    }
}

/// One file's outcome from a worker.
struct WorkResult: Sendable {
    var index: Int
    var outcome: FileOutcome
    var reused: Bool
}

/// The files of a scan shared by its workers: each takes the next in turn.
final class WorkQueue: Sendable {
    let files: [WalkedFile]
    let order: [Int]
    let known: [String: StoredFile]
    let totalBytes: Int
    let started: ContinuousClock.Instant
    let progress: (@Sendable (ScanProgress) -> Void)?
    let recorder: (@Sendable (String, Detection) -> Void)?
    private let next = Atomic<Int>(0)
    private let filesDone = Atomic<Int>(0)
    private let bytesDone = Atomic<Int>(0)

    init(
        files: [WalkedFile], order: [Int], known: [String: StoredFile], totalBytes: Int,
        started: ContinuousClock.Instant, progress: (@Sendable (ScanProgress) -> Void)?,
        recorder: (@Sendable (String, Detection) -> Void)?
    ) {
        self.files = files
        self.order = order
        self.known = known
        self.totalBytes = totalBytes
        self.started = started
        self.progress = progress
        self.recorder = recorder
    }

    /// Scans files until none is left; returns their outcomes.
    func work(scanner: FileContentScanner) -> [WorkResult] {
        var results: [WorkResult] = []
        while true {
            let position = next.add(1, ordering: .relaxed).oldValue
            guard position < order.count else { break }
            let index = order[position]
            let file = files[index]
            if let stored = known[file.path], stored.size == file.size, stored.modified == file.modified,
                let status = FileShareScanner.status(stored.status)
            {
                let outcome = FileOutcome(
                    status: status, findings: stored.findings, size: stored.size, modified: stored.modified,
                    hash: stored.hash, bytesRead: 0)
                results.append(WorkResult(index: index, outcome: outcome, reused: true))
            } else {
                // A file given as the root has no relative path: its own name then.
                let name = String((file.relative.isEmpty ? file.path : file.relative).split(separator: "/").last ?? "")
                var perFile: (@Sendable (Detection) -> Void)?
                if let recorder {
                    let tag = file.relative.isEmpty ? name : file.relative
                    perFile = { recorder(tag, $0) }
                }
                let outcome = scanner.scan(path: file.path, name: name, recorder: perFile)
                results.append(WorkResult(index: index, outcome: outcome, reused: false))
            }
            let done = filesDone.add(1, ordering: .relaxed).newValue
            let bytes = bytesDone.add(file.size, ordering: .relaxed).newValue
            if let progress {
                let duration = ContinuousClock.now - started
                progress(
                    ScanProgress(
                        listing: false, filesDone: done, filesTotal: files.count, bytesDone: bytes,
                        bytesTotal: totalBytes,
                        elapsed: Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18))
            }
        }
        return results
    }
}
