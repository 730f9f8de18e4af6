import Foundation
import VigilCore

/// Inline SVG charts for the pages: no script, no external file (the CSP allows neither), each an image with a title
/// and a description that say what it shows, always next to a table holding the same numbers as its text alternative.
/// Series differ by dash pattern as well as colour, and every colour has at least 3:1 contrast on white.
enum PageChart {
    /// One line of a line chart.
    struct Series {
        var name: String
        var colour: String
        var dash: String
        var values: [Int]
    }

    /// The line style of each severity's series.
    static func style(_ severity: Severity) -> (colour: String, dash: String) {
        switch severity {
        case .critical: ("#942514", "")
        case .high: ("#d4351c", "6 3")
        case .medium: ("#8f4a00", "2 3")
        case .low: ("#1d70b8", "8 3 2 3")
        case .info: ("#505a5f", "1 2")
        }
    }

    /// A line chart of `series` over `labels` (oldest first), with axes labelled at the ends.
    static func lines(id: String, title: String, description: String, labels: [String], series: [Series]) -> String {
        let width = 640.0
        let height = 220.0
        let left = 44.0
        let bottom = 28.0
        let top = 10.0
        let plotWidth = width - left - 12
        let plotHeight = height - top - bottom
        let maximum = max(1, series.flatMap(\.values).max() ?? 1)
        let count = max(labels.count, 1)
        func x(_ index: Int) -> Double { left + (count == 1 ? 0 : plotWidth * Double(index) / Double(count - 1)) }
        func y(_ value: Int) -> Double { top + plotHeight * (1 - Double(value) / Double(maximum)) }
        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(height + 24 * Double((series.count + 2) / 3)))" \
            role="img" aria-labelledby="\(id)-title \(id)-desc" xmlns="http://www.w3.org/2000/svg">\
            <title id="\(id)-title">\(HTMLPage.escape(title))</title><desc id="\(id)-desc">\(HTMLPage.escape(description))</desc>\
            <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(top + plotHeight)" stroke="#505a5f"/>\
            <line x1="\(left)" y1="\(top + plotHeight)" x2="\(left + plotWidth)" y2="\(top + plotHeight)" stroke="#505a5f"/>\
            <text x="\(left - 6)" y="\(top + 4)" text-anchor="end" font-size="12">\(maximum)</text>\
            <text x="\(left - 6)" y="\(top + plotHeight)" text-anchor="end" font-size="12">0</text>
            """
        if let first = labels.first, let last = labels.last {
            svg += """
                <text x="\(left)" y="\(top + plotHeight + 18)" font-size="12">\(HTMLPage.escape(first))</text>\
                <text x="\(left + plotWidth)" y="\(top + plotHeight + 18)" text-anchor="end" font-size="12">\(HTMLPage.escape(last))</text>
                """
        }
        for line in series where !line.values.isEmpty {
            let points = line.values.enumerated().map { "\(format(x($0.offset))),\(format(y($0.element)))" }
            let dash = line.dash.isEmpty ? "" : " stroke-dasharray=\"\(line.dash)\""
            svg +=
                "<polyline fill=\"none\" stroke=\"\(line.colour)\" stroke-width=\"2\"\(dash) points=\"\(points.joined(separator: " "))\"/>"
        }
        for (index, line) in series.enumerated() {
            let legendX = left + Double(index % 3) * 190
            let legendY = height + 4 + Double(index / 3) * 22
            let dash = line.dash.isEmpty ? "" : " stroke-dasharray=\"\(line.dash)\""
            svg += """
                <line x1="\(legendX)" y1="\(legendY)" x2="\(legendX + 28)" y2="\(legendY)" stroke="\(line.colour)" \
                stroke-width="2"\(dash)/><text x="\(legendX + 34)" y="\(legendY + 4)" font-size="12">\(HTMLPage.escape(line.name))</text>
                """
        }
        return svg + "</svg>"
    }

    /// A horizontal bar chart: one bar per entry, its value printed beside it.
    static func bars(
        id: String, title: String, description: String, bars: [(label: String, value: Int, colour: String)]
    )
        -> String
    {
        let width = 640.0
        let labelWidth = 170.0
        let row = 26.0
        let maximum = max(1, bars.map(\.value).max() ?? 1)
        var svg = """
            <svg class="chart" viewBox="0 0 \(Int(width)) \(Int(row * Double(bars.count) + 8))" role="img" \
            aria-labelledby="\(id)-title \(id)-desc" xmlns="http://www.w3.org/2000/svg">\
            <title id="\(id)-title">\(HTMLPage.escape(title))</title><desc id="\(id)-desc">\(HTMLPage.escape(description))</desc>
            """
        for (index, bar) in bars.enumerated() {
            let y = 4 + row * Double(index)
            let length = (width - labelWidth - 60) * Double(bar.value) / Double(maximum)
            svg += """
                <text x="\(labelWidth - 8)" y="\(y + 16)" text-anchor="end" font-size="13">\(HTMLPage.escape(bar.label))</text>\
                <rect x="\(labelWidth)" y="\(y + 3)" width="\(format(length))" height="18" fill="\(bar.colour)"/>\
                <text x="\(format(labelWidth + length + 6))" y="\(y + 16)" font-size="13">\(bar.value)</text>
                """
        }
        return svg + "</svg>"
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
