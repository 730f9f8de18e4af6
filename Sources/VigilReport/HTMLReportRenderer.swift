public import VigilCore

/// `report.html`: one self-contained page (inline CSS and SVG, no scripts, no external assets) that a security lead can
/// read in a minute and print. Page one answers what was assessed, what the evidence says per area, and what to do
/// first; detail by rule follows. Every piece of text from the evidence is HTML-escaped.
public struct HTMLReportRenderer: Sendable {
    /// The most subjects listed per rule; the rest are counted (all are in the CSV and JSON).
    public var rowLimit: Int
    /// The rows of a rule's table shown open; the rest (up to ``rowLimit``) are collapsed in `<details>`, which print
    /// leaves out, saying how many rows it leaves out and where they are, so that a trust's report prints in tens of
    /// pages, not hundreds.
    public var openRows: Int

    public init(rowLimit: Int = 250, openRows: Int = 10) {
        self.rowLimit = rowLimit
        self.openRows = openRows
    }

    /// The page for `assessment`.
    public func render(_ assessment: Assessment) -> String {
        let groups = RuleGroup.groups(assessment)
        var page = HTMLPage(title: "Security assessment: \(assessment.organisation.name)")
        header(assessment, into: &page)
        glance(assessment, groups: groups, into: &page)
        actions(assessment, groups: groups, into: &page)
        accountsAtRisk(assessment, into: &page)
        hostsAtRisk(assessment, into: &page)
        coverage(assessment, into: &page)
        tables(assessment, into: &page)
        findings(groups, into: &page)
        diagnostics(assessment, into: &page)
        evidenceAppendix(assessment, into: &page)
        page.raw(
            "<footer><p>Produced by \(escape(assessment.tool.name)) \(escape(assessment.tool.version)). Hashes, passwords and patient identifiers never appear in this report. Each finding has a fingerprint that stays the same from one assessment to the next, so fixed and new findings can be told apart.</p></footer>"
        )
        return page.finish()
    }

    // MARK: Sections

    private func header(_ assessment: Assessment, into page: inout HTMLPage) {
        let organisation = assessment.organisation
        page.raw("<header><p class=\"kicker\">Vigil security assessment</p>")
        page.raw("<h1>\(escape(organisation.name))</h1>")
        page.raw(
            "<p class=\"meta\">ODS code \(escape(organisation.code)) · \(escape(kindName(organisation.kind))) · evidence as of \(CivilDate.string(assessment.assessedAt))</p>"
        )
        // Only sections the page has: a link to a missing section is a dead end.
        let kinds = Set(assessment.findings.lazy.map(\.subject.kind))
        var links = [("glance", "At a glance"), ("actions", "Do these first")]
        if kinds.contains(.account) { links.append(("accounts", "Accounts at most risk")) }
        if kinds.contains(.host) { links.append(("hosts", "Hosts at most risk")) }
        links += [
            ("coverage", "What was assessed"), ("findings", "Findings by rule"), ("diagnostics", "Evidence problems"),
        ]
        if !assessment.evidence.files.isEmpty { links.append(("evidence-files", "Every file read")) }
        page.raw(
            "<nav>" + links.map { "<a href=\"#\($0.0)\">\($0.1)</a>" }.joined(separator: " ") + "</nav></header>")
    }

