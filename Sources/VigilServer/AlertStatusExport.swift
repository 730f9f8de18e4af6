public import Foundation
import VigilReport
public import VigilStore

/// Alert statuses as CSV and JSON, one shape for `vigil admin alert-status` and the API's overdue feed, so the two
/// cannot drift. `acknowledge_by` and `remediate_by` are the organisation's own clocks (the alert's, moved for an
/// organisation created after the alert; a remediation clock by days runs from when the organisation's evidence showed
/// it affected, and is empty while it has nothing to remediate). Cells are neutralised against spreadsheet formulas (an
/// organisation's not-applicable reason is its own text).
public enum AlertStatusExport {
    /// The CSV columns, in order.
    public static let columns = [
        "alert", "title", "severity", "organisation", "name", "path", "state", "applicability", "open_matches",
        "issued_at", "acknowledge_by", "remediate_by", "acknowledged_at", "not_applicable_reason", "closed_at",
        "closed_submission", "time_to_closure_seconds", "acknowledgement_overdue", "remediation_overdue",
        "reopen_count", "remediation_days", "known_exploited", "excepted_matches", "escalation", "escalation_level",
    ]

    /// One header line and one line per status, CRLF-terminated (RFC 4180).
    public static func csv(_ statuses: [AlertStatus]) -> String {
        var text = columns.joined(separator: ",") + "\r\n"
        for status in statuses {
            // Typed in parts: one literal of this many optional-mapped cells is too much for the type checker.
            let alert: [String] = [
                String(status.alert.id), status.alert.title, status.alert.severity.rawValue,
                status.organisation.code, status.organisation.name, status.organisation.path, status.state.rawValue,
                status.applicability.rawValue, String(status.openMatches), iso(status.alert.issuedAt),
                iso(status.acknowledgeBy),
            ]
            let answers: [String] = [
                status.remediateBy.map(iso) ?? "", status.acknowledgedAt.map(iso) ?? "",
                status.notApplicableReason ?? "", status.closedAt.map(iso) ?? "",
                status.closedSubmission.map { String($0) } ?? "", status.timeToClosure.map { String($0) } ?? "",
            ]
            let clocks: [String] = [
                String(status.acknowledgementOverdue), String(status.remediationOverdue), String(status.reopenCount),
                status.alert.remediationDays.map { String($0) } ?? "", String(status.alert.knownExploited),
                String(status.exceptedMatches), status.escalation.rawValue, String(status.escalationLevel),
            ]
            let cells = alert + answers + clocks
            text += cells.map(CSVReportRenderer.cell).joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// The statuses as a JSON array: keys sorted, dates ISO 8601.
    public static func json(_ statuses: [AlertStatus]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(statuses)
    }

    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
