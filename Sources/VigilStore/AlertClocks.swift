import Foundation

/// One organisation's two clocks for one alert, read at one time: what ``AlertStatus`` reports of them, worked out
/// from the few facts they depend on. The national overview reads the clocks of every status (some 21,000) to count
/// and escalate them, and builds a whole status — a copy of the alert's and the organisation's records — only for the
/// few it lists.
struct AlertClocks: Sendable, Hashable {
    /// Not acknowledged (nor declared not applicable, nor closed) after the acknowledgement clock.
    var acknowledgementOverdue: Bool
    /// Affected and not closed after the remediation clock.
    var remediationOverdue: Bool
    /// The organisation's remediation clock, when it has something to remediate (shown affected, or the alert gave
    /// a date).
    var due: Date?
    /// How far a missed clock has escalated.
    var escalation: Escalation
    /// The organisation's acknowledgement clock.
    var acknowledgeBy: Date

    /// What an alert's clocks are set by, without the rest of its record (its title and lists): what counting tens
    /// of thousands of statuses reads of their alert.
    struct Terms: Sendable, Hashable {
        var acknowledgeBy: Date
        var remediateBy: Date?
        var remediationDays: Int?
        var issuedAt: Date

        init(_ alert: AlertRecord) {
            acknowledgeBy = alert.acknowledgeBy
            remediateBy = alert.remediateBy
            remediationDays = alert.remediationDays
            issuedAt = alert.issuedAt
        }

        /// The terms for an organisation that joined the alert at `joinedAt`: created after the alert was recorded
        /// (its creation gave it a status for each alert already there, and recorded when). It was never given the
        /// time the others had: its clocks run for as long from its creation as theirs ran from the issue (a practice
        /// taken on today is not overdue on last year's alert until it has had its 48 hours and its days), so they end
        /// after the alert's own. A clock by days starts from its evidence anyway.
        func joined(at joinedAt: Date?) -> Terms {
            guard let joinedAt, joinedAt > issuedAt else { return self }
            var terms = self
            let late = joinedAt.timeIntervalSince(issuedAt)
            terms.acknowledgeBy = acknowledgeBy.addingTimeInterval(late)
            terms.remediateBy = remediateBy?.addingTimeInterval(late)
            return terms
        }

        /// The remediation clock of an organisation first shown affected at `affectedAt`: the alert's date, else
        /// that time plus the alert's days; nil when neither applies (no date, and not shown affected).
        func remediationDue(affectedAt: Date?) -> Date? {
            if let remediateBy { return remediateBy }
            guard let affectedAt, let days = remediationDays else { return nil }
            return affectedAt.addingTimeInterval(TimeInterval(days) * 86_400)
        }
    }

    /// Any answer stops the acknowledgement clock; only evidence stops the remediation clock, and only an
    /// organisation the evidence shows affected has something to remediate. Open matches that are all under a valid
    /// exception hold the remediation clock: the exception has its own expiry, which restarts it.
    init(
        alert: Terms, state: AlertStatus.State, applicability: AlertStatus.Applicability, openMatches: Int,
        exceptedMatches: Int, affectedAt: Date?, at now: Date
    ) {
        acknowledgeBy = alert.acknowledgeBy
        due = applicability == .affected ? alert.remediationDue(affectedAt: affectedAt) : nil
        let allExcepted = openMatches > 0 && exceptedMatches >= openMatches
        acknowledgementOverdue = state == .open && now >= alert.acknowledgeBy
        remediationOverdue =
            (state == .open || state == .acknowledged) && !allExcepted && due.map { now >= $0 } == true
        escalation = Escalation.at(
            now, acknowledgementOverdue: acknowledgementOverdue, remediationOverdue: remediationOverdue,
            remediateBy: due)
    }

    /// Either clock missed.
    var overdue: Bool { acknowledgementOverdue || remediationOverdue }
}
