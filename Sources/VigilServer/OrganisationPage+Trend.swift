import Foundation
import VigilCore
import VigilStore

/// The organisation page's trend and score: open findings by severity across its submissions, from the daily
/// aggregates (`org_daily`), as an inline SVG line chart whose text alternative is the table of days below it; and
/// its score with the figures it is made of.
extension OrganisationPage {
    /// The most days the trend chart draws (a year of daily submissions and more).
    static let trendDays = 400

    /// The trend chart for `days` (oldest first), or a sentence when there is nothing to draw.
    static func trend(_ days: [OrganisationDay]) -> String {
        let days = days.suffix(trendDays)
        guard let first = days.first, let last = days.last else { return "" }
        let series = OverviewPage.shownSeverities.map { severity in
            let style = PageChart.style(severity)
            return PageChart.Series(
                name: severity.rawValue.capitalized, colour: style.colour, dash: style.dash,
                values: days.map { $0.open[severity] ?? 0 })
        }
        // A day has a row when evidence arrived or an exception was approved or ended (a day with no submission,
        // which a lapsed organisation's chart must not pass off as fresh evidence).
        let withEvidence = days.count { $0.submissions > 0 }
        let description =
            "From \(first.day) to \(last.day) over \(Wording.count(days.count, "day")) recorded, "
            + "\(withEvidence) of them with evidence: "
            + OverviewPage.shownSeverities.map { severity in
                "\(severity.rawValue) \(first.open[severity] ?? 0) to \(last.open[severity] ?? 0)"
            }.joined(separator: ", ")
            + ". The table below holds the values of the last \(min(days.count, OrganisationPage.days)) of them."
        return """
            <section aria-labelledby="trend"><h2 id="trend">Open findings across submissions</h2>
            \(PageChart.lines(id: "trend-chart", title: "Open findings by severity at the end of each day recorded", description: description, labels: days.map(\.day), series: series))
            </section>
            """
    }

    /// The organisation's score and what it is made of.
    static func score(_ summary: OrganisationSummary?) -> String {
        guard let summary else { return "" }
        let score = summary.score
        // A stale organisation has no score now but may have had one then: that one is still said.
        let change =
            switch (score.value, summary.monthAgo.value) {
            case (let now?, let then?):
                "30 days ago \(OverviewPage.scoreNumber(then)), \(OverviewPage.scoreChange(now, since: then))"
            case (nil, let then?): "30 days ago \(OverviewPage.scoreNumber(then))"
            case (_, nil): "no score 30 days ago"
            }
        let remediation = [Severity.critical, .high, .medium, .low].map { severity in
            "<tr><th scope=\"row\">\(severity.rawValue.capitalized)</th><td>\(score.open[severity] ?? 0)</td>"
                + "<td>\(score.remediation[severity]?.count ?? 0)</td><td>\(OverviewPage.remediationText(score, severity))</td></tr>"
        }
        return """
            <section aria-labelledby="score"><h2 id="score">Score</h2>
            <p>Score \(OverviewPage.scoreText(score)) (\(change)). Open exposure \(String(format: "%.0f", score.exposure)); \
            \(score.fixedOnTime) of \(score.due) findings due were fixed within their deadline. Last evidence: \
            \(score.lastEvidence.map(PageDate.string) ?? "none")\(score.isStale ? ", stale" : ""). The score is 50 × \
            the share fixed on time + 50 / (1 + log10(1 + exposure / 10)); Vigil's docs/score.md explains each part.</p>
            <table><caption>Open findings and time to remediate by severity</caption>
            <thead><tr><th scope="col">Severity</th><th scope="col">Open</th><th scope="col">Fixed</th>\
            <th scope="col">Median / 90th percentile days to fix</th></tr></thead>
            <tbody>\(remediation.joined(separator: "\n"))</tbody></table></section>
            """
    }

    /// Links to the region and ICB above the organisation that the viewer can open.
    static func breadcrumbs(_ organisation: OrganisationRecord, session: Session) -> String {
        let links = RegionPage.visibleAreas(of: organisation, scope: session.user.scope).map {
            "<a href=\"/regions/\(HTMLPage.escape($0))\">\(HTMLPage.escape($0))</a>"
        }
        return
            "<nav aria-label=\"Breadcrumbs\"><p><a href=\"/\">Overview</a>\(links.map { " › " + $0 }.joined())</p></nav>"
    }
}
