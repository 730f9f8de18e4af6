import VigilAnalyzers
import VigilCore

extension CrossChecks {
    /// Access-log users the directory does not hold, summarised in one diagnostic pointing at the first (names are never
    /// quoted): their events count as the logs covering a resource, never as anyone's use of it.
    static func accessLog(estate: Estate) -> [Diagnostic] {
        guard !estate.accessEvents.isEmpty else { return [] }
        guard !estate.accounts.isEmpty else {
            let first = estate.accessEvents.map(\.source).min()
            return first.map {
                [
                    Diagnostic(
                        level: .warning, code: "cross.log-without-directory", location: $0,
                        message:
                            "access logs were read but no directory export was: their users cannot be matched to accounts, so who used what is not assessed"
                    )
                ]
            } ?? []
        }
        let matcher = AccessLogMatcher(accounts: estate.accounts)
        var unknown: Set<String> = []
        var events = 0
        var first: EvidenceReference?
        var memo: [String: Bool] = [:]
        for event in estate.accessEvents {
            let matched: Bool
            if let known = memo[event.principal] {
                matched = known
            } else {
                matched = matcher.account(for: event.principal) != nil
                memo[event.principal] = matched
            }
            guard !matched else { continue }
            events += 1
            unknown.insert(event.principal.lowercased())
            first = min(first ?? event.source, event.source)
        }
        guard let first else { return [] }
        return [
            Diagnostic(
                level: .warning, code: "cross.log-user-unknown", location: first,
                message:
                    "\(Wording.count(unknown.count, "user")) in the access logs (\(Wording.count(events, "event"))) \(unknown.count == 1 ? "matches" : "match") no directory account by SID, user principal name or sAMAccountName (first here); their accesses are not counted as anyone's use"
            )
        ]
    }
}
