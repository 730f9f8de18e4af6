import Hummingbird
import VigilReport
import VigilStore

/// The frame every page shares: one stylesheet inline (the CSP allows inline style, never script), the signed-in
/// person with a sign-out form carrying the session's CSRF token, and escaping for every name shown.
enum HTMLPage {
    /// A whole page titled `title` around `main`, with the sign-out form when `session` is given.
    static func render(title: String, session: Session?, main: String) -> String {
        var banner = ""
        if let session {
            banner = """
                <header><p>Signed in as \(escape(session.user.displayName)) \
                (\(escape(session.user.role.rawValue))\(scopeText(session.user)))</p>
                <form method="post" action="/sign-out"><input type="hidden" name="csrf" value="\(escape(session.csrf))">\
                <button type="submit">Sign out</button></form></header>

                """
        }
        return """
            <!doctype html>
            <html lang="en-GB">
            <head><meta charset="utf-8"><title>Vigil — \(escape(title))</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#0b0c0c}table{border-collapse:collapse}
            th,td{padding:.3rem .6rem;border-bottom:1px solid #b1b4b6;text-align:right}th[scope=row]{text-align:left}
            .code{color:#505a5f;font-weight:normal}caption{text-align:left;font-weight:bold;padding:.5rem 0}
            header{display:flex;gap:1rem;align-items:center;border-bottom:1px solid #b1b4b6;margin-bottom:1rem}
            label{display:block;margin-top:.8rem;font-weight:bold}input{font-size:1rem;padding:.3rem}
            button{margin-top:1rem;font-size:1rem;padding:.3rem .8rem}.error{color:#d4351c;font-weight:bold}
            a{color:#1d70b8}a:focus,button:focus,input:focus{outline:3px solid #fd0}
            .chart{display:block;max-width:40rem;height:auto;margin:.5rem 0}td.names{text-align:left}
            section{margin-top:1.5rem}dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}
            dt{font-weight:bold}dd{margin:0}</style>
            </head>
            <body>
            \(banner)<main>
            \(main)
            </main>
            </body>
            </html>
            """
    }

    /// `html` as a response with `status`.
    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// A short page saying what went wrong, with `status`; it never quotes the request.
    static func problem(_ status: HTTPResponse.Status, title: String, message: String, session: Session?) -> Response {
        response(
            render(title: title, session: session, main: "<h1>\(escape(title))</h1>\n<p>\(escape(message))</p>"),
            status: status)
    }

    static func scopeText(_ user: UserRecord) -> String {
        switch user.role {
        case .nationalAnalyst: ""
        case .regionalViewer: ", " + (user.region ?? "")
        case .organisationMember: ", " + (user.organisation?.code ?? "")
        }
    }

    /// Escapes text for HTML content and attribute values (the reports' escaping).
    static func escape(_ text: String) -> String { text.htmlEscaped }
}
