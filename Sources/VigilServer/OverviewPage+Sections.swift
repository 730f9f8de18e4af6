import Foundation
import VigilCore
import VigilStore

/// The overview's sections, one method each, every one computed from the summaries of the viewer's scope alone.
extension OverviewPage {
    /// The severities the tables show, worst first.
    static let shownSeverities: [Severity] = [.critical, .high, .medium, .low]

    /// The review's headline numbers, summed over the scope.
    static func headlines(_ summaries: [OrganisationSummary]) -> String {
        // One pass, every sum at once: a national page has thousands of organisations.
        var submitted = 0
        var stale = 0
        var critical = 0
        var exploited = 0
        var exposed = 0
        var weak = 0
        var behind = 0
        var patientData = 0
        var notAssessed = 0
        for summary in summaries {
            if let latest = summary.latest {
                submitted += 1
                critical += latest.open[.critical] ?? 0
            }
            if summary.score.isStale { stale += 1 }
            let known = summary.open(.knownExploited)
            exploited += known
            if known > 0 { exposed += 1 }
            weak += summary.open(.weakPasswords)
            behind += summary.open(.behindOnUpdates)
            patientData += summary.open(.patientData)
            notAssessed += summary.notAssessed.count
        }
        let rows: [(String, String)] = [
            ("Organisations that have submitted evidence", "\(submitted) of \(summaries.count)"),
            ("Stale: no evidence in the last 14 days (or none)", "\(stale)"),
            ("Open critical findings", "\(critical)"),
            ("Known-exploited vulnerabilities unpatched (findings; organisations exposed)", "\(exploited); \(exposed)"),
            ("Weak passwords: empty, breached, guessable, the account name, a machine default (findings)", "\(weak)"),
            (
                "Security updates missing or overdue, and systems past support (findings; a host may have several)",
                "\(behind)"
            ),
            ("Patient data exposed (findings)", "\(patientData)"),
            ("Areas not assessed (organisation × area)", "\(notAssessed)"),
        ]
        return """
            <section aria-labelledby="headlines"><h2 id="headlines">Headline numbers</h2>
            <p>Summed over the \(Wording.count(summaries.count, "organisation")) you can see. Findings are open tickets on each \
            organisation's latest evidence.</p>
            <table><tbody>
            \(rows.map { "<tr><th scope=\"row\">\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined(separator: "\n"))
            </tbody></table></section>
            """
    }

    /// Links to the regions and integrated care boards the viewer can open whole, each with its count of
    /// organisations. On an area's own page (`within`) only the areas below it are listed: an area above it holds
    /// organisations this page does not have, so its count would be this page's share of it, not its own (the audit
    /// saw Y56 given 2 organisations on QMJ's page and 4 on its own); the page links up to it without a count.
    static func areas(_ summaries: [OrganisationSummary], session: Session, within area: String? = nil) -> String {
        // Organisations counted by the path above them first (a few hundred nationally), each split once.
        var parents: [Substring: (first: OrganisationRecord, count: Int)] = [:]
        var parentOrder: [Substring] = []
        // In path order siblings come together: each run of one parent is counted, then added to the dictionary
        // once, rather than hashing every organisation's parent.
        var run: (parent: Substring, first: OrganisationRecord, count: Int)?
        func close() {
            guard let run else { return }
            if let known = parents[run.parent] {
                parents[run.parent] = (known.first, known.count + run.count)
            } else {
                parents[run.parent] = (run.first, run.count)
                parentOrder.append(run.parent)
            }
        }
        for summary in summaries {
            let organisation = summary.organisation
            let parent = organisation.path.lastIndex(of: "/").map { organisation.path[..<$0] } ?? ""
            if run?.parent == parent {
                run?.count += 1
            } else {
                close()
                run = (parent, organisation, 1)
            }
        }
        close()
        var counts: [String: Int] = [:]
        var order: [String] = []
        for parent in parentOrder {
            guard let (organisation, count) = parents[parent] else { continue }
            var codes = RegionPage.visibleAreas(of: organisation, scope: session.user.scope)
            if let area {
                codes = codes.firstIndex(of: area).map { Array(codes[($0 + 1)...]) } ?? []
            }
            for code in codes {
                if counts[code] == nil { order.append(code) }
                counts[code, default: 0] += count
            }
        }
        guard !order.isEmpty else { return "" }
        let items = order.map { code in
            "<li><a href=\"/regions/\(escape(code))\">\(escape(code))</a> (\(Wording.count(counts[code] ?? 0, "organisation")))</li>"
        }
        return """
            <section aria-labelledby="areas"><h2 id="areas">Regions and integrated care boards</h2>
            <ul>\(items.joined())</ul></section>
            """
    }

