public import VigilCore

/// Patient data in files: lists and bulk exports on shares (from `vigil scan` or the manifest's `scan:` section),
/// joined with NTFS permissions (icacls, Get-Acl) to say who can read them, and with host inventories to say whether
/// the disk under them is encrypted. A list readable by Everyone, Authenticated Users or Domain Users is critical.
/// Who can read patient data in general (effective access through groups, the area "access to confidential data") is
/// the `AccessAnalyzer`'s.
public struct PatientDataAnalyzer: Analyzer {
    public let name = "patient-data"
    public let rules: [RuleID] = [
        .patientListBroadAccess, .patientBulkExport, .patientList, .patientListUnencryptedDisk,
    ]

    public init() {}

    public func analyze(_ context: AnalysisContext) -> AnalyzerOutput {
        let estate = context.estate
        guard !estate.fileScans.isEmpty || !estate.patientData.isEmpty else {
            return AnalyzerOutput()
        }
        let review = review(estate, domains: { context.shared.directory().domainSIDs })
        return AnalyzerOutput(
            findings: review.findings, metrics: metrics(review), coverage: [coverage(review)],
            headlines: headlines(review))
    }

    /// What the scan found and how each patient list is exposed, counted once for the findings, metrics, headlines
    /// and coverage alike.
    struct Review {
        /// Folder trees scanned.
        var folders: Int
        /// Folder trees in which the scan found no file at all (a share not mounted, a wrong path).
        var emptyFolders: Int
        /// Files found in the folders scanned.
        var files: Int
        /// Files whose content was read (or whose earlier reading was reused unchanged).
        var read: Int
        /// Files in formats the scan does not read (images, PDFs, legacy .xls/.doc, archives, binary files).
        var skipped: Int
        /// Files that could not be read.
        var failed: Int
        /// Every file holding identifiers.
        var exposures: [PatientDataExposure]
        /// Files listing patients, in order.
        var lists: [PatientDataExposure]
        /// Lists that are bulk exports.
        var bulk: Int
        /// Files about one or a few patients.
        var single: Int
        /// Findings raised, in order of the lists.
        var findings: [Finding] = []
        /// Lists readable by a group that holds everyone.
        var broad = 0
        /// Lists whose permissions the evidence does not give.
        var unknown = 0
        /// Lists per host whose disk is not encrypted, by host name.
        var unencrypted: [String: Int] = [:]

        /// Patients in lists, counted file by file.
        var patientsInLists: Int { lists.reduce(0) { $0 + $1.patients } }
    }

    /// "A patient list of 500 patients: NHS numbers (500 distinct, sample 401 *** **37, line 2), dates of birth (…)."
    static func describe(_ exposure: PatientDataExposure) -> String {
        let parts = exposure.identifiers.filter { $0.count > 0 }.map { tally in
            "\(tally.kind.plural) (\(Wording.number(tally.distinct)) distinct, e.g. \(tally.sample) at \(tally.location))"
        }
        return
            "A \(exposure.classification.title) of \(Wording.count(exposure.patients, "patient")) (\(exposure.confidence.rawValue) confidence): \(parts.joined(separator: ", "))."
    }

    static func list(_ items: [String]) -> String {
        let unique = Array(Set(items)).sorted()
        switch unique.count {
        case 0: return "nobody listed"
        case 1: return unique[0]
        default: return unique.dropLast().joined(separator: ", ") + " and " + unique.last!
        }
    }
}
