import Foundation
import VigilCore

extension AdvisoryIndex {
    /// Each advisory's place in priority order, worked out once: entries of every product are sorted by it.
    static func priorityOrder(_ advisories: [Advisory]) -> [Int] {
        var order = [Int](repeating: 0, count: advisories.count)
        let priorities = advisories.map(Priority.init)
        for (rank, position) in advisories.indices.sorted(by: { priorities[$0] < priorities[$1] }).enumerated() {
            order[position] = rank
        }
        return order
    }

    /// An advisory's place in priority order — known exploited first, then highest score or rating, then oldest,
    /// then identifier — worked out once so that sorting many compares plain values: lesser comes first.
    struct Priority: Comparable {
        var exploited: Bool
        var rank: Double
        var published: Date
        var id: String

        init(_ advisory: Advisory) {
            exploited = advisory.exploitation != nil
            rank = Self.rank(advisory)
            published = advisory.published ?? .distantFuture
            id = advisory.id
        }

        static func < (lhs: Self, rhs: Self) -> Bool {
            if lhs.exploited != rhs.exploited { return lhs.exploited }
            if lhs.rank != rhs.rank { return lhs.rank > rhs.rank }
            if lhs.published != rhs.published { return lhs.published < rhs.published }
            return lhs.id < rhs.id
        }

        private static func rank(_ advisory: Advisory) -> Double {
            if let score = advisory.cvssScore { return score }
            switch advisory.vendorSeverity?.lowercased() {
            case "critical": return 9
            case "important", "high": return 7.5
            case "moderate", "medium": return 5
            case "low": return 2
            default: return 0
            }
        }
    }
}
