import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `count` independent pieces of CPU work on every core and returns their results in order (readers splitting a
/// large input, the dictionary attack splitting its words).
public func parallelMap<Result: Sendable, Failure: Error>(
    _ count: Int,
    _ work: @Sendable (Int) throws(Failure) -> Result
) throws(Failure) -> [Result] {
    if count == 1 { return [try work(0)] }
    let results = Mutex<[Int: Swift.Result<Result, Failure>]>([:])
    DispatchQueue.concurrentPerform(iterations: count) { index in
        let outcome = Swift.Result { () throws(Failure) in try work(index) }
        results.withLock { $0[index] = outcome }
    }
    let stored = results.withLock { $0 }
    var ordered: [Result] = []
    ordered.reserveCapacity(count)
    for index in 0..<count { ordered.append(try stored[index]!.get()) }
    return ordered
}

/// Runs `count` independent pieces of CPU work on every core and passes each result to `consume` in order, as soon as
/// it and every one before it are done, so that a document far larger than memory can be rendered on every core and
/// written as it goes. Each worker hands over its own results, one at a time and in turn: at most one result per core
/// is held, and `consume` is never called twice at once, though not always on the calling thread. When `consume`
/// throws, no further results are consumed, the pieces not yet started are skipped, and the error is rethrown.
public func parallelForEachInOrder<Result, Failure: Error>(
    _ count: Int,
    _ work: @Sendable (Int) -> Result,
    consume: @Sendable (Result) throws(Failure) -> Void
) throws(Failure) {
    guard count > 0 else { return }
    let next = Atomic<Int>(0)
    // Piece `i`'s worker waits for turn `i`, given once piece `i - 1` is consumed.
    let turns = (0..<count).map { _ in DispatchSemaphore(value: 0) }
    let failure = Mutex<Failure?>(nil)
    DispatchQueue.concurrentPerform(iterations: min(count, ProcessInfo.processInfo.activeProcessorCount)) { _ in
        while failure.withLock({ $0 == nil }) {
            let index = next.add(1, ordering: .relaxed).oldValue
            guard index < count else { return }
            let result = work(index)
            if index > 0 { turns[index].wait() }
            if failure.withLock({ $0 == nil }) {
                do throws(Failure) { try consume(result) } catch { failure.withLock { $0 = error } }
            }
            if index + 1 < count { turns[index + 1].signal() }
        }
    }
    if let error = failure.withLock({ $0 }) { throw error }
}

/// Runs a few independent, unlike pieces of work at once and returns their results in order (the files of a bundle,
/// the analyzers of an assessment, two steps of one analyzer). The pieces are taken in turn by one worker per core (at
/// least two), each on a thread of its own, the calling thread being one of them. Threads of their own, not
/// Dispatch's: Dispatch runs a `concurrentPerform` called inside another on fewer threads (on two cores, on one), so
/// analyzers run with ``parallelMap(_:_:)`` would each hash their passwords on a single core, and it starts a queued
/// piece only when one of its one-per-core threads is free. One worker per core, not one thread per piece: a bundle
/// may hold thousands of files.
public func concurrentMap<Result: Sendable, Failure: Error>(
    _ count: Int,
    _ work: @escaping @Sendable (Int) throws(Failure) -> Result
) throws(Failure) -> [Result] {
    guard count > 1 else { return count == 1 ? [try work(0)] : [] }
    let workers = min(count, max(2, ProcessInfo.processInfo.activeProcessorCount))
    let next = Atomic<Int>(0)
    let results = Mutex<[Int: Swift.Result<Result, Failure>]>([:])
    let drain: @Sendable () -> Void = {
        while true {
            let index = next.add(1, ordering: .relaxed).oldValue
            guard index < count else { return }
            let outcome = Swift.Result { () throws(Failure) in try work(index) }
            results.withLock { $0[index] = outcome }
        }
    }
    let group = DispatchGroup()
    for _ in 1..<workers {
        group.enter()
        startThread {
            drain()
            group.leave()
        }
    }
    drain()
    group.wait()
    let stored = results.withLock { $0 }
    var ordered: [Result] = []
    ordered.reserveCapacity(count)
    for index in 0..<count {
        // Every index below `count` was taken by a worker, and the group waited for them all.
        guard let outcome = stored[index] else { preconditionFailure("concurrentMap lost piece \(index)") }
        ordered.append(try outcome.get())
    }
    return ordered
}

/// Runs two independent pieces of work at once (see ``concurrentMap(_:_:)``) and returns both results: `first` on the
/// calling thread, `second` on a thread of its own.
public func parallelPair<First, Second: Sendable>(
    _ first: () -> First,
    _ second: @escaping @Sendable () -> Second
) -> (First, Second) {
    let made = Mutex<Second?>(nil)
    let done = DispatchSemaphore(value: 0)
    startThread {
        let result = second()
        made.withLock { $0 = result }
        done.signal()
    }
    let firstResult = first()
    done.wait()
    // The semaphore is signalled only after `second` stored its result.
    guard let secondResult = made.withLock({ $0 }) else { preconditionFailure("parallelPair lost its second piece") }
    return (firstResult, secondResult)
}

/// Starts `work` on a new detached thread with a stack as large as the main thread's, and returns at once. When no
/// thread can be had (a process, container or service limit on threads), `work` runs on the calling thread before
/// this returns, so that whoever waits for it is never left waiting: Foundation's `Thread.start` drops that failure.
public func startThread(_ work: @escaping @Sendable () -> Void) {
    let box = Unmanaged.passRetained(ThreadWork(work))
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, 8 << 20)
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    #if canImport(Darwin)
        var thread: pthread_t?
        let created = pthread_create(
            &thread, &attributes,
            { context in
                Unmanaged<ThreadWork>.fromOpaque(context).takeRetainedValue().work()
                return nil
            }, box.toOpaque())
    #else
        var thread = pthread_t()
        let created = pthread_create(
            &thread, &attributes,
            { context in
                // The box is always passed (below); a thread started without it has nothing to run.
                guard let context else { return nil }
                Unmanaged<ThreadWork>.fromOpaque(context).takeRetainedValue().work()
                return nil
            }, box.toOpaque())
    #endif
    if created != 0 { box.takeRetainedValue().work() }
}

/// The work a thread started by ``startThread(_:)`` runs, passed to it as a retained pointer.
private final class ThreadWork: Sendable {
    let work: @Sendable () -> Void

    init(_ work: @escaping @Sendable () -> Void) {
        self.work = work
    }
}

/// Runs blocking `work` (reading files, parsing them on every core with ``parallelMap(_:_:)``) on a Dispatch thread
/// and resumes the caller with its outcome, so that no thread of Swift's cooperative pool waits on a disk or a
/// semaphore. This and ``parallelMap(_:_:)`` are Vigil's one way of spreading CPU work (docs/architecture.md,
/// "Concurrency"): async code hands the work over here, and everything below it is Dispatch.
public func blockingWork<Result: Sendable, Failure: Error>(
    _ work: @escaping @Sendable () throws(Failure) -> Result
) async throws(Failure) -> Result {
    let outcome = await withCheckedContinuation {
        (continuation: CheckedContinuation<Swift.Result<Result, Failure>, Never>) in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(returning: Swift.Result { () throws(Failure) in try work() })
        }
    }
    return try outcome.get()
}

/// A read-only buffer handed to parallel workers.
public struct SharedBuffer: @unchecked Sendable {
    // @unchecked: the memory is only read, and outlives the parallel work that uses it.
    public let bytes: UnsafeBufferPointer<UInt8>

    public init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }
}
