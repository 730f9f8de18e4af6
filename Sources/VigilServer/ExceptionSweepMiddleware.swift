import Foundation
import Hummingbird
import Synchronization
import VigilStore

/// Ends exceptions past their expiry before a request is handled, at most once a ``interval`` per process, so an
/// expiry takes effect on the next burst of requests with no timer held by any server (docs/decisions/0001, "Exceptions").
/// The last sweep's time is per process by design: every server sweeps, and a second sweep of the same expiries finds
/// nothing to do. A failed sweep is logged and the request still served: the next burst tries again, and submissions
/// sweep their own organisation in their transaction whatever happens here.
struct ExceptionSweepMiddleware<Context: RequestContext>: RouterMiddleware {
    let store: SQLNationalStore
    let now: @Sendable () -> Date
    let schedule = Schedule()

    /// The most often a process sweeps.
    static var interval: TimeInterval { 60 }

    /// When this process last swept.
    final class Schedule: Sendable {
        private let last = Mutex<Date?>(nil)

        /// Whether a sweep is due at `now`; if so, marks it done, so concurrent requests sweep once.
        func claim(at now: Date) -> Bool {
            last.withLock { last in
                if let previous = last, now.timeIntervalSince(previous) < ExceptionSweepMiddleware.interval,
                    now >= previous
                {
                    return false
                }
                last = now
                return true
            }
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let time = now()
        if schedule.claim(at: time) {
            do {
                _ = try await store.sweepExceptions(at: time)
            } catch {
                context.logger.error("vigil: the exception sweep failed; the next request burst retries it")
            }
        }
        return try await next(request, context)
    }
}