    private func glance(_ assessment: Assessment, groups: [RuleGroup], into page: inout HTMLPage) {
        page.raw("<section id=\"glance\"><h2>At a glance</h2>")
        let counts = assessment.summary.bySeverity
        let urgent = counts.critical + counts.high
        if assessment.findings.isEmpty {
            page.raw(
                "<p class=\"lead\">No findings in the areas assessed. Areas marked “not assessed” below had no evidence and are not a pass.</p>"
            )
        } else {
            page.raw(
                "<p class=\"lead\">\(Wording.count(assessment.findings.count, "finding")) across \(Wording.count(groups.count, "rule")); <strong>\(Wording.number(urgent)) \(urgent == 1 ? "is" : "are") critical or high</strong> and should be fixed first.</p>"
            )
        }
        page.raw("<div class=\"tiles\">")
        for entry in assessment.coverage {
            let headlines = assessment.headlines.filter { $0.area == entry.area }
            let worst = headlines.compactMap(\.severity).max()
            let state = entry.status == .notAssessed ? "none" : worst?.rawValue ?? "ok"
            page.raw(
                "<div class=\"tile \(state)\"><h3>\(escape(entry.area.title))</h3><p class=\"status\">\(statusLabel(entry.status))</p>"
            )
            if headlines.isEmpty {
                page.raw("<p>\(escape(entry.status == .assessed ? "Nothing to report." : entry.basis))</p>")
            } else {
                for headline in headlines { page.raw("<p>\(escape(headline.text))</p>") }
            }
            page.raw("</div>")
        }
        page.raw("</div></section>")
    }

    /// The accounts with the worst findings first (severity, then how many), each with its problems: where to start
    /// resetting passwords and removing rights.
    private func accountsAtRisk(_ assessment: Assessment, into page: inout HTMLPage) {
        let findings = assessment.findings
        let accounts = SubjectFindings.of(.account, in: findings)
        guard !accounts.isEmpty else { return }
        // Positions are sorted rather than the accounts, each of whose moves would retain and release its strings.
        // At one severity, an account whose finding reaches the whole domain (a Domain Admin's shared password) comes
        // before any number of problems that reach one account each.
        let ranked = accounts.indices.sorted { lhs, rhs in
            if accounts[lhs].worst != accounts[rhs].worst { return accounts[lhs].worst > accounts[rhs].worst }
            if accounts[lhs].reachesDomain != accounts[rhs].reachesDomain { return accounts[lhs].reachesDomain }
            let counts = (accounts[lhs].positions.count, accounts[rhs].positions.count)
            if counts.0 != counts.1 { return counts.0 > counts.1 }
            return accounts[lhs].subject < accounts[rhs].subject
        }
        let limit = 25
        page.raw("<section id=\"accounts\"><h2>Accounts at most risk</h2>")
        page.raw(
            "<p>\(Wording.count(accounts.count, "account")) \(accounts.count == 1 ? "has" : "have") findings; \(Self.worstBelow(min(limit, accounts.count), of: accounts.count)): by worst severity, then those whose findings reach the whole domain (a privileged account's password), then by number of problems. Passwords are described by their pattern, never shown.</p>"
        )
        page.raw("<table><thead><tr><th>Account</th><th>Worst</th><th>Problems</th></tr></thead><tbody>")
        for account in ranked.prefix(limit).map({ accounts[$0] }) {
            let worst = account.worst
            let problems = account.findings(in: findings).sorted(by: Finding.reportOrder).map { finding in
                let title = escape(RuleCatalogue.rule(finding.rule).title)
                let pattern = finding.facts["pattern"].map { " (\(escape($0)))" } ?? ""
                return "<a href=\"#\(finding.rule.rawValue)\">\(title)</a>\(pattern)"
            }
            page.raw(
                "<tr><td>\(escape(account.subject.name))</td><td><span class=\"badge \(worst.rawValue)\">\(worst.label)</span></td><td>\(problems.joined(separator: "; "))</td></tr>"
            )
        }
        page.raw("</tbody></table></section>")
    }

