public import VigilCore

/// A one-page overview of several organisations' assessments with links to each report (the demo's `index.html`).
public enum OrganisationIndexRenderer {
    /// One organisation's row: its assessment and the relative link to its report.
    public struct Entry: Sendable {
        public var assessment: Assessment
        public var link: String

        public init(assessment: Assessment, link: String) {
            self.assessment = assessment
            self.link = link
        }
    }

    /// The page.
    public static func render(_ entries: [Entry], title: String) -> String {
        var page = HTMLPage(title: title)
        page.raw("<header><p class=\"kicker\">Vigil</p><h1>\(escape(title))</h1>")
        if let first = entries.first {
            page.raw(
                "<p class=\"meta\">\(Wording.count(entries.count, "organisation")) · evidence as of \(CivilDate.string(first.assessment.assessedAt))</p>"
            )
        }
        page.raw(
            "</header><section><table><thead><tr><th>Organisation</th><th>Code</th><th class=\"num\">Enabled accounts</th>"
        )
        for severity in Severity.allCases.reversed() { page.raw("<th class=\"num\">\(severity.label)</th>") }
        page.raw("<th>Headline</th></tr></thead><tbody>")
        for entry in entries {
            let assessment = entry.assessment
            let counts = assessment.findingsBySeverity
            let enabled = assessment.metric("accounts.enabled").map { Wording.number($0.value) } ?? "–"
            let headline =
                assessment.headlines.filter { $0.severity != nil }.max {
                    ($0.severity ?? .info) < ($1.severity ?? .info)
                }?.text ?? "Nothing to report."
            page.raw(
                "<tr><td><a href=\"\(escape(entry.link))\">\(escape(assessment.organisation.name))</a></td><td>\(escape(assessment.organisation.code))</td><td class=\"num\">\(enabled)</td>"
            )
            for severity in Severity.allCases.reversed() {
                let count = counts[severity, default: 0]
                page.raw(
                    "<td class=\"num\">\(count == 0 ? "0" : "<span class=\"badge \(severity.rawValue)\">\(Wording.number(count))</span>")</td>"
                )
            }
            page.raw("<td>\(escape(headline))</td></tr>")
        }
        page.raw("</tbody></table></section>")
        return page.finish()
    }
}
