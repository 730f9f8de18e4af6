import VigilCore

extension AdvisoryIndex {
    /// `sources` merged by identifier (``Advisory/merge(_:)``) and sorted by it, each given the exploitation that an
    /// exploitation-only advisory (KEV) states for one of its CVEs; with how many exploitation-only advisories there
    /// were, which are joined in rather than kept.
    static func merged(_ sources: [Advisory]) -> (advisories: [Advisory], exploitationOnly: Int) {
        var exploitation: [String: Exploitation] = [:]
        var merged: [String: Advisory] = [:]
        var exploitationOnly = 0
        for advisory in sources {
            if advisory.fixes.isEmpty, let exploited = advisory.exploitation {
                exploitationOnly += 1
                for cve in advisory.cves + [advisory.id] { exploitation[cve.uppercased()] = exploited }
                continue
            }
            if var existing = merged[advisory.id] {
                existing.merge(advisory)
                merged[advisory.id] = existing
            } else {
                merged[advisory.id] = advisory
            }
        }
        var advisories = merged.values.sorted { $0.id < $1.id }
        for index in advisories.indices where advisories[index].exploitation == nil {
            let advisory = advisories[index]
            advisories[index].exploitation =
                (advisory.cves + [advisory.id]).lazy.compactMap {
                    exploitation[$0.uppercased()]
                }.first
        }
        return (advisories, exploitationOnly)
    }
}
