import Foundation
import VigilCore
import VigilIO

extension FileShareScanner {
    /// What the files' outcomes add up to, and what the state file should learn from them.
    struct Collected {
        /// Counts over all folders.
        var totals: FileScanTotals
        /// The walk's problems and the files', in one bounded log: counted all, the first few kept.
        var problems: BoundedLog<Diagnostic>
        /// Files holding patient identifiers, in path order.
        var exposures: [PatientDataExposure] = []
        /// Counts per root.
        var perRoot: [FileScanRecord]
        /// Files read afresh, to remember by their keys.
        var toSave: [(String, StoredFile)] = []
        /// Keys of files to forget: changed while read, or unreadable.
        var toForget: [String] = []
        /// Bytes actually read (reused files read none).
        var bytesRead = 0

        /// Logs a problem with `file` (as reports show it).
        mutating func problem(_ code: String, _ file: String, _ message: String, _ level: Diagnostic.Level = .warning) {
            problems.add(
                Diagnostic(level: level, code: code, location: EvidenceReference(file: file), message: message))
        }
    }

    /// Adds up every file's outcome, in path order: counts per root and overall, exposures, problems, and what to save.
    func collect(_ listing: Listing, outcomes: [(FileOutcome, Bool)], state: State) -> Collected {
        let files = listing.files
        let walk = listing.walk
        var collected = Collected(
            totals: FileScanTotals(
                files: files.count, bytes: listing.totalBytes, folders: walk.folders,
                foldersUnreadable: walk.foldersUnreadable, symbolicLinks: walk.symbolicLinks,
                otherEntries: walk.otherEntries, excluded: walk.excluded),
            problems: walk.problems,
            perRoot: options.roots.enumerated().map { index, root in
                FileScanRecord(
                    root: root.display, aclRoot: root.aclPath, host: root.host, files: 0, bytes: 0, filesRead: 0,
                    filesSkipped: 0, filesFailed: 0,
                    overlapsEarlierPath: listing.overlapping.contains(index) ? true : nil)
            })
        if state.damaged, let statePath = options.statePath {
            collected.problem(
                "scan.state-damaged", statePath,
                "the scan state file held rows Vigil does not write (edited or damaged); it was emptied and every file read afresh"
            )
        }
        for index in files.indices.sorted(by: { files[$0].relative < files[$1].relative }) {
            let (outcome, reused) = outcomes[index]
            add(outcome, reused: reused, of: files[index], key: listing.keys[index], listing: listing, to: &collected)
        }
        return collected
    }

    /// Adds one file's outcome.
    private func add(
        _ outcome: FileOutcome, reused: Bool, of file: WalkedFile, key: String, listing: Listing,
        to collected: inout Collected
    ) {
        let root = options.roots[file.root]
        let shown = Self.join(root.display, file.relative)
        let rootKey = listing.rootKeys[file.root]
        collected.perRoot[file.root].files += 1
        collected.perRoot[file.root].bytes += file.size
        collected.bytesRead += outcome.bytesRead
        if reused { collected.totals.filesReused += 1 }
        switch outcome.status {
        case .read(let format):
            // Read, skipped and failed partition the files, reused or not (as each root's counts do); how many results
            // were reused is counted apart.
            collected.totals.filesRead += 1
            collected.perRoot[file.root].filesRead += 1
            if outcome.changed {
                collected.totals.filesChanged += 1
                collected.problem(
                    "scan.changed", shown, "the file changed while it was read; read again at the next scan")
                collected.toForget.append(key)
            } else if !reused {
                collected.toSave.append(
                    (
                        key,
                        StoredFile(
                            root: rootKey, size: outcome.size, modified: outcome.modified, hash: outcome.hash,
                            status: "read:\(format)", findings: outcome.findings)
                    ))
            }
            if let findings = outcome.findings {
                collected.exposures.append(
                    PatientDataExposure(
                        path: shown, aclPath: root.aclPath.map { Self.windowsJoin($0, file.relative) },
                        host: root.host,
                        bytes: outcome.size, modified: Date(timeIntervalSince1970: Double(outcome.modified) / 1e9),
                        format: format, classification: findings.classification, patients: findings.patients,
                        confidence: findings.confidence, identifiers: findings.identifiers))
            }
        case .skipped(let reason):
            collected.totals.filesSkipped[reason.rawValue, default: 0] += 1
            collected.perRoot[file.root].filesSkipped += 1
            if !reused {
                collected.toSave.append(
                    (
                        key,
                        StoredFile(
                            root: rootKey, size: outcome.size, modified: outcome.modified, hash: nil,
                            status: "skipped:\(reason.rawValue)", findings: nil)
                    ))
            }
        case .failed(let code, let message):
            collected.totals.filesFailed += 1
            collected.perRoot[file.root].filesFailed += 1
            collected.problem(code, shown, message, .error)
            collected.toForget.append(key)
        }
    }
}