    /// Organisations by their worst open severity: a chart of how many, then each organisation's open counts.
    static func severities(_ summaries: [OrganisationSummary], limit: Int?) -> String {
        // Each organisation's worst severity and weight worked out once, not per bucket or comparison (thousands
        // of organisations nationally); the organisations sorted by index.
        let worst = summaries.map(\.worstOpen)
        let weights = summaries.map(weight)
        let paths = summaries.map(\.organisation.path)
        var buckets: [(label: String, value: Int, colour: String)] = shownSeverities.map { severity in
            ("Worst \(severity.rawValue)", worst.count { $0 == severity }, PageChart.style(severity).colour)
        }
        buckets.append(("None open", weights.indices.count { weights[$0].submitted && worst[$0] == nil }, "#00703c"))
        buckets.append(("No evidence", weights.count { !$0.submitted }, "#505a5f"))
        let ordered = firstOrdered(Array(summaries.indices), limit: limit) { first, second in
            weights[first] == weights[second] ? paths[first] < paths[second] : weights[first] > weights[second]
        }
        let rows = ordered.map { summaries[$0] }.map { summary in
            let cells: String
            if let day = summary.latest {
                cells =
                    shownSeverities.map { "<td>\(day.open[$0] ?? 0)</td>" }.joined()
                    // The day of the latest evidence, not of the latest change to the counts (an exception
                    // approved later rewrites them without evidence).
                    + "<td>\(day.unverified)</td><td>\(day.fixed)</td><td>\(escape(summary.score.lastEvidence.map(PageDate.string) ?? day.day))\(summary.score.isStale ? " (stale)" : "")</td>"
            } else {
                cells = "<td colspan=\"\(shownSeverities.count + 3)\">no submission yet</td>"
            }
            return "<tr>\(organisationCell(summary.organisation))\(cells)</tr>"
        }
        return """
            <section aria-labelledby="severity"><h2 id="severity">Organisations by worst open severity</h2>
            \(PageChart.bars(id: "severity-chart", title: "Organisations by worst open severity", description: buckets.map { "\($0.label): \($0.value)" }.joined(separator: ", "), bars: buckets))
            <table>
            <caption>Open tickets by severity, worst first; unverified tickets are open ones the latest evidence did not cover</caption>
            <thead><tr><th scope="col">Organisation</th><th scope="col">Critical</th><th scope="col">High</th>\
            <th scope="col">Medium</th><th scope="col">Low</th><th scope="col">Unverified</th><th scope="col">Fixed</th>\
            <th scope="col">Latest evidence</th></tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody>
            </table>\(Self.shownNote(rows.count, of: summaries.count, section: "severity"))</section>
            """
    }

