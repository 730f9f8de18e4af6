import VigilCore

/// Evidence files that say of themselves that they are incomplete: a directory export the server cut short, run
/// together, or whose entries could not be classified. Analyzers see only the estate, so they cannot tell a directory
/// of 1,000 accounts from the first 1,000 of a larger one; the reader's diagnostics can, and they lower the coverage
/// of the areas that rest on that file — an incomplete export must never read as a complete assessment.
enum IncompleteEvidence {
    /// The directory-export diagnostics that mean the accounts read are not all the directory holds, with a few words
    /// for the coverage note.
    static let directoryGaps: [String: String] = [
        Diagnostic.Code.ldifTruncated: "the export stopped before its end",
        Diagnostic.Code.ldifPartialRecord: "the file was cut in the middle of a record",
        Diagnostic.Code.ldifMergedRecords: "records run together without a blank line",
        Diagnostic.Code.ldifUnclassified: "entries could not be classified as users, computers or groups",
        Diagnostic.Code.ldifSearchFailed: "the directory search failed",
        Diagnostic.Code.ldifRootDSE: "it is the server's root entry, not the directory",
    ]

    /// The areas that rest on a directory export.
    static let directoryAreas: Set<AssessmentArea> = [.accounts, .credentials]

    /// `areas` with those that rest on an incomplete file marked partly assessed, their basis naming file and line;
    /// an area with no evidence says so when files of the bundle could not be opened (its evidence may be one).
    static func adjust(_ areas: [Coverage], evidence: EvidenceInventory) -> [Coverage] {
        unopened(directory(areas, evidence: evidence), evidence: evidence)
    }

    /// Areas with no evidence, when some files could not be opened: the basis says so, so that a hash dump kept
    /// owner-only by another account never reads as one that was never given.
    static func unopened(_ areas: [Coverage], evidence: EvidenceInventory) -> [Coverage] {
        let unreadable = evidence.unrecognised.filter(\.unreadable)
        guard let first = unreadable.first else { return areas }
        let note =
            "\(Wording.count(unreadable.count, "file")) of the bundle could not be opened (\(first.path): \(first.reason)\(unreadable.count > 1 ? ", and others under files not read" : "")); if this evidence is among them, make \(unreadable.count == 1 ? "it" : "them") readable by the account running Vigil and assess again."
        return areas.map { coverage in
            // Areas whose evidence Vigil does not read yet cannot be waiting on an unopened file.
            guard coverage.status == .notAssessed, coverage.area != .wormExposure, coverage.area != .assurance
            else { return coverage }
            var adjusted = coverage
            adjusted.basis += (adjusted.basis.hasSuffix(".") ? " " : "; ") + note
            return adjusted
        }
    }

    /// Areas resting on an incomplete directory export.
    static func directory(_ areas: [Coverage], evidence: EvidenceInventory) -> [Coverage] {
        let notes = directoryNotes(evidence)
        guard !notes.isEmpty else { return areas }
        let summary = notes.joined(separator: "; ")
        return areas.map { coverage in
            guard directoryAreas.contains(coverage.area) else { return coverage }
            var adjusted = coverage
            switch coverage.status {
            case .assessed, .partial:
                adjusted.status = .partial
                adjusted.basis += "; the directory export is incomplete (\(summary)): export it again in full"
            case .notAssessed:
                adjusted.basis =
                    "The directory export was read but yielded nothing to assess (\(summary)); provide \(coverage.area.evidenceNeeded)."
            }
            return adjusted
        }
    }

    /// One note per incomplete directory file and kind of gap: `directory.ldif line 1003: the export stopped…`.
    static func directoryNotes(_ evidence: EvidenceInventory) -> [String] {
        var notes: [String] = []
        for file in evidence.files where file.format == "ldif" {
            var seen: Set<String> = []
            for diagnostic in file.diagnostics {
                guard let words = directoryGaps[diagnostic.code], seen.insert(diagnostic.code).inserted else {
                    continue
                }
                let line = diagnostic.location.line.map { " line \($0)" } ?? ""
                notes.append("\(file.path)\(line): \(words)")
            }
        }
        return notes
    }
}
