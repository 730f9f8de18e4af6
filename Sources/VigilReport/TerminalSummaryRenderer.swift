public import VigilCore

/// The concise summary `vigil assess` prints: what was read, what was assessed, what was found, where the reports are.
public struct TerminalSummaryRenderer: Sendable {
    /// Whether to colour severities with ANSI escapes (only on a terminal).
    public var colour: Bool

    public init(colour: Bool) {
        self.colour = colour
    }

    /// The summary text, ending in a newline.
    public func render(_ assessment: Assessment) -> String {
        var lines: [String] = []
        let organisation = assessment.organisation
        // Names come from evidence: control characters in them are made harmless before any colour is added.
        lines.append(
            bold(
                TerminalText.sanitised(
                    "Vigil assessment: \(organisation.name) (\(organisation.code)), as of \(CivilDate.string(assessment.assessedAt))"
                )))
        let evidence = assessment.evidence
        let records = evidence.files.reduce(0) { $0 + $1.recordsRead }
        var read =
            "Evidence: \(Wording.count(evidence.files.count, "file")) read, \(Wording.count(records, "record")) accepted"
        if evidence.recordsRejected > 0 {
            read += ", " + paint("\(Wording.count(evidence.recordsRejected, "record")) rejected", .high)
        }
        if !evidence.unrecognised.isEmpty { read += ", \(Wording.count(evidence.unrecognised.count, "file")) not read" }
        lines.append(read)
        lines.append(
            "Coverage: "
                + assessment.coverage.map { "\($0.area.title) \(statusWord($0.status))" }.joined(separator: " · ")
        )
        lines.append("")
        for headline in assessment.headlines {
            let marker = headline.severity.map { paint("■", $0) } ?? "□"
            lines.append("\(marker) \(TerminalText.sanitised(headline.text))")
        }
        if !assessment.headlines.isEmpty { lines.append("") }
        let counts = assessment.findingsBySeverity
        if assessment.findings.isEmpty {
            lines.append("No findings.")
        } else {
            let parts = Severity.allCases.reversed().compactMap { severity in
                counts[severity].map { paint("\($0) \(severity.rawValue)", severity) }
            }
            lines.append("Findings: \(parts.joined(separator: ", "))")
            let tallies = RuleTally.tallies(assessment.findings)
            for tally in tallies.prefix(12) {
                let severity = paint(tally.severity.label.uppercased().padding(to: 8), tally.severity)
                lines.append(
                    "  \(severity) \(tally.rule.id.rawValue.padding(to: 31)) \(tally.rule.title) (\(Wording.number(tally.count)))"
                )
            }
            let more = tallies.count - 12
            if more > 0 { lines.append("  … and \(Wording.count(more, "more rule"))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func statusWord(_ status: Coverage.Status) -> String {
        switch status {
        case .assessed: "assessed"
        case .partial: "partly assessed"
        case .notAssessed: dim("not assessed")
        }
    }

    private func bold(_ text: String) -> String { colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func dim(_ text: String) -> String { colour ? "\u{1B}[2m\(text)\u{1B}[0m" : text }

    private func paint(_ text: String, _ severity: Severity) -> String {
        guard colour else { return text }
        let code =
            switch severity {
            case .critical: "1;31"
            case .high: "31"
            case .medium: "33"
            case .low: "36"
            case .info: "2"
            }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}

/// Findings of one rule, for summaries and the report's per-rule sections.
public struct RuleGroup: Sendable {
    /// The rule.
    public var rule: Rule
    /// Its findings, in report order.
    public var findings: [Finding]
    /// The worst severity among them.
    public var severity: Severity

    /// Findings grouped by rule, worst severity first, then most findings, then rule id.
    public static func groups(_ findings: [Finding]) -> [RuleGroup] {
        var byRule: [RuleID: [Finding]] = [:]
        for finding in findings { byRule[finding.rule, default: []].append(finding) }
        return byRule.map { id, findings in
            RuleGroup(
                rule: RuleCatalogue.rule(id), findings: Finding.inReportOrder(findings),
                severity: findings.map(\.severity).max()!)
        }.sorted { lhs, rhs in
            listedFirst(
                (lhs.severity, lhs.findings.count, lhs.rule.id), (rhs.severity, rhs.findings.count, rhs.rule.id))
        }
    }
}

/// How many findings a rule has and the worst severity among them: what the terminal summary lists of a
/// ``RuleGroup``, counted without copying a quarter of a million findings into groups.
struct RuleTally {
    /// The rule.
    var rule: Rule
    /// Its number of findings.
    var count: Int
    /// The worst severity among them.
    var severity: Severity

    /// The rules of `findings` in the order of ``RuleGroup/groups(_:)``.
    static func tallies(_ findings: [Finding]) -> [RuleTally] {
        var byRule: [RuleID: (count: Int, severity: Severity)] = [:]
        // By position: iterating the findings themselves would copy each one.
        for index in findings.indices {
            let severity = findings[index].severity
            let tally = byRule[findings[index].rule] ?? (0, severity)
            byRule[findings[index].rule] = (tally.count + 1, max(tally.severity, severity))
        }
        return byRule.map { id, tally in
            RuleTally(rule: RuleCatalogue.rule(id), count: tally.count, severity: tally.severity)
        }
        .sorted { listedFirst(($0.severity, $0.count, $0.rule.id), ($1.severity, $1.count, $1.rule.id)) }
    }
}

/// The order rules are listed in: worst severity first, then most findings, then rule id.
private func listedFirst(_ lhs: (Severity, Int, RuleID), _ rhs: (Severity, Int, RuleID)) -> Bool {
    if lhs.0 != rhs.0 { return lhs.0 > rhs.0 }
    if lhs.1 != rhs.1 { return lhs.1 > rhs.1 }
    return lhs.2 < rhs.2
}

extension String {
    /// The string padded with spaces to at least `width` characters.
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