    /// Exposure to known-exploited vulnerabilities (CISA KEV): organisations with open findings, most first.
    static func knownExploited(_ summaries: [OrganisationSummary], limit: Int?) -> String {
        let counts = summaries.map { $0.open(.knownExploited) }
        let paths = summaries.map(\.organisation.path)
        let exposed = counts.indices.filter { counts[$0] > 0 }
        let ordered = firstOrdered(exposed, limit: limit) { first, second in
            counts[first] == counts[second] ? paths[first] < paths[second] : counts[first] > counts[second]
        }
        let rows = ordered.map {
            "<tr>\(organisationCell(summaries[$0].organisation))<td>\(counts[$0])</td></tr>"
        }
        return """
            <section aria-labelledby="kev"><h2 id="kev">Known-exploited vulnerabilities</h2>
            <p>\(exposed.count) of \(summaries.count) organisations have hosts missing the fix for a vulnerability \
            known to be exploited (\(RuleID.updateMissingExploited.rawValue)).</p>
            \(rows.isEmpty ? "" : """
            <table><caption>Open known-exploited findings, most first</caption>
            <thead><tr><th scope="col">Organisation</th><th scope="col">Hosts with one open</th></tr></thead>
            <tbody>\(rows.joined(separator: "\n"))</tbody></table>\(Self.shownNote(rows.count, of: exposed.count, section: "kev"))
            """)</section>
            """
    }

    /// Alert compliance: per organisation, alerts issued, shown affected, answered, closed by evidence, overdue.
    static func alertCompliance(_ summaries: [OrganisationSummary], limit: Int?) -> String {
        let total = summaries.reduce(AlertCompliance()) { sum, summary in
            AlertCompliance(
                issued: sum.issued + summary.alerts.issued, affected: sum.affected + summary.alerts.affected,
                answered: sum.answered + summary.alerts.answered, closed: sum.closed + summary.alerts.closed,
                overdue: sum.overdue + summary.alerts.overdue)
        }
        func cells(_ counts: AlertCompliance) -> String {
            [counts.issued, counts.affected, counts.answered, counts.closed, counts.overdue].map { "<td>\($0)</td>" }
                .joined()
        }
        let issued = summaries.filter { $0.alerts.issued > 0 }
        let rows = Self.first(limit, of: issued).map {
            "<tr>\(organisationCell($0.organisation))\(cells($0.alerts))</tr>"
        }
        guard !rows.isEmpty else {
            return """
                <section aria-labelledby="alerts"><h2 id="alerts">Alert compliance</h2><p>No alert issued.</p></section>
                """
        }
        return """
            <section aria-labelledby="alerts"><h2 id="alerts">Alert compliance</h2>
            <p>\(total.closed) of \(total.affected) alert–organisation pairs shown affected are closed by covering \
            evidence; \(total.overdue) are past a clock. <a href="/alerts">Each alert, and where each organisation \
            stands, over every organisation you can see</a>.</p>
            <table><caption>Alerts per organisation</caption>
            <thead><tr><th scope="col">Organisation</th><th scope="col">Issued</th><th scope="col">Affected</th>\
            <th scope="col">Acknowledged, declared or closed</th><th scope="col">Closed by evidence</th><th scope="col">Overdue</th></tr></thead>
            <tbody>\(rows.joined(separator: "\n"))</tbody>
            <tfoot><tr><th scope="row">All</th>\(cells(total))</tr></tfoot></table>\(Self.shownNote(rows.count, of: issued.count, section: "alerts"))</section>
            """
    }

