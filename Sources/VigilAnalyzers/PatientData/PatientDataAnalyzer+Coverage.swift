import VigilCore

extension PatientDataAnalyzer {
    /// What was scanned, what could not be read, and whether every list's permissions are known: partial when files
    /// failed, a folder tree held no file or a list's readers are unknown; not assessed when no file was read at all
    /// (an empty scan is never a pass).
    func coverage(_ review: Review) -> Coverage {
        let (files, failed, unknown, lists) = (review.files, review.failed, review.unknown, review.lists.count)
        var basis =
            "\(Wording.number(review.read)) of \(Wording.count(files, "file")) in \(Wording.count(review.folders, "folder tree")) read for NHS, CHI, H&C and hospital numbers, dates of birth beside names and postcodes"
        if review.skipped > 0 {
            basis +=
                "; \(Wording.count(review.skipped, "file")) in formats the scan does not read (images, PDFs, legacy .xls/.doc, archives, binary files; vigil scan counts them by kind)"
        }
        if failed > 0 { basis += "; \(Wording.count(failed, "file")) could not be read" }
        if review.emptyFolders > 0 {
            basis +=
                "; \(Wording.number(review.emptyFolders)) of the folder trees held no file at all (a share not mounted, or a wrong path?)"
        }
        if review.read == 0 {
            return Coverage(
                area: .patientData, status: .notAssessed,
                basis: "The scan read no file, so nothing shows whether patient data lies on the shares: " + basis)
        }
        if lists > 0 {
            basis +=
                unknown == 0
                ? "; permissions known for every patient list"
                : "; who can read \(Wording.number(unknown)) of \(Wording.count(lists, "patient list")) is not known (provide icacls or Get-Acl exports of their folders)"
        }
        let partial = failed > 0 || unknown > 0 || review.emptyFolders > 0
        return Coverage(area: .patientData, status: partial ? .partial : .assessed, basis: basis)
    }
}
