import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilParsers
import VigilReport
import VigilSynth
import VigilTestSupport

/// The demo's organisations (a smaller trust, two practices) assessed through the engine, once for every test here.
actor DemoAssessments {
    private static let shared = DemoAssessments()
    private var task: Task<[Assessment], any Error>?

    /// The assessments, made on first use.
    static func all() async throws -> [Assessment] {
        try await shared.value()
    }

    private func value() async throws -> [Assessment] {
        if let task { return try await task.value }
        let task = Task { try await Self.assess() }
        self.task = task
        return try await task.value
    }

    private static func assess() async throws -> [Assessment] {
        let scratch = try ScratchDirectory("vigil-demo-summary")
        defer { scratch.remove() }
        let specifications = EstateSpecification.demo(seed: 4, trustStaff: 700, practices: 2)
        let reference = scratch.url.appendingPathComponent("reference")
        try FileManager.default.createDirectory(at: reference, withIntermediateDirectories: true)
        var bundles: [URL] = []
        for specification in specifications {
            let bundle = scratch.url.appendingPathComponent("estates").appendingPathComponent(
                specification.organisation.code)
            _ = try EstateGenerator(
                specification, asOf: SyntheticBundles.asOf, breachIndex: "../../reference/pwned-passwords.vbi"
            ).write(to: bundle)
            bundles.append(bundle)
        }
        let corpus = reference.appendingPathComponent("pwned-passwords-ntlm.txt").path
        try BreachCorpusWriter.write(
            entries: specifications.flatMap { BreachCorpusWriter.entries(for: $0, asOf: SyntheticBundles.asOf) },
            filler: 2_000, seed: 4, to: corpus)
        _ = try BreachIndexBuilder().build(
            source: corpus, output: reference.appendingPathComponent("pwned-passwords.vbi").path)
        var assessments: [Assessment] = []
        for bundle in bundles {
            assessments.append(
                try await AssessmentEngine().assess(directory: bundle, options: .init(asOf: SyntheticBundles.asOf)))
        }
        return assessments
    }
}

@Suite("One severity model: every summary counts findings at their own severity")
struct SummaryConsistencyTests {
    static func counts(_ findings: some Sequence<Finding>) -> SeverityCounts {
        var counts = SeverityCounts()
        for finding in findings { counts[finding.severity] += 1 }
        return counts
    }

    @Test("the demo organisations are assessed, with findings of several severities in one rule")
    func demoAssessed() async throws {
        #expect(try await DemoAssessments.all().count == 3)
        let mixed = try await DemoAssessments.all().flatMap(\.summary.rules).filter { count in
            Severity.allCases.filter { count.bySeverity[$0] > 0 }.count > 1
        }
        #expect(!mixed.isEmpty, "no rule of the demo has findings of two severities; the test would prove little")
    }

