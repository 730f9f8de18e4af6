import Dispatch
import Foundation
import Synchronization

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

/// Runs `count` independent pieces of CPU work on every core and hands each result to `consume` on the calling thread,
/// in order, as soon as it and every one before it are done. At most two results per core wait at a time, so that a
/// document far larger than memory can be rendered on every core and written out as it goes. When `consume` throws,
/// the pieces not yet started are skipped and the error is rethrown once the workers have stopped.
public func parallelForEachInOrder<Result: Sendable, Failure: Error>(
    _ count: Int,
    _ work: @escaping @Sendable (Int) -> Result,
    consume: (Result) throws(Failure) -> Void
) throws(Failure) {
    guard count > 0 else { return }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let pieces = OrderedPieces<Result>(count: count, ahead: 2 * cores)
    let workers = DispatchGroup()
    for _ in 0..<min(count, cores) {
        DispatchQueue.global().async(group: workers) {
            while let index = pieces.claim() { pieces.fill(index, with: work(index)) }
        }
    }
    defer {
        pieces.cancel()
        workers.wait()
    }
    for index in 0..<count { try consume(pieces.take(index)) }
}

/// The results of ``parallelForEachInOrder(_:_:consume:)`` between the workers that make them and the thread
/// that takes them in order.
private final class OrderedPieces<Result: Sendable>: Sendable {
    private let count: Int
    /// One permit per result that may be claimed and not yet taken.
    private let window: DispatchSemaphore
    /// Signalled once each result is filled.
    private let filled: [DispatchSemaphore]
    private let results = Mutex<[Int: Result]>([:])
    private let next = Atomic<Int>(0)
    private let cancelled = Atomic<Bool>(false)

    init(count: Int, ahead: Int) {
        self.count = count
        // Made empty and then given its permits: libdispatch traps when a semaphore is freed holding fewer than it
        // was made with, as this one does when the consumer stops early.
        window = DispatchSemaphore(value: 0)
        for _ in 0..<ahead { window.signal() }
        filled = (0..<count).map { _ in DispatchSemaphore(value: 0) }
    }

    /// The next piece to work on, once there is room for its result; nil when none is left or the work was cancelled.
    func claim() -> Int? {
        window.wait()
        let index = next.add(1, ordering: .relaxed).oldValue
        guard index < count, !cancelled.load(ordering: .relaxed) else {
            // Pass the permit on, so that every waiting worker wakes and finds there is nothing left.
            window.signal()
            return nil
        }
        return index
    }

    func fill(_ index: Int, with result: Result) {
        results.withLock { $0[index] = result }
        filled[index].signal()
    }

    /// The result of piece `index`, waiting for it if needed, and room for one more.
    func take(_ index: Int) -> Result {
        filled[index].wait()
        let result = results.withLock { $0.removeValue(forKey: index)! }
        window.signal()
        return result
    }

    /// Stops workers claiming more pieces.
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        window.signal()
    }
}

/// A read-only buffer handed to parallel workers.
public struct SharedBuffer: @unchecked Sendable {
    // @unchecked: the memory is only read, and outlives the parallel work that uses it.
    public let bytes: UnsafeBufferPointer<UInt8>

    public init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }
}