    /// The hosts with the worst findings first: known exploited vulnerabilities, then how long they have been exposed.
    private func hostsAtRisk(_ assessment: Assessment, into page: inout HTMLPage) {
        let findings = assessment.findings
        let hosts = SubjectFindings.of(.host, in: findings)
        guard !hosts.isEmpty else { return }
        let exposure = hosts.map { host in
            host.positions.compactMap { findings[$0].facts["daysExposed"].flatMap(Int.init) }.max() ?? 0
        }
        // Positions are sorted rather than the hosts, each of whose moves would retain and release its strings.
        let ranked = hosts.indices.sorted { lhs, rhs in
            if hosts[lhs].worst != hosts[rhs].worst { return hosts[lhs].worst > hosts[rhs].worst }
            if exposure[lhs] != exposure[rhs] { return exposure[lhs] > exposure[rhs] }
            return hosts[lhs].subject < hosts[rhs].subject
        }
        let limit = 25
        page.raw("<section id=\"hosts\"><h2>Hosts at most risk</h2>")
        let grouped = assessment.tables.contains { $0.id == "updates.patch-levels" && !$0.rows.isEmpty }
        page.raw(
            "<p>\(Wording.count(hosts.count, "host")) \(hosts.count == 1 ? "has" : "have") findings; \(Self.worstBelow(min(limit, hosts.count), of: hosts.count)), known exploited vulnerabilities and the longest exposure first. Every host is in findings.csv\(grouped ? "; hosts at the same patch level are counted together, with the one update to install, in <a href=\"#updates.patch-levels\">Hosts by patch level</a>" : "").</p>"
        )
        page.raw(
            "<table><thead><tr><th>Host</th><th>Worst</th><th>Operating system</th><th>Install</th><th>It closes</th><th>Exposed for</th><th>Problems</th></tr></thead><tbody>"
        )
        for index in ranked.prefix(limit) {
            let host = hosts[index]
            let days = exposure[index]
            let hostFindings = host.findings(in: findings).sorted(by: Finding.reportOrder)
            let problems = hostFindings.map { finding in
                let count = finding.facts["vulnerabilities"].map { " (\(escape($0)))" } ?? ""
                return
                    "<a href=\"#\(finding.rule.rawValue)\">\(escape(RuleCatalogue.rule(finding.rule).title))</a>\(count)"
            }
            // What a person acts on, from the updates analyzer's facts: the system, the one update, what it closes.
            let fact = { (key: String) in hostFindings.lazy.compactMap { $0.facts[key] }.first ?? "" }
            let system = [fact("os").isEmpty ? fact("release") : fact("os"), fact("build")].filter { !$0.isEmpty }
            page.raw(
                "<tr><td>\(escape(host.subject.name))</td><td><span class=\"badge \(host.worst.rawValue)\">\(host.worst.label)</span></td><td>\(escape(system.joined(separator: ", build ")))</td><td>\(escape(fact("install")))</td><td>\(escape(fact("closes")))</td><td>\(days > 0 ? Wording.count(days, "day") : "")</td><td>\(problems.joined(separator: "; "))</td></tr>"
            )
        }
        page.raw("</tbody></table></section>")
    }

    /// The analyzers' views across findings (advisories missing across hosts).
    private func tables(_ assessment: Assessment, into page: inout HTMLPage) {
        // Lists for the teams who act on them (thousands of rows) are CSV files beside the report, not tables here.
        for table in assessment.tables where !table.rows.isEmpty && !TableCSVRenderer.isList(table.id) {
            page.raw("<section id=\"\(escape(table.id))\"><h2>\(escape(table.title))</h2><table><thead><tr>")
            for column in table.columns { page.raw("<th>\(escape(column))</th>") }
            page.raw("</tr></thead><tbody>")
            for row in table.rows {
                page.raw("<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>")
            }
            page.raw("</tbody></table>")
            if let note = table.note { page.raw("<p class=\"note\">\(escape(note))</p>") }
            page.raw("</section>")
        }
    }

    /// The head of the summary's actions: one rule at one severity each, ordered by the risk fixing them removes (a
    /// severity's weight times how far each finding reaches, a privileged account's reaching the whole domain).
    private func actions(_ assessment: Assessment, groups: [RuleGroup], into page: inout HTMLPage) {
        page.raw("<section id=\"actions\"><h2>Do these first</h2>")
        let actions = assessment.summary.actions
        guard !actions.isEmpty else {
            page.raw("<p>Nothing to do in the areas assessed.</p></section>")
            return
        }
        let nouns = Dictionary(groups.map { ($0.rule.id, subjectNoun($0)) }, uniquingKeysWith: { first, _ in first })
        page.raw(
            "<p class=\"explain\">Ordered by the risk each removes: a finding weighs by its own severity (a critical ten times a high), and one that gives control of the domain (a privileged account's password) as much as every account and host together.</p><ol class=\"actions\">"
        )
        let totals = Dictionary(assessment.summary.rules.map { ($0.rule, $0.findings) }, uniquingKeysWith: +)
        for action in actions.prefix(5) {
            let rule = RuleCatalogue.rule(action.rule)
            let why = action.escalations.compactMap { rule.escalation($0) }.map {
                " · \($0.severity.label.lowercased()) because \(escape($0.condition))"
            }.joined()
            // An action is one rule at one severity: the rule's other findings are said, so the count matches the
            // headline's.
            let total = totals[action.rule] ?? action.findings
            let all = total > action.findings ? " at this severity (\(Wording.number(total)) in all)" : ""
            page.raw(
                "<li><p><span class=\"badge \(action.severity.rawValue)\">\(action.severity.label)</span> <a href=\"#\(rule.id.rawValue)\"><strong>\(escape(rule.title))</strong></a>: \(Wording.count(action.findings, nouns[rule.id] ?? "finding"))\(all)\(why) · effort \(rule.effort.rawValue)</p><p>\(escape(rule.remediation))</p></li>"
            )
        }
        page.raw("</ol>")
        // After the actions, so that page one holds the headlines, what was assessed and what to do first.
        page.raw(
            "<div class=\"charts\">\(([severityChart(assessment.summary.bySeverity)] + pictures(assessment)).joined())</div></section>"
        )
    }

    private func coverage(_ assessment: Assessment, into page: inout HTMLPage) {
        page.raw("<section id=\"coverage\"><h2>What was assessed</h2>")
        page.raw("<p>Absence of evidence is never a pass: an area without evidence is “not assessed”.</p>")
        page.raw("<table><thead><tr><th>Area</th><th>Status</th><th>Basis</th></tr></thead><tbody>")
        for entry in assessment.coverage {
            page.raw(
                "<tr><td>\(escape(entry.area.title))</td><td>\(statusLabel(entry.status))</td><td>\(escape(entry.basis))</td></tr>"
            )
        }
        page.raw("</tbody></table>")
        headlineCounts(assessment, into: &page)
        let evidence = assessment.evidence
        page.raw("<h3>Evidence files</h3>")
        if evidence.files.isEmpty {
            page.raw("<p>No evidence file was recognised.</p>")
        } else {
            page.raw(
                "<p>\(Wording.count(evidence.files.count, "file")) read, by folder and format; files with problems are named, and <a href=\"#evidence-files\">every file</a> is listed at the end and in assessment.json.</p>"
            )
            page.raw(
                "<table><thead><tr><th>Folder</th><th>Format</th><th class=\"num\">Files</th><th class=\"num\">Size</th><th class=\"num\">Records read</th><th class=\"num\">Rejected</th></tr></thead><tbody>"
            )
            for group in evidence.groups {
                let rejected =
                    group.recordsRejected > 0
                    ? "<a href=\"#diagnostics\">\(Wording.number(group.recordsRejected))</a>" : "0"
                page.raw(
                    "<tr><td><code>\(escape(group.folder.isEmpty ? "." : group.folder + "/"))</code></td><td>\(escape(group.format))</td><td class=\"num\">\(Wording.number(group.files))</td><td class=\"num\">\(byteText(group.bytes))</td><td class=\"num\">\(Wording.number(group.recordsRead))</td><td class=\"num\">\(rejected)</td></tr>"
                )
                for position in group.withProblems.prefix(10) {
                    let file = evidence.files[position]
                    page.raw(
                        "<tr class=\"problem\"><td colspan=\"4\"><code>\(escape(file.path))</code></td><td class=\"num\">\(Wording.number(file.recordsRead))</td><td class=\"num\"><a href=\"#diagnostics\">\(Wording.count(file.diagnosticCount, "problem"))</a></td></tr>"
                    )
                }
                if group.withProblems.count > 10 {
                    page.raw(
                        "<tr class=\"problem\"><td colspan=\"6\">… and \(Wording.count(group.withProblems.count - 10, "more file")) with problems</td></tr>"
                    )
                }
            }
            page.raw("</tbody></table>")
        }
        if !evidence.unrecognised.isEmpty {
            page.raw("<h3>Files not read</h3>")
            let rows = evidence.unrecognised.map {
                "<tr><td><code>\(escape($0.path))</code></td><td>\(escape($0.reason))</td></tr>"
            }
            collapsibleTable(
                head: "<tr><th>File</th><th>Why</th></tr>", rows: rows, total: rows.count, noun: "file not read",
                plural: "files not read", fullList: "assessment.json (evidence.unrecognised)", into: &page)
        }
        if !evidence.crossChecks.isEmpty {
            page.raw("<h3>Consistency between files</h3><ul>")
            for check in evidence.crossChecks {
                page.raw("<li>\(escape(check.message)) (<code>\(escape(check.location.description))</code>)</li>")
            }
            page.raw("</ul>")
        }
        page.raw("</section>")
    }

    private func findings(_ groups: [RuleGroup], into page: inout HTMLPage) {
        page.raw("<section id=\"findings\"><h2>Findings by rule</h2>")
        if groups.isEmpty { page.raw("<p>No findings.</p>") }
        for group in groups {
            let rule = group.rule
            page.raw(
                "<article id=\"\(rule.id.rawValue)\"><h3>\(escape(rule.title)) <span class=\"count\">\(Wording.count(group.findings.count, subjectNoun(group))): \(severityBadges(group.counts))</span></h3>"
            )
            page.raw(
                "<p class=\"rule-id\"><code>\(rule.id.rawValue)</code> · \(escape(rule.area.title)) · severity \(escape(rule.severityDescription)) · \(rule.controls.map { "\(escape($0.framework.title)) \(escape($0.id)) \(escape($0.title))" }.joined(separator: "; "))</p>"
            )
            page.raw(
                "<p>\(escape(rule.summary))</p><p><strong>Why it matters.</strong> \(escape(rule.rationale))</p><p><strong>How to fix it.</strong> \(escape(rule.remediation))</p>"
            )
            // A rule whose findings differ in severity shows each row's own.
            let mixed = Severity.allCases.filter { group.counts[$0] > 0 }.count > 1
            var rows: [String] = []
            for finding in group.findings.prefix(rowLimit) {
                var detail = escape(finding.detail)
                if !finding.related.isEmpty {
                    detail +=
                        "<br><span class=\"related\">With: \(finding.related.map { escape($0.name) }.joined(separator: ", "))</span>"
                }
                let badge =
                    mixed ? " <span class=\"badge \(finding.severity.rawValue)\">\(finding.severity.label)</span>" : ""
                rows.append(
                    "<tr><td>\(escape(finding.subject.name))\(badge)</td><td>\(detail)</td><td><code>\(finding.evidence.map { escape($0.description) }.joined(separator: "<br>"))</code></td></tr>"
                )
            }
            collapsibleTable(
                head:
                    "<tr><th>\(escape(subjectHeading(group)))</th><th>What the evidence shows</th><th>Evidence</th></tr>",
                rows: rows, total: group.findings.count, noun: subjectNoun(group),
                fullList: "findings.csv and assessment.json (rule \(rule.id.rawValue))", into: &page)
            if group.findings.count > rowLimit {
                page.raw(
                    "<p class=\"note\">Showing \(Wording.number(rowLimit)) of \(Wording.number(group.findings.count)); every finding is in findings.csv and assessment.json.</p>"
                )
            }
            page.raw("</article>")
        }
        page.raw("</section>")
    }

    private func diagnostics(_ assessment: Assessment, into page: inout HTMLPage) {
        page.raw("<section id=\"diagnostics\"><h2>Evidence problems</h2>")
        let files = assessment.evidence.files.filter { $0.diagnosticCount > 0 }
        guard !files.isEmpty else {
            page.raw("<p>Every record of every file read was well formed.</p></section>")
            return
        }
        page.raw(
            "<p>Records that could not be read were skipped; the rest of each file was still assessed. Positions are given; the content is not, as it may hold hashes or personal data.</p>"
        )
        page.raw("<table><thead><tr><th>Where</th><th>Level</th><th>Problem</th></tr></thead><tbody>")
        for file in files {
            for diagnostic in file.diagnostics {
                page.raw(
                    "<tr><td><code>\(escape(diagnostic.location.description))</code></td><td>\(diagnostic.level.rawValue)</td><td>\(escape(diagnostic.message))</td></tr>"
                )
            }
            if file.diagnosticCount > file.diagnostics.count {
                page.raw(
                    "<tr><td><code>\(escape(file.path))</code></td><td></td><td>… and \(Wording.number(file.diagnosticCount - file.diagnostics.count)) more</td></tr>"
                )
            }
        }
        page.raw("</tbody></table></section>")
    }

    /// What the headline numbers count where that is not a rule's count of findings (distinct hosts across two
    /// rules, accounts in breach data whatever else is wrong), so that a reader comparing them does not see a
    /// contradiction.
    private func headlineCounts(_ assessment: Assessment, into page: inout HTMLPage) {
        let quoted = Set(assessment.headlines.flatMap(\.metrics))
        let noted = assessment.metrics.filter { quoted.contains($0.id) && $0.note != nil }
        guard !noted.isEmpty else { return }
        page.raw("<h3>What the headline numbers count</h3><ul class=\"counts\">")
        for metric in noted {
            page.raw(
                // The label first: a plural label after the number reads "1 hosts whose…".
                "<li>\(escape(metric.label)): <strong>\(Wording.number(metric.value))</strong> — \(escape(metric.note ?? ""))</li>"
            )
        }
        page.raw("</ul>")
    }

    /// Every file read, one row each: the detail behind the grouped listing, collapsed (it prints as one line).
    private func evidenceAppendix(_ assessment: Assessment, into page: inout HTMLPage) {
        let files = assessment.evidence.files
        guard !files.isEmpty else { return }
        page.raw(
            "<section id=\"evidence-files\" class=\"appendix\"><h2>Appendix: every file read</h2><p class=\"note print-only\">Not printed: the list of all \(Wording.count(files.count, "file")) read, one row each. Every one is in assessment.json (evidence.files) and in this report opened in a browser; the files read are counted by folder and format under “What was assessed”.</p><details><summary>\(Wording.count(files.count, "file")) (also in assessment.json, evidence.files)</summary>"
        )
        page.raw(
            "<table><thead><tr><th>File</th><th>Format</th><th class=\"num\">Size</th><th class=\"num\">Records read</th><th class=\"num\">Rejected</th></tr></thead><tbody>"
        )
        for file in files {
            page.raw(
                "<tr><td><code>\(escape(file.path))</code></td><td>\(escape(file.format))</td><td class=\"num\">\(byteText(file.bytes))</td><td class=\"num\">\(Wording.number(file.recordsRead))</td><td class=\"num\">\(Wording.number(file.recordsRejected))</td></tr>"
            )
        }
        page.raw("</tbody></table></details></section>")
    }

    // MARK: Pieces

    /// A table of `total` `noun`s showing its first ``openRows`` rows, the rest of `rows` in a `<details>` that opens
    /// in the browser. Print leaves the collapsed rows out and says in words how many it leaves out and where they all
    /// are (`fullList`): printing every rule's table whole took the demo trust from 22 A4 pages to 106.
    private func collapsibleTable(
        head: String, rows: [String], total: Int, noun: String, plural: String? = nil, fullList: String,
        into page: inout HTMLPage
    ) {
        page.raw("<table><thead>\(head)</thead><tbody>")
        for row in rows.prefix(openRows) { page.raw(row) }
        page.raw("</tbody></table>")
        guard rows.count > openRows else { return }
        let plural = plural ?? noun + "s"
        let more = Wording.count(rows.count - openRows, "more \(noun)", plural: "more \(plural)")
        page.raw(
            "<details class=\"more\"><summary>\(escape(more))</summary><table><thead>\(head)</thead><tbody>")
        for row in rows.dropFirst(openRows) { page.raw(row) }
        page.raw("</tbody></table></details>")
        let browser =
            rows.count < total
            ? "this report opened in a browser shows the first \(Wording.number(rows.count))"
            : "this report opened in a browser shows them all"
        page.raw(
            "<p class=\"note print-only\">Printed: the first \(Wording.number(openRows)) of \(Wording.count(total, noun, plural: plural)). \(total - openRows == 1 ? "The other 1 is" : "The other \(Wording.number(total - openRows)) are") not printed: every one is in \(escape(fullList)), and \(browser).</p>"
        )
    }

    /// One badge per severity present: `2 critical` `90 high`.
    private func severityBadges(_ counts: SeverityCounts) -> String {
        Severity.allCases.reversed().filter { counts[$0] > 0 }.map {
            "<span class=\"badge \($0.rawValue)\">\(Wording.number(counts[$0])) \($0.rawValue)</span>"
        }.joined(separator: " ")
    }

    private func statusLabel(_ status: Coverage.Status) -> String {
        switch status {
        case .assessed: "<span class=\"status assessed\">Assessed</span>"
        case .partial: "<span class=\"status partial\">Partly assessed</span>"
        case .notAssessed: "<span class=\"status not-assessed\">Not assessed</span>"
        }
    }

    private func subjectNoun(_ group: RuleGroup) -> String {
        let kinds = Set(group.findings.map(\.subject.kind))
        guard kinds.count == 1, let kind = kinds.first else { return "finding" }
        return kind.rawValue
    }

    private func subjectHeading(_ group: RuleGroup) -> String {
        let noun = subjectNoun(group)
        return noun.prefix(1).uppercased() + noun.dropFirst()
    }

    private func kindName(_ kind: Organisation.Kind) -> String {
        switch kind {
        case .acuteTrust: "acute trust"
        case .mentalHealthTrust: "mental health trust"
        case .communityTrust: "community trust"
        case .ambulanceTrust: "ambulance trust"
        case .gpPractice: "GP practice"
        case .commissioningBody: "commissioning body"
        case .other: "organisation"
        }
    }

    private func byteText(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1 << 20 { return "\(Wording.number(bytes >> 10)) KiB" }
        if bytes < 1 << 30 { return "\(Wording.number(bytes >> 20)) MiB" }
        return "\(Wording.number(bytes >> 30)) GiB"
    }
}

