import Foundation
import VigilCore

/// Writes the demo's file-server access log (`logs/<host>-access.csv`, in Vigil's access-log CSV as PowerShell's
/// `Export-Csv` writes 4663 events): who really uses the share, and the usage numbers an assessment must report, known by
/// construction.
///
/// The first team's clean accounts (enabled staff, no other condition) use the share in the last 80 days: every one
/// opens the Domain Users folder, some also the others, named in turn by SID, `DOMAIN\name` and user principal name. The
/// second team's first five used it only 120–150 days ago (outside the 90-day window), the third team's first three
/// were denied (failures), and one agency login the directory does not hold read it: none of these is a use.
struct AccessLogWriter {
    let specification: EstateSpecification
    let asOf: Date
    /// The share's root as the ACL exports name it.
    let aclRoot: String
    /// The share's folders with their own permissions (paths below the root).
    let folders: [String]

    /// Writes the log to `url` for `plan`'s accounts; returns the usage metrics the assessment must report: staff who
    /// used patient data (`access.staff-used-patient-data`, 0 when no broad folder holds patient identifiers, since
    /// then the users cannot read any), log users the directory does not hold, and the shares the logs cover.
    func write(to url: URL, plan: EstatePlan, broadReadersHoldIdentifiers: Bool) throws(SynthError) -> [String: Int] {
        let teamSize = EstatePlan.teamSize
        func clean(_ range: Range<Int>) -> [Int] {
            range.clamped(to: 0..<specification.staff).filter { plan.conditions[$0] == .clean }
        }
        let users = clean(0..<teamSize)
        let lapsed = Array(clean(teamSize..<2 * teamSize).prefix(5))
        let denied = Array(clean(2 * teamSize..<3 * teamSize).prefix(3))
        let domain = specification.netBIOSName
        var rows = ["\"Time\",\"User\",\"Resource\",\"Action\",\"Outcome\""]
        func name(_ index: Int, form: Int) -> String {
            let account = plan.staffAccount(index)
            switch form % 3 {
            case 0: return plan.sid(account.rid).description
            case 1: return "\(domain)\\\(account.samAccountName)"
            default:
                return "\(account.samAccountName)@\(DistinguishedName.dnsName(account.distinguishedName))"
            }
        }
        func row(_ daysAgo: Int, hour: Int, _ user: String, _ folder: String, _ file: String, outcome: String) {
            let time = asOf.addingTimeInterval(-Double(daysAgo) * 86_400 + Double(hour) * 3_600)
            let stamp = CivilDate.string(time) + "T\(hour < 10 ? "0" : "")\(hour):\(10 + daysAgo % 50):00Z"
            rows.append(
                "\"\(stamp)\",\"\(user)\",\"\(aclRoot)\\\(folder)\\\(file)\",\"ReadData (or ListDirectory)\",\"\(outcome)\""
            )
        }
        for (position, index) in users.enumerated() {
            let user = name(index, form: position)
            let daysAgo = 1 + position % 80
            for (order, folder) in folders.enumerated() where order == 0 || position % (order + 2) == 0 {
                row(
                    daysAgo, hour: 8 + order, user, folder, "clinic-list-\(position % 7).xlsx", outcome: "Audit Success"
                )
            }
        }
        for (position, index) in lapsed.enumerated() {
            row(
                120 + position * 7, hour: 9, name(index, form: position + 1), folders[0], "notes.docx",
                outcome: "Audit Success")
        }
        for (position, index) in denied.enumerated() {
            row(
                5 + position, hour: 11, name(index, form: position), folders[0], "clinic-list-1.xlsx",
                outcome: "Audit Failure")
        }
        row(12, hour: 14, "agency.locum01", folders[0], "clinic-list-2.xlsx", outcome: "Audit Success")
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((rows.joined(separator: "\r\n") + "\r\n").utf8).write(to: url)
        } catch {
            throw SynthError(message: "cannot write \(url.path)")
        }
        return [
            "access.staff-used-patient-data": broadReadersHoldIdentifiers ? users.count : 0,
            "access.log-users-unmatched": 1,
            "access.shares-logged": 1,
        ]
    }
}