    /// The score (docs/score.md): now, a month ago and against peers of the same kind within the scope.
    static func scores(_ summaries: [OrganisationSummary], limit: Int?) -> String {
        // Each score's value (a logarithm) worked out once, not per comparison; the organisations sorted by index.
        let values = summaries.map(\.score.value)
        let kinds = summaries.map(\.organisation.kind)
        let paths = summaries.map(\.organisation.path)
        // Per kind, its scored organisations' values sorted: each row's peers are the others of its kind.
        let peers = Dictionary(
            grouping: values.indices.compactMap { index in values[index].map { (kinds[index], $0) } }, by: \.0
        ).mapValues { $0.map(\.1).sorted() }
        // Worst first, as the severity table: the lowest scores, then the organisations without one (stale, or no
        // evidence; counted in the headline numbers), so a table cut to its first rows still shows the low scores.
        let ordered = firstOrdered(Array(summaries.indices), limit: limit) { first, second in
            (values[first] ?? .infinity, paths[first]) < (values[second] ?? .infinity, paths[second])
        }
        let rows = ordered.map { index in
            let summary = summaries[index]
            let score = summary.score
            let change =
                score.value.flatMap { now in summary.monthAgo.value.map { scoreChange(now, since: $0) } } ?? "—"
            let peer =
                peers[kinds[index]].flatMap { medianOfOthers($0, excluding: values[index]) }.map(scoreNumber) ?? "—"
            return "<tr>\(organisationCell(summary.organisation))<td>\(scoreText(score))</td><td>\(change)</td>"
                + "<td>\(peer)</td><td>\(String(format: "%.0f", score.exposure))</td>"
                + "<td>\(score.due == 0 ? "—" : Wording.percent(score.fixedOnTime, of: score.due))</td>"
                + "<td>\(remediationText(score, .critical))</td><td>\(remediationText(score, .high))</td></tr>"
        }
        return """
            <section aria-labelledby="scores"><h2 id="scores">Scores</h2>
            <p>0 to 100, higher is better: the share of findings fixed within their deadline, reduced by open \
            exposure weighted by severity and age: 50 × the share fixed on time + 50 / (1 + log10(1 + exposure / 10)), \
            Vigil's docs/score.md explaining each part. \
            An organisation without evidence in the last 14 days is stale and not scored.</p>
            <table><caption>Score now, change over 30 days, and the median of the other organisations of the same kind \
            you can see (— when there are none); lowest first, organisations without a score last</caption>
            <thead><tr><th scope="col">Organisation</th><th scope="col">Score</th><th scope="col">30-day change</th>\
            <th scope="col">Peer median</th><th scope="col">Open exposure</th><th scope="col">Fixed on time</th>\
            <th scope="col">Critical: median / 90th percentile days to fix</th>\
            <th scope="col">High: median / 90th percentile days to fix</th></tr></thead>
            <tbody>\(rows.joined(separator: "\n"))</tbody></table>\(Self.shownNote(rows.count, of: summaries.count, section: "scores"))</section>
            """
    }

    /// Areas not assessed: per area, how many organisations' latest evidence left it out, and which.
    static func notAssessed(_ summaries: [OrganisationSummary]) -> String {
        var missingByArea: [AssessmentArea: [Int]] = [:]
        for (index, summary) in summaries.enumerated() {
            for area in summary.notAssessed { missingByArea[area, default: []].append(index) }
        }
        let rows = AssessmentArea.allCases.compactMap { area -> String? in
            guard let missing = missingByArea[area], !missing.isEmpty else { return nil }
            let names = missing.prefix(20).map { summaries[$0].organisation }.map {
                "\(escape($0.name)) (\(escape($0.code)))"
            }
            return "<tr><th scope=\"row\">\(escape(area.title))</th><td>\(missing.count)</td>"
                + "<td class=\"names\">\(names.joined(separator: ", "))\(missing.count > 20 ? ", …" : "")</td></tr>"
        }
        return """
            <section aria-labelledby="not-assessed"><h2 id="not-assessed">Areas not assessed</h2>
            \(rows.isEmpty ? "<p>Every organisation's latest evidence assessed every area.</p>" : """
            <p>An area without evidence is not assessed: no finding there means nothing.</p>
            <table><caption>Organisations whose latest evidence did not assess the area</caption>
            <thead><tr><th scope="col">Area</th><th scope="col">Organisations</th><th scope="col">Which</th></tr></thead>
            <tbody>\(rows.joined(separator: "\n"))</tbody></table>
            """)</section>
            """
    }

    /// The first `limit` of `items`, or all of them when `limit` is `nil`.
    static func first<Item>(_ limit: Int?, of items: [Item]) -> ArraySlice<Item> {
        limit.map { items.prefix($0) } ?? items[...]
    }

