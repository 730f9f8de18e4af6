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
        let summary = assessment.summary
        if assessment.findings.isEmpty {
            lines.append("No findings.")
        } else {
            let parts = Severity.allCases.reversed().filter { summary.bySeverity[$0] > 0 }.map { severity in
                paint("\(Wording.number(summary.bySeverity[severity])) \(severity.rawValue)", severity)
            }
            lines.append("Findings: \(parts.joined(separator: ", "))")
            lines.append("Do these first (most risk removed first):")
            let totals = Dictionary(summary.rules.map { ($0.rule, $0.findings) }, uniquingKeysWith: +)
            for (number, action) in summary.actions.prefix(5).enumerated() {
                let rule = RuleCatalogue.rule(action.rule)
                let severity = paint(action.severity.label.uppercased().padding(to: 8), action.severity)
                let why = action.escalations.compactMap { rule.escalation($0)?.condition }
                let total = totals[action.rule] ?? action.findings
                let count =
                    total > action.findings
                    ? "\(Wording.number(action.findings)) at this severity of \(Wording.number(total))"
                    : Wording.number(action.findings)
                lines.append(
                    "  \(number + 1). \(severity) \(rule.id.rawValue.padding(to: 27)) \(rule.title) (\(count))"
                        + (why.isEmpty ? "" : ": \(why.joined(separator: "; "))"))
            }
            lines.append(
                "By rule, most risk in all first (the label is the rule's worst finding: many high findings can outweigh a few critical):"
            )
            for count in summary.rules.prefix(12) {
                let rule = RuleCatalogue.rule(count.rule)
                let worst = paint(count.worst.label.uppercased().padding(to: 8), count.worst)
                lines.append(
                    "  \(worst) \(rule.id.rawValue.padding(to: 31)) \(rule.title) (\(Wording.number(count.findings)): \(count.bySeverity.description))"
                )
            }
            let more = summary.rules.count - 12
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

/// Findings of one rule, for the report's per-rule sections.
public struct RuleGroup: Sendable {
    /// The rule.
    public var rule: Rule
    /// Its findings, in report order.
    public var findings: [Finding]
    /// Its findings at each severity, each counted at its own.
    public var counts: SeverityCounts

    /// The worst severity among its findings (for ordering and colour, never as the group's only level).
    public var worst: Severity { counts.worst ?? rule.severity }

    /// The findings of `assessment` grouped by rule, in the order of its summary: most risk removed first.
    public static func groups(_ assessment: Assessment) -> [RuleGroup] {
        var byRule: [RuleID: [Finding]] = [:]
        for finding in assessment.findings { byRule[finding.rule, default: []].append(finding) }
        return assessment.summary.rules.compactMap { count in
            byRule[count.rule].map {
                RuleGroup(
                    rule: RuleCatalogue.rule(count.rule), findings: Finding.inReportOrder($0), counts: count.bySeverity)
            }
        }
    }
}

extension String {
    /// The string padded with spaces to at least `width` characters.
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
