/// The page shell both HTML reports share (`report.html` and `scan.html`): one stylesheet, a Content-Security-Policy
/// that allows no script or remote resource, and the body the renderer accumulates section by section.
struct HTMLPage {
    private var body: [String] = []
    private let title: String

    init(title: String) {
        self.title = title
    }

    mutating func raw(_ html: String) {
        body.append(html)
    }

    func finish() -> String {
        """
        <!DOCTYPE html>
        <html lang="en-GB">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="vigil">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <title>\(escape(title))</title>
        <style>\(HTMLPage.stylesheet)</style>
        </head>
        <body>
        \(body.joined(separator: "\n"))
        </body>
        </html>

        """
    }

    static let stylesheet = """
        :root{--ink:#1b1f24;--muted:#5c6670;--line:#d8dde3;--bg:#ffffff;--panel:#f5f7f9;--critical:#8b0000;--high:#c2410c;--medium:#b7791f;--low:#1c64b0;--info:#6b7280;--ok:#2f7d32}
        *{box-sizing:border-box}
        body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--bg);margin:0 auto;max-width:1100px;padding:24px}
        header{border-bottom:3px solid var(--ink);margin-bottom:16px}
        .kicker{text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin:0;font-size:13px}
        h1{margin:4px 0;font-size:30px}
        h2{margin-top:36px;border-bottom:1px solid var(--line);padding-bottom:4px}
        h3{margin:20px 0 6px}
        .meta{color:var(--muted);margin:0 0 8px}
        nav a{margin-right:14px;color:var(--low);text-decoration:none}
        .lead{font-size:18px}
        .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:12px}
        .tile{border:1px solid var(--line);border-left:6px solid var(--ok);border-radius:4px;padding:8px 12px;background:var(--panel)}
        .tile h3{margin:0;font-size:16px}
        .tile p{margin:4px 0}
        .tile.none{border-left-color:var(--line);color:var(--muted)}
        .tile.critical{border-left-color:var(--critical)}.tile.high{border-left-color:var(--high)}.tile.medium{border-left-color:var(--medium)}.tile.low{border-left-color:var(--low)}.tile.info{border-left-color:var(--info)}
        .status{font-size:13px;font-weight:600}
        .status.assessed{color:var(--ok)}.status.partial{color:var(--medium)}.status.not-assessed{color:var(--muted)}
        .badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:700;color:#fff;vertical-align:middle}
        .badge.critical{background:var(--critical)}.badge.high{background:var(--high)}.badge.medium{background:var(--medium)}.badge.low{background:var(--low)}.badge.info{background:var(--info)}
        .count{font-weight:400;color:var(--muted);font-size:15px}
        .rule-id{color:var(--muted);font-size:13px}
        .related{color:var(--muted);font-size:13px}
        .note{color:var(--muted);font-style:italic}
        table{border-collapse:collapse;width:100%;margin:8px 0}
        th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
        th{background:var(--panel)}
        td.num,th.num{text-align:right}
        code{font:13px ui-monospace,Menlo,Consolas,monospace}
        ol.actions li{margin-bottom:10px}
        ol.actions p{margin:2px 0}
        figure{margin:12px 0}
        .charts{display:flex;flex-wrap:wrap;gap:8px 28px}
        svg .bar.ok{fill:var(--ok)}
        figcaption{color:var(--muted);font-size:13px}
        svg .axis,svg .value{font:13px system-ui,sans-serif;fill:var(--ink)}
        svg .bar.critical{fill:var(--critical)}svg .bar.high{fill:var(--high)}svg .bar.medium{fill:var(--medium)}svg .bar.low{fill:var(--low)}svg .bar.info{fill:var(--info)}
        footer{margin-top:40px;border-top:1px solid var(--line);color:var(--muted);font-size:13px}
        details.more summary,.appendix summary{cursor:pointer;color:var(--low);margin:4px 0}
        tr.problem td{color:var(--muted);font-size:13px;padding-left:24px}
        .print-only{display:none}
        @page{size:A4;margin:14mm 12mm}
        @media print{.charts figure{break-inside:avoid}body{max-width:none;padding:0;font-size:9.5pt;line-height:1.35}nav{display:none}a{color:inherit;text-decoration:none}h1{font-size:17pt;margin:0}h2{margin-top:8pt;font-size:12.5pt}h3{font-size:11pt;margin:8pt 0 3pt}.lead{font-size:10pt;margin:4pt 0}.kicker{font-size:8pt}.tile p{font-size:8.5pt}.tile.none p:not(.status){display:none}.explain{font-size:8.5pt;margin:2pt 0}ol.actions p{font-size:8.5pt;margin:1pt 0}ol.actions{margin:4pt 0}h2{padding-bottom:1pt}.tiles{grid-template-columns:repeat(3,1fr);gap:5px;align-items:start}.tile{padding:4px 8px}.tile h3{font-size:10pt}.tile p{margin:2px 0}figure{margin:6pt 0}ol.actions li{margin-bottom:2pt}code{font-size:8.5pt}th,td{padding:2px 6px}tr,.tile,ol.actions li{break-inside:avoid}h2,h3{break-after:avoid}section#findings{break-before:page}details.more,.appendix details{display:none}.print-only{display:block}.badge,.tile,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """
}

extension String {
    /// The text escaped for HTML content and attribute values: what every page Vigil renders, the reports and the
    /// national service's, uses for names.
    public var htmlEscaped: String { escape(self) }
}

/// Escapes text for HTML content and attribute values.
func escape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&#39;"
        default: result.append(character)
        }
    }
    return result
}
