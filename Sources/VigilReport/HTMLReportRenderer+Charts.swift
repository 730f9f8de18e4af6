import VigilCore

/// The report's pictures: horizontal bar charts drawn as inline SVG (no script, so they work under the page's
/// Content-Security-Policy and print as drawn), each with a `<title>` and a `<desc>` listing every value, so that a
/// screen reader or a text-only reader gets the same numbers. Every value is a finding count or a named metric.
extension HTMLReportRenderer {
    /// One bar: its label, value and colour class.
    struct Bar {
        var label: String
        var value: Int
        var style: String
    }

    /// Findings by severity, each finding at its own.
    func severityChart(_ counts: SeverityCounts) -> String {
        barChart(
            id: "chart-severity", title: "Findings by severity",
            bars: Severity.allCases.reversed().map { Bar(label: $0.label, value: counts[$0], style: $0.rawValue) })
    }

    /// Operating systems by support status, password weaknesses by kind and patient lists by exposure, from the
    /// metrics the analyzers measured; a chart whose metrics are absent (its area was not assessed) is left out.
    func pictures(_ assessment: Assessment) -> [String] {
        func value(_ id: String) -> Int? { assessment.metric(id)?.value }
        var figures: [String] = []
        if let hosts = value("updates.hosts"), hosts > 0, let unsupported = value("updates.hosts-unsupported") {
            let legacy = value("updates.hosts-unsupported-legacy") ?? 0
            // A host whose release no inventory gave is not known to be supported.
            let unknown = value("updates.hosts-support-unknown") ?? 0
            figures.append(
                barChart(
                    id: "chart-support", title: "Hosts by operating system support",
                    bars: [
                        Bar(label: "Supported", value: max(0, hosts - unsupported - unknown), style: "ok"),
                        Bar(label: "Unsupported, newer", value: unsupported - legacy, style: "high"),
                        Bar(label: "8.1, 2012 R2 or older", value: legacy, style: "critical"),
                        Bar(label: "Not known", value: unknown, style: "info"),
                    ]))
        }
        if let assessed = value("credentials.assessed"), assessed > 0 {
            figures.append(
                barChart(
                    id: "chart-passwords", title: "Passwords by weakness (accounts)",
                    bars: [
                        Bar(label: "Guessable", value: value("credentials.guessable") ?? 0, style: "high"),
                        Bar(
                            label: "In breach data only (not guessable)",
                            value: value("credentials.breached-only") ?? 0, style: "high"),
                        Bar(label: "Empty", value: value("credentials.empty") ?? 0, style: "critical"),
                        Bar(label: "Shared", value: value("credentials.shared") ?? 0, style: "high"),
                        Bar(label: "LM hash", value: value("credentials.lm-hash") ?? 0, style: "medium"),
                        Bar(label: "Reused", value: value("credentials.reused") ?? 0, style: "medium"),
                    ]))
        }
        if let lists = value("patients.lists"), lists > 0 {
            let broad = value("patients.lists-broadly-readable") ?? 0
            let unknown = value("patients.lists-permissions-unknown") ?? 0
            figures.append(
                barChart(
                    id: "chart-patient-lists", title: "Patient lists by who can read them",
                    bars: [
                        Bar(label: "Everyone", value: broad, style: "critical"),
                        Bar(label: "Named groups", value: max(0, lists - broad - unknown), style: "medium"),
                        Bar(label: "Not known", value: unknown, style: "info"),
                    ]))
        }
        let shares = assessment.metrics.filter { $0.id.hasPrefix("access.share-") && !$0.id.hasSuffix("-used") }
        if !shares.isEmpty {
            // Beside each share's readers, those of them the access logs show using it (`access.share-N-used`).
            let used = Dictionary(
                assessment.metrics.filter { $0.id.hasSuffix("-used") }.map { ($0.id, $0.value) },
                uniquingKeysWith: { first, _ in first })
            let logs = assessment.metrics.contains { $0.id == "access.log-events" }
            figures.append(
                barChart(
                    id: "chart-access-shares",
                    title: logs
                        ? "Staff who can read patient data, by share, and those of them who used it"
                        : "Staff who can read patient data, by share (who used it needs access logs)",
                    bars: shares.flatMap { metric -> [Bar] in
                        let path = metric.label.split(separator: " on ", omittingEmptySubsequences: false).dropFirst()
                            .joined(separator: " on ")
                        let total = metric.total ?? 0
                        let label = path.count > 24 ? "…" + path.suffix(23) : path
                        let readers = Bar(
                            label: label, value: metric.value,
                            style: metric.value * 2 > total ? "critical" : metric.value * 4 >= total ? "high" : "medium"
                        )
                        guard let value = used["\(metric.id)-used"] else { return [readers] }
                        return [readers, Bar(label: "  used it", value: value, style: "info")]
                    }))
        }
        return figures
    }

    /// A labelled horizontal bar chart in a `<figure>`: `role="img"`, a `<title>` and a `<desc>` with every value.
    func barChart(id: String, title: String, bars: [Bar]) -> String {
        let maximum = max(bars.map(\.value).max() ?? 1, 1)
        let rowHeight = 22
        let width = 330
        let labelSpace = 150
        let barSpace = 120
        let height = rowHeight * bars.count + 4
        let description = bars.map { "\($0.label): \(Wording.number($0.value))" }.joined(separator: "; ")
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\"><title id=\"\(id)-title\">\(escape(title))</title><desc id=\"\(id)-desc\">\(escape(description))</desc>"
        for (row, bar) in bars.enumerated() {
            let y = row * rowHeight + 2
            let length = bar.value == 0 ? 0 : max(2, bar.value * barSpace / maximum)
            svg += "<text x=\"0\" y=\"\(y + 15)\" class=\"axis\">\(escape(bar.label))</text>"
            svg +=
                "<rect x=\"\(labelSpace)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"15\" class=\"bar \(bar.style)\"/>"
            svg +=
                "<text x=\"\(labelSpace + 6 + length)\" y=\"\(y + 15)\" class=\"value\">\(Wording.number(bar.value))</text>"
        }
        return "<figure id=\"\(id)\">\(svg)</svg><figcaption>\(escape(title))</figcaption></figure>"
    }
}