    /// Under a table cut to its first rows: how many of how many it shows, and a link to the page with every row.
    static func shownNote(_ shown: Int, of total: Int, section: String) -> String {
        guard shown < total else { return "" }
        return "\n<p class=\"shown\">The first \(shown) of \(total) organisations. "
            + "<a href=\"?\(allRowsQuery)#\(section)\">Show all \(total)</a></p>"
    }

    /// The row header naming an organisation, linked to its page.
    static func organisationCell(_ organisation: OrganisationRecord) -> String {
        let code = escape(organisation.code)
        return
            "<th scope=\"row\"><a href=\"/organisations/\(code)\">\(escape(organisation.name))</a> <span class=\"code\">\(code)</span></th>"
    }

    /// A score as shown: to one decimal place (a month's ageing of open findings moves it by tenths, which whole
    /// numbers hid as "±0" for every organisation), or why there is none.
    static func scoreText(_ score: OrganisationScore) -> String {
        guard let value = score.value else {
            return score.lastEvidence.map { "stale (evidence of \(PageDate.string($0)))" } ?? "no evidence"
        }
        return scoreNumber(value)
    }

    /// A score's value as the pages show it: one decimal place.
    static func scoreNumber(_ value: Double) -> String { String(format: "%.1f", tenths(value) / 10) }

    /// A score in whole tenths, rounded half up: the one rounding the shown score and its change both use (`%.1f`
    /// alone rounds 81.25 to even, 81.2, where the change would count from 81.3).
    static func tenths(_ value: Double) -> Double { (value * 10).rounded() }

    /// The change from `then` to `now` as the difference of the two scores as shown, so the three figures on a page
    /// agree (`13.4`, `13.3`, `-0.1`), signed, never "-0.0".
    static func scoreChange(_ now: Double, since then: Double) -> String {
        let change = (tenths(now) - tenths(then)) / 10
        return change == 0 ? "±0.0" : String(format: "%+.1f", change)
    }

    /// The median of `sorted` without one occurrence of `own` (an organisation's own score is not its peer), or
    /// `nil` when no other value is left. `own` is `nil` for an organisation without a score: all are its peers.
    static func medianOfOthers(_ sorted: [Double], excluding own: Double?) -> Double? {
        guard let own else { return sorted.isEmpty ? nil : median(sorted) }
        // The first position of `own` (it is there: the values were grouped from the rows).
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < own { low = middle + 1 } else { high = middle }
        }
        let count = sorted.count - 1
        guard count > 0, low < sorted.count else { return nil }
        let element = { (rank: Int) -> Double in rank < low ? sorted[rank] : sorted[rank + 1] }
        return count % 2 == 1 ? element(count / 2) : (element(count / 2 - 1) + element(count / 2)) / 2
    }

    /// Median and 90th percentile days to fix one severity, or a dash.
    static func remediationText(_ score: OrganisationScore, _ severity: Severity) -> String {
        guard let remediation = score.remediation[severity] else { return "—" }
        return String(format: "%.0f / %.0f", remediation.median, remediation.p90)
    }

    /// The median of `values` (the mean of the middle two for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Worst first: critical outweighs any number of highs, and so on; no evidence last.
    static func weight(_ summary: OrganisationSummary) -> Weight {
        guard let day = summary.latest else { return Weight() }
        return Weight(
            submitted: true, critical: day.open[.critical] ?? 0, high: day.open[.high] ?? 0,
            medium: day.open[.medium] ?? 0, low: day.open[.low] ?? 0)
    }

    /// An organisation's place in the table by worst open severity: more is worse, a critical finding outweighs
    /// any number of high ones and so on, and an organisation without evidence comes after every other.
    struct Weight: Comparable {
        var submitted = false
        var critical = 0
        var high = 0
        var medium = 0
        var low = 0

        static func < (left: Weight, right: Weight) -> Bool {
            (left.submitted ? 1 : 0, left.critical, left.high, left.medium, left.low)
                < (right.submitted ? 1 : 0, right.critical, right.high, right.medium, right.low)
        }
    }
}

/// `YYYY-MM-DD` in UTC, as the pages show dates.
enum PageDate {
    static func string(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
