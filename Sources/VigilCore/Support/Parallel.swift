import Dispatch
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

/// A read-only buffer handed to parallel workers.
public struct SharedBuffer: @unchecked Sendable {
    // @unchecked: the memory is only read, and outlives the parallel work that uses it.
    public let bytes: UnsafeBufferPointer<UInt8>

    public init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }
}
