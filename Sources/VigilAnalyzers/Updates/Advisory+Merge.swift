import VigilCore

extension Advisory {
    /// Takes in what another source says of the same advisory: fixes united, the highest score, the earliest date.
    mutating func merge(_ other: Advisory) {
        var seen = Set(fixes.map { "\($0.product.lowercased())\u{1F}\($0.kb ?? "")\u{1F}\($0.fixedBuild ?? "")" })
        for fix in other.fixes {
            let key = "\(fix.product.lowercased())\u{1F}\(fix.kb ?? "")\u{1F}\(fix.fixedBuild ?? "")"
            if seen.insert(key).inserted {
                fixes.append(fix)
            } else if let index = fixes.firstIndex(where: {
                $0.product.lowercased() == fix.product.lowercased() && $0.kb == fix.kb
            }) {
                fixes[index].supersedes = Array(Set(fixes[index].supersedes + fix.supersedes)).sorted()
            }
        }
        cves = Array(Set(cves + other.cves)).sorted()
        cvssScore = [cvssScore, other.cvssScore].compactMap { $0 }.max()
        published = [published, other.published].compactMap { $0 }.min()
        vendorSeverity = vendorSeverity ?? other.vendorSeverity
        impact = impact ?? other.impact
        exploitation = exploitation ?? other.exploitation
        if title.isEmpty { title = other.title }
    }
}
