import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VigilServer
import VigilStore

/// `vigil serve`: the national service (docs/decisions/0001-national-service.md).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the national service: receive submissions, keep tickets, show the national picture.",
        discussion: """
            Stores everything in a SQLite file (the default, no set-up: created owner-only when missing) or a \
            PostgreSQL database given as \
            postgres://user:password@host:port/database; several `vigil serve` processes may share one PostgreSQL \
            database behind a load balancer, as the servers keep no state of their own; each holds up to 16 \
            connections to it (8 for submissions, 8 for page views). The schema is migrated on start, and every \
            organisation's summary is read once in the background so the first overview is quick. Stops gracefully \
            on SIGTERM or SIGINT: requests in flight finish, nothing acknowledged is lost.

            API: POST /api/v1/submissions with Authorization: Bearer TOKEN (tokens from `vigil admin issue-token`), \
            body the document `vigil submit` builds, at most 64 MiB; GET /api/v1/health (the process) and GET /api/v1/ready (its database answers); the alert routes. The API \
            is described in docs/api/openapi.yaml. Any other path answers 404, as a Problem under /api/ and a short \
            page elsewhere, with the same security headers as every response.

            Pages: GET /sign-in and POST /sign-in, POST /sign-out, GET / (overview, with missed alert clocks and \
            not-applicable declarations), GET /regions/CODE (a region or integrated care board, shown whole to those \
            whose scope holds all of it) and GET /organisations/CODE, for people made with `vigil admin \
            create-user`; for them too, the JSON routes GET and POST /api/v1/exceptions, POST \
            /api/v1/exceptions/ID/decision and GET /api/v1/organisations/CODE/tickets (a POST carries the session's \
            CSRF token in X-CSRF-Token). Exceptions past their expiry end on the next burst of requests (at most once \
            a minute per server), so no timer runs. Every page needs a session and shows only the person's \
            scope (nation, region or organisation). Session cookies are HttpOnly and SameSite=Strict, and Secure \
            with --secure-cookies (use it whenever a TLS proxy is in front) or when the proxy sends \
            X-Forwarded-Proto: https; every form carries a CSRF token. Five failed sign-ins lock an account for 15 \
            minutes; 30 failures from one address within 15 minutes hold the address back; sessions end after 30 \
            idle minutes or 12 hours. Sign-ins, failures, views of organisations and changes go to the audit log \
            (`vigil admin audit`). Behind a proxy the address counted and recorded is the proxy's, unless it is named \
            with --trusted-proxy: then it is the client address the proxy appended to X-Forwarded-For.

            EXIT CODES
              0   stopped on a signal
              64  usage error
              69  the database could not be opened or migrated (a --database path naming a folder or a file that
                  is not a SQLite database is refused, naming it, and left as it is; a database that does not
                  answer within --database-wait seconds, PostgreSQL only), or the address could not be bound
            """
    )

    @Option(help: ArgumentHelp("A SQLite file, or postgres://user:password@host:port/database.", valueName: "database"))
    var database = "vigil-national.sqlite"

    @Option(help: ArgumentHelp("Where to listen: HOST:PORT, :PORT or PORT.", valueName: "address"))
    var listen = "127.0.0.1:8080"

    @Flag(help: "Mark session cookies Secure and send HSTS: the server is reached over TLS (through a proxy).")
    var secureCookies = false

    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "A proxy's IP address whose X-Forwarded-For names the client, for sign-in limits and the audit log (repeatable).",
            valueName: "address"))
    var trustedProxies: [String] = []

    @Option(
        help: ArgumentHelp(
            "How long a PostgreSQL database has to answer at start, in seconds (1 to 3600), before the start fails with 69.",
            valueName: "seconds"))
    var databaseWait = 30

    func validate() throws {
        guard (1...3600).contains(databaseWait) else { throw ValidationError("--database-wait is 1 to 3600 seconds") }
        for proxy in trustedProxies where !ServerConfiguration.isIPAddress(proxy) {
            throw ValidationError("--trusted-proxy is an IP address, 127.0.0.1 or ::1")
        }
        guard ServerConfiguration.listenAddress(listen) != nil else {
            throw ValidationError("--listen is HOST:PORT, :PORT or PORT (0 to 65535)")
        }
    }

    func run() async throws {
        guard let (host, port) = ServerConfiguration.listenAddress(listen) else { throw VigilExit.unavailable }
        let store: SQLNationalStore
        do {
            store = try SQLNationalStore(address: database)
        } catch {
            Terminal.error("vigil: \(error)")
            throw VigilExit.unavailable
        }
        var logger = Logger(label: "vigil.server")
        logger.logLevel = .info
        var configuration = ServerConfiguration(
            host: host, port: port, secureCookies: secureCookies, trustedProxies: Set(trustedProxies))
        configuration.databaseWait = Double(databaseWait)
        let application = buildApplication(
            configuration: configuration,
            store: store,
            logger: logger
        ) { port in
            print("Vigil national service listening on http://\(host):\(port)/")
            // Flushed at once: a supervisor or a test reads the address from a pipe.
            fflush(nil)
        }
        do {
            try await application.runService()
        } catch is CancellationError {
            // Stopped by a signal while waiting for the database: nothing had started.
            return
        } catch let error as StoreError {
            Terminal.error("vigil: \(error)")
            throw VigilExit.unavailable
        } catch {
            Terminal.error("vigil: the service stopped: \(error)")
            throw VigilExit.unavailable
        }
    }
}
