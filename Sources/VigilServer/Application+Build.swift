import Foundation
public import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle
public import VigilStore

/// Builds the national service's HTTP application over `store`: the API routes (bearer organisation tokens), the
/// sign-in and sign-out forms and the pages (sessions, scoped by role), with the store
/// run as one of the application's services and migrated before the server accepts a connection, so `runService()`
/// starts both and shuts both down gracefully on SIGTERM or SIGINT. `onRunning` is told the port once listening.
public func buildApplication(
    configuration: ServerConfiguration, store: SQLNationalStore, logger: Logger = Logger(label: "vigil.server"),
    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router(context: VigilRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware(secureCookies: configuration.secureCookies))
    router.add(middleware: ErrorResponseMiddleware())
    router.add(middleware: ClientAddressMiddleware(trustedProxies: configuration.trustedProxies))
    router.add(middleware: ExceptionSweepMiddleware(store: store, now: configuration.now))
    SubmissionRoutes(store: store, configuration: configuration).register(on: router)
    AlertRoutes(store: store, configuration: configuration).register(on: router)
    // Liveness: the process answers (what a supervisor restarts on). Readiness: the database answers too (what a
    // load balancer sends submissions on).
    router.get("api/v1/health") { _, _ in
        JSONResponse.ok(["status": "ok"])
    }
    router.get("api/v1/ready") { _, _ in
        guard await store.answers(within: 2) else {
            return JSONResponse.problem(
                .serviceUnavailable, code: "service.database", message: "the database does not answer")
        }
        return JSONResponse.ok(["status": "ready"])
    }
    let sessions = WebSessions(store: store, configuration: configuration)
    SignInRoutes(sessions: sessions).register(on: router)
    OverviewPage(sessions: sessions).register(on: router)
    OrganisationPage(sessions: sessions).register(on: router)
    ExceptionRoutes(sessions: sessions).register(on: router)
    TicketRoutes(sessions: sessions).register(on: router)
    RegionPage(sessions: sessions).register(on: router)
    AlertPage(sessions: sessions).register(on: router)
    var application = Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "vigil"),
        services: [store],
        onServerRunning: { channel in
            Task { await warmSummaries(store: store, at: configuration.now(), logger: logger) }
            await onRunning(channel.localAddress?.port ?? configuration.port)
        },
        logger: logger)
    application.beforeServerStarts {
        try await awaitDatabase(store, within: configuration.databaseWait)
        try await store.migrate()
    }
    return application
}

/// Waits at most `seconds` for a PostgreSQL server to answer before the server starts, and no longer than until a
/// signal: one that is down or mistyped would otherwise hold the start for ever, its pool retrying, with SIGTERM unheard
/// (a graceful shutdown waits for the start to end). Asked again each second rather than once for the whole wait: the
/// pool fails every request at once after a minute of failed connections, until one succeeds. Throws
/// ``StoreError/Code/unreachable`` when it does not answer in time, `CancellationError` when stopped while waiting. A
/// SQLite file is not waited for: opening it answers or fails at once, with its own error.
func awaitDatabase(_ store: SQLNationalStore, within seconds: Double) async throws {
    guard store.isPostgreSQL else { return }
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: .seconds(seconds))
    while true {
        let left = clock.now.duration(to: deadline)
        let attempt = min(5, max(0.1, Double(left.components.seconds)))
        let answered = await cancelWhenGracefulShutdown {
            if await store.answers(within: attempt) { return true }
            // A refusal comes back at once: wait out the second before asking again.
            try? await Task.sleep(for: .seconds(1))
            return false
        }
        if Task.isCancelled || Task.isShuttingDownGracefully { throw CancellationError() }
        if answered { return }
        guard clock.now < deadline else { break }
    }
    throw StoreError(
        .unreachable,
        "the database does not answer (within \(Int(seconds)) s): is it running, and are its name, user and password right?"
    )
}

/// Reads every organisation's summary once as the server starts, so the store's cache (`SummaryCache`) holds them
/// before the first page view: at 7,000 organisations a cold national overview reads for seconds, a warm one does not.
/// Page views meanwhile are answered as usual; a failure only leaves the cache cold.
func warmSummaries(store: SQLNationalStore, at now: Date, logger: Logger) async {
    let clock = ContinuousClock()
    let start = clock.now
    do {
        let count = try await store.summaries(scope: .nation, at: now).count
        let elapsed = start.duration(to: clock.now)
        logger.info("read the summaries of \(count) organisations in \(elapsed)")
    } catch {
        logger.warning("could not read the summaries ahead of the first page view: \(error)")
    }
}