    @Test("each finding's severity is its rule's base or an escalation it names", arguments: 0..<3)
    func severitiesTraceToRules(organisation: Int) async throws {
        let assessment = try #require(try await DemoAssessments.all().dropFirst(organisation).first)
        for finding in assessment.findings {
            let rule = RuleCatalogue.rule(finding.rule)
            if finding.severity == rule.severity {
                #expect(finding.escalation == nil || finding.escalation?.severity == rule.severity)
            } else {
                let escalation = try #require(
                    finding.escalation, "\(finding.rule) at \(finding.severity) names no escalation")
                #expect(escalation.severity == finding.severity)
            }
        }
    }

    @Test("the JSON summary, rule counts and actions equal the findings' own counts", arguments: 0..<3)
    func summaryCounts(organisation: Int) async throws {
        let assessment = try #require(try await DemoAssessments.all().dropFirst(organisation).first)
        let summary = assessment.summary
        #expect(summary.findings == assessment.findings.count)
        #expect(summary.bySeverity == Self.counts(assessment.findings))
        let byRule = Dictionary(grouping: assessment.findings, by: \.rule)
        #expect(Set(summary.rules.map(\.rule)) == Set(byRule.keys))
        for count in summary.rules {
            #expect(count.bySeverity == Self.counts(byRule[count.rule] ?? []), "\(count.rule)")
            #expect(count.findings == byRule[count.rule]?.count)
            let actions = summary.actions.filter { $0.rule == count.rule }
            var fromActions = SeverityCounts()
            for action in actions { fromActions[action.severity] += action.findings }
            #expect(fromActions == count.bySeverity, "\(count.rule)")
            #expect(actions.reduce(0) { $0 + $1.risk } == count.risk)
        }
        #expect(zip(summary.actions, summary.actions.dropFirst()).allSatisfy { $0.risk >= $1.risk })
        let decoded = try JSONReportRenderer.decode(JSONReportRenderer.render(assessment))
        #expect(decoded.summary == summary)
    }

    @Test("the terminal and the report state each rule's counts by severity, never one level over them all")
    func renderedCounts() async throws {
        let assessment = try #require(try await DemoAssessments.all().first)
        let terminal = TerminalSummaryRenderer(colour: false).render(assessment)
        let html = HTMLReportRenderer().render(assessment)
        let total = Self.counts(assessment.findings)
        #expect(terminal.contains("Findings: \(total.description)"))
        for count in assessment.summary.rules.prefix(12) {
            let rule = RuleCatalogue.rule(count.rule)
            #expect(
                terminal.contains("\(rule.title) (\(Wording.number(count.findings)): \(count.bySeverity.description))"))
        }
        for count in assessment.summary.rules {
            let badges = Severity.allCases.reversed().filter { count.bySeverity[$0] > 0 }.map {
                "<span class=\"badge \($0.rawValue)\">\(Wording.number(count.bySeverity[$0])) \($0.rawValue)</span>"
            }.joined(separator: " ")
            #expect(html.contains("<article id=\"\(count.rule.rawValue)\"><h3>"))
            #expect(html.contains(badges), "\(count.rule)")
        }
        // "Do these first" lists the summary's first five actions, in order.
        let actions = try #require(html.split(separator: "<section id=\"actions\">").dropFirst().first)
            .split(separator: "</section>")[0]
        let linked = actions.matches(of: /<a href="#([A-Z0-9-]+)">/).map { String($0.output.1) }
        #expect(linked == assessment.summary.actions.prefix(5).map(\.rule.rawValue))
    }

    @Test(
        "a privileged account sharing its password is among the first five actions of every organisation that has one")
    func privilegedSharingFirst() async throws {
        var seen = 0
        for assessment in try await DemoAssessments.all() {
            let privileged = assessment.findings.filter {
                $0.rule == .privilegedSharedPassword || ($0.rule == .sharedPassword && $0.severity == .critical)
            }
            guard !privileged.isEmpty else { continue }
            seen += 1
            let first = assessment.summary.actions.prefix(5)
            #expect(first.contains { $0.rule == .privilegedSharedPassword || $0.escalations.contains(.privileged) })
        }
        #expect(seen > 0, "no demo organisation has a privileged account sharing its password")
    }

    @Test("rules state their escalations: `vigil rules` and docs/rules.md show base and raised severities")
    func escalationsDocumented() {
        let shared = RuleCatalogue.rule(.sharedPassword)
        #expect(shared.severityDescription == "High; Critical when a privileged account shares the password")
        #expect(RuleCatalogueRenderer.text().contains("critical when a privileged account shares the password"))
        #expect(RuleCatalogueRenderer.markdown().contains(shared.severityDescription))
        for rule in RuleCatalogue.all {
            #expect(Set(rule.escalations.map(\.id)).count == rule.escalations.count)
            #expect(rule.escalations.allSatisfy { $0.severity != rule.severity }, "\(rule.id)")
        }
    }

    @Test("risk: a finding reaching the domain outweighs many of the same severity on single subjects")
    func riskOrder() {
        let account = Subject(kind: .account, id: "S-1-5-21-1-1-1-500", name: "admin")
        let hosts = (0..<50).map { Subject(kind: .host, id: "h\($0)", name: "H\($0)") }
        let findings =
            [Finding(rule: .privilegedSharedPassword, subject: account, detail: "d", evidence: [])]
            + hosts.map { Finding(rule: .updateMissingExploited, subject: $0, detail: "d", evidence: []) }
        let summary = AssessmentSummary(findings: findings, domainReach: 200)
        #expect(summary.actions.map(\.rule) == [.privilegedSharedPassword, .updateMissingExploited])
        #expect(summary.actions[0].risk == 1_000 * 200)
        #expect(summary.actions[1].risk == 1_000 * 50)
        #expect(AssessmentSummary(findings: findings, domainReach: 10).actions.first?.rule == .updateMissingExploited)
    }
}

