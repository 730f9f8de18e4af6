import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `GET /`: the national overview, server-rendered from the daily aggregates alone (never from tickets), with no
/// JavaScript: each organisation's open tickets by severity, unverified and fixed counts, and the date of its latest
/// evidence, worst first. Names are escaped; nothing in it comes from a submission but counts.
struct OverviewPage: Sendable {
    let store: SQLNationalStore

    func register(on router: Router<some RequestContext>) {
        router.get("/") { _, _ in
            let rows = try await store.overview()
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.html(rows))))
        }
    }

    /// The page for `rows`.
    static func html(_ rows: [OverviewRow]) -> String {
        let ordered = rows.sorted { first, second in
            let (a, b) = (weight(first), weight(second))
            return a == b ? first.organisation.path < second.organisation.path : b.lexicographicallyPrecedes(a)
        }
        let severities: [Severity] = [.critical, .high, .medium, .low]
        var body = ""
        for row in ordered {
            let cells: String
            if let day = row.latest {
                cells =
                    severities.map { "<td>\(day.open[$0] ?? 0)</td>" }.joined()
                    + "<td>\(day.unverified)</td><td>\(day.fixed)</td><td>\(escape(day.day))</td>"
            } else {
                cells = "<td colspan=\"\(severities.count + 3)\">no submission yet</td>"
            }
            body +=
                "<tr><th scope=\"row\">\(escape(row.organisation.name)) <span class=\"code\">\(escape(row.organisation.code))</span></th>\(cells)</tr>\n"
        }
        let submitted = rows.filter { $0.latest != nil }.count
        return """
            <!doctype html>
            <html lang="en-GB">
            <head><meta charset="utf-8"><title>Vigil — national overview</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#0b0c0c}table{border-collapse:collapse}
            th,td{padding:.3rem .6rem;border-bottom:1px solid #b1b4b6;text-align:right}th[scope=row]{text-align:left}
            .code{color:#505a5f;font-weight:normal}caption{text-align:left;font-weight:bold;padding:.5rem 0}</style>
            </head>
            <body>
            <main>
            <h1>National overview</h1>
            <p>\(submitted) of \(rows.count) organisations have submitted evidence. Counts are tickets open on each \
            organisation's latest evidence; unverified tickets are open ones the latest evidence did not cover.</p>
            <table>
            <caption>Open tickets by severity, worst first</caption>
            <thead><tr><th scope="col">Organisation</th><th scope="col">Critical</th><th scope="col">High</th>\
            <th scope="col">Medium</th><th scope="col">Low</th><th scope="col">Unverified</th><th scope="col">Fixed</th>\
            <th scope="col">Latest evidence</th></tr></thead>
            <tbody>
            \(body)</tbody>
            </table>
            </main>
            </body>
            </html>

            """
    }

    /// Worst first: critical outweighs any number of highs, and so on.
    static func weight(_ row: OverviewRow) -> [Int] {
        guard let day = row.latest else { return [-1] }
        return [day.open[.critical] ?? 0, day.open[.high] ?? 0, day.open[.medium] ?? 0, day.open[.low] ?? 0]
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
