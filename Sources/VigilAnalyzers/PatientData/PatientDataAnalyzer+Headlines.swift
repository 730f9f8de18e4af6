import VigilCore

extension PatientDataAnalyzer {
    /// The patient lists in plain words (or that there are none), and the hosts holding them on unencrypted disks.
    func headlines(_ review: Review) -> [Headline] {
        [listsHeadline(review), unencryptedHeadline(review)].compactMap { $0 }
    }

    /// How many files list patients, how many are bulk exports and how many everyone can read; no pass over a scan
    /// that read nothing (coverage says why).
    private func listsHeadline(_ review: Review) -> Headline? {
        let (read, single, bulk, broad) = (review.read, review.single, review.bulk, review.broad)
        let lists = review.lists.count
        guard lists > 0 else {
            guard read > 0 else { return nil }
            return Headline(
                area: .patientData,
                text:
                    "No file lists patients in the \(Wording.count(read, "file")) read\(single > 0 ? "; \(Wording.count(single, "file")) \(single == 1 ? "holds" : "hold") one or a few patients' identifiers" : "").",
                severity: nil,
                metrics: ["patients.lists", "patients.files-read"]
                    + (single > 0 ? ["patients.single-identifier-files"] : []))
        }
        var text =
            "\(Wording.count(lists, "file")) on shares \(lists == 1 ? "lists" : "list") patients (\(Wording.count(review.patientsInLists, "patient")) counted file by file)"
        if bulk > 0 { text += ", \(Wording.number(bulk)) of them bulk export\(bulk == 1 ? "" : "s")" }
        text +=
            broad > 0
            ? "; \(Wording.number(broad)) \(broad == 1 ? "is" : "are") readable by everyone in the organisation (Everyone, Authenticated Users or Domain Users)."
            : "."
        return Headline(
            area: .patientData, text: text, severity: broad > 0 ? .critical : bulk > 0 ? .high : .medium,
            metrics: ["patients.lists", "patients.in-lists"] + (bulk > 0 ? ["patients.bulk-exports"] : [])
                + (broad > 0 ? ["patients.lists-broadly-readable"] : []))
    }

    /// The hosts whose unencrypted disks hold patient lists, when there are any.
    private func unencryptedHeadline(_ review: Review) -> Headline? {
        guard !review.unencrypted.isEmpty else { return nil }
        let count = review.unencrypted.values.reduce(0, +)
        return Headline(
            area: .patientData,
            text:
                "\(Wording.count(count, "patient list")) \(count == 1 ? "sits" : "sit") on \(Self.list(review.unencrypted.keys.sorted())), whose disk is not encrypted.",
            severity: .high, metrics: ["patients.lists-unencrypted-disk"])
    }
}
