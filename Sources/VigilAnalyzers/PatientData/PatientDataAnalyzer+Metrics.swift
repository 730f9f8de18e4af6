import VigilCore

extension PatientDataAnalyzer {
    /// What the scan found, file by file, and how the patient lists are exposed.
    func metrics(_ review: Review) -> [Metric] {
        let files = review.files
        let lists = review.lists.count
        return [
            Metric(id: "patients.files-scanned", label: "Files found in the folders scanned", value: files),
            Metric(
                id: "patients.files-read", label: "Files whose content was read for patient identifiers",
                value: review.read, total: files),
            Metric(
                id: "patients.files-not-read",
                label: "Files in formats the scan does not read (images, PDFs, legacy .xls/.doc, archives, binary)",
                value: review.skipped, total: files),
            Metric(
                id: "patients.files-with-identifiers", label: "Files holding patient identifiers",
                value: review.exposures.filter { $0.classification != .testData }.count, total: files),
            Metric(
                id: "patients.lists", label: "Files listing patients (5 or more)", value: lists, total: files,
                rules: [.patientList, .patientBulkExport]),
            Metric(
                id: "patients.bulk-exports", label: "Bulk exports (1,000 patients or more)", value: review.bulk,
                total: files, rules: [.patientBulkExport]),
            Metric(
                id: "patients.single-identifier-files", label: "Files about one or a few patients",
                value: review.single, total: files),
            Metric(
                id: "patients.test-data-files", label: "Files holding only test-range numbers",
                value: review.exposures.filter { $0.classification == .testData }.count, total: files),
            Metric(
                id: "patients.in-lists", label: "Patients in lists (counted file by file)",
                value: review.patientsInLists),
            Metric(
                id: "patients.lists-broadly-readable",
                label: "Patient lists readable by Everyone, Authenticated Users or Domain Users", value: review.broad,
                total: lists, rules: [.patientListBroadAccess]),
            Metric(
                id: "patients.lists-permissions-unknown",
                label: "Patient lists whose permissions are not in the evidence",
                value: review.unknown, total: lists),
            Metric(
                id: "patients.lists-unencrypted-disk", label: "Patient lists on hosts whose disk is not encrypted",
                value: review.unencrypted.values.reduce(0, +), total: lists, rules: [.patientListUnencryptedDisk]),
            Metric(
                id: "patients.files-unreadable", label: "Files that could not be read", value: review.failed,
                total: files),
        ]
    }
}