@Suite("Headlines reconciled with rules")
struct HeadlineReconciliationTests {
    @Test("every metric that names rules equals the number of distinct subjects of their findings", arguments: 0..<3)
    func metricsMatchFindings(organisation: Int) async throws {
        let assessment = try #require(try await DemoAssessments.all().dropFirst(organisation).first)
        for metric in assessment.metrics {
            if let rules = metric.rules {
                let subjects = Set(assessment.findings.filter { rules.contains($0.rule) }.map(\.subject))
                #expect(subjects.count == metric.value, "\(metric.id): \(metric.value) vs \(subjects.count) subjects")
            }
            if let note = metric.note { #expect(!note.isEmpty) }
        }
    }

    @Test("every number a headline states is a metric it names, which assessment.json carries", arguments: 0..<3)
    func headlineNumbers(organisation: Int) async throws {
        let assessment = try #require(try await DemoAssessments.all().dropFirst(organisation).first)
        let metrics = Dictionary(uniqueKeysWithValues: assessment.metrics.map { ($0.id, $0) })
        for headline in assessment.headlines {
            let named = try headline.metrics.map { id in try #require(metrics[id], "\(id) is not in the metrics") }
            for metric in named {
                #expect(headline.text.contains(Wording.number(metric.value)), "\(metric.id) in «\(headline.text)»")
            }
            // The numbers a headline states: not shares (5.4%), settings (90 days, 8-character), ages (9 years) or the
            // digits of product names (Windows 8.1, Server 2012 R2, SMBv1).
            let numbers = headline.text.matches(
                of: /(?:^|[^A-Za-z0-9.,])(\d+(?:,\d{3})*(?:\.\d+)?)(?![0-9]|\.\d|%|-character| days?\b| years?\b| R2)/
            )
            .map { String($0.output.1) }.filter { !$0.contains(".") }
            if named.isEmpty {
                // A headline quoting findings (the password policy's) states numbers its findings' summaries carry.
                let summaries = assessment.findings.filter { $0.subject.kind == .domain }.compactMap {
                    $0.facts["summary"]
                }
                .filter { headline.text.contains($0) }
                for number in numbers {
                    #expect(summaries.contains { $0.contains(number) }, "«\(number)» in «\(headline.text)»")
                }
                continue
            }
            let allowed = Set(named.flatMap { [$0.value, $0.total].compactMap { $0 } })
            for number in numbers {
                let value = Int(number.replacingOccurrences(of: ",", with: ""))
                #expect(
                    value.map(allowed.contains) == true,
                    "«\(number)» in «\(headline.text)» is no metric the headline names")
            }
        }
    }
}

@Suite("Report navigation")
struct NavigationTests {
    @Test("every in-page link of every demo report has its target", arguments: 0..<3)
    func noDeadLinks(organisation: Int) async throws {
        let assessment = try #require(try await DemoAssessments.all().dropFirst(organisation).first)
        let html = HTMLReportRenderer().render(assessment)
        let targets = Set(html.matches(of: #/ id="([^"]+)"/#).map { String($0.output.1) })
        let links = Set(html.matches(of: /href="#([^"]+)"/).map { String($0.output.1) })
        #expect(!links.isEmpty)
        #expect(links.subtracting(targets).sorted() == [])
    }

    @Test("the trust's pictures are accessible SVG drawn from its metrics, with no script", arguments: 0..<3)
    func pictures(organisation: Int) async throws {
        let assessment = try #require(try await DemoAssessments.all().dropFirst(organisation).first)
        let html = HTMLReportRenderer().render(assessment)
        #expect(!html.contains("<script"))
        #expect(html.contains("Content-Security-Policy"))
        let charts = html.matches(of: #/<svg [^>]*role="img" aria-labelledby="([a-z-]+)-title \1-desc"/#).map {
            String($0.output.1)
        }
        #expect(charts.contains("chart-severity") && charts.contains("chart-passwords"))
        for chart in charts {
            #expect(html.contains("<title id=\"\(chart)-title\">"))
            #expect(html.contains("<desc id=\"\(chart)-desc\">"))
        }
        if let hosts = assessment.metric("updates.hosts")?.value, hosts > 0 {
            let unsupported = try #require(assessment.metric("updates.hosts-unsupported")?.value)
            let unknown = try #require(assessment.metric("updates.hosts-support-unknown")?.value)
            #expect(html.contains("Supported: \(Wording.number(hosts - unsupported - unknown))"))
            #expect(html.contains("Not known: \(Wording.number(unknown))"))
        }
        let guessable = try #require(assessment.metric("credentials.guessable")?.value)
        #expect(html.contains("Guessable: \(Wording.number(guessable))"))
    }
}