/// One subject's findings as positions in an assessment's findings: grouping positions copies no finding, where
/// grouping the findings themselves took seconds on a large estate.
private struct SubjectFindings {
    /// The subject.
    var subject: Subject
    /// Where its findings are, in order.
    var positions: [Int]
    /// The worst severity among them.
    var worst: Severity
    /// Whether one of them reaches the whole domain (``Finding/reach``).
    var reachesDomain: Bool

    /// The subjects of `kind` that `findings` are about, in order of their first finding.
    static func of(_ kind: Subject.Kind, in findings: [Finding]) -> [SubjectFindings] {
        var subjects: [SubjectFindings] = []
        var numbers: [Subject: Int] = [:]
        for position in findings.indices where findings[position].subject.kind == kind {
            let severity = findings[position].severity
            let domain = findings[position].reach == .domain
            if let number = numbers[findings[position].subject] {
                subjects[number].positions.append(position)
                subjects[number].worst = max(subjects[number].worst, severity)
                subjects[number].reachesDomain = subjects[number].reachesDomain || domain
            } else {
                numbers[findings[position].subject] = subjects.count
                subjects.append(
                    SubjectFindings(
                        subject: findings[position].subject, positions: [position], worst: severity,
                        reachesDomain: domain))
            }
        }
        return subjects
    }

    /// Its findings, taken from `findings`.
    func findings(in findings: [Finding]) -> [Finding] {
        positions.map { findings[$0] }
    }
}

extension HTMLReportRenderer {
    /// "the worst 20 are below", "it is below" (one shown of one), "the worst 1 is below" never.
    static func worstBelow(_ shown: Int, of total: Int) -> String {
        if total == 1 { return "it is below" }
        if shown == total { return "all \(Wording.number(shown)) are below" }
        return "the worst \(Wording.number(shown)) are below"
    }
}
