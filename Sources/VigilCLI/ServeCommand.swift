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
            Stores everything in a SQLite file (the default, no set-up) or a PostgreSQL database given as \
            postgres://user:password@host:port/database; several `vigil serve` processes may share one PostgreSQL \
            database behind a load balancer, as the servers keep no state of their own. The schema is migrated on \
            start. Stops gracefully on SIGTERM or SIGINT: requests in flight finish, nothing acknowledged is lost.

            API: POST /api/v1/submissions with Authorization: Bearer TOKEN (tokens from `vigil admin issue-token`), \
            body the document `vigil submit` builds, at most 64 MiB; GET /api/v1/health. Page: GET / (overview). \
            The API is described in docs/api/openapi.yaml.

            EXIT CODES
              0   stopped on a signal
              64  usage error
              69  the database could not be opened or migrated, or the address could not be bound
            """
    )

    @Option(help: ArgumentHelp("A SQLite file, or postgres://user:password@host:port/database.", valueName: "database"))
    var database = "vigil-national.sqlite"

    @Option(help: ArgumentHelp("Where to listen: HOST:PORT, :PORT or PORT.", valueName: "address"))
    var listen = "127.0.0.1:8080"

    func validate() throws {
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
        let application = buildApplication(
            configuration: ServerConfiguration(host: host, port: port), store: store, logger: logger
        ) { port in
            print("Vigil national service listening on http://\(host):\(port)/")
            // Flushed at once: a supervisor or a test reads the address from a pipe.
            fflush(nil)
        }
        do {
            try await application.runService()
        } catch {
            Terminal.error("vigil: the service stopped: \(error)")
            throw VigilExit.unavailable
        }
    }
}
