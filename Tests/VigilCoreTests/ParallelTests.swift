import Dispatch
import Foundation
import Synchronization
import Testing
import VigilCore

@Suite("Parallel work")
struct ParallelTests {
    @Test(
        "results are consumed in order, each once and one at a time, however many pieces there are",
        arguments: [0, 1, 3, 500])
    func inOrder(count: Int) {
        let seen = Mutex<[Int]>([])
        let consuming = Atomic<Bool>(false)
        let overlapped = Atomic<Bool>(false)
        parallelForEachInOrder(count) { index in
            index * index
        } consume: { square in
            if consuming.exchange(true, ordering: .acquiring) { overlapped.store(true, ordering: .relaxed) }
            seen.withLock { $0.append(square) }
            consuming.store(false, ordering: .releasing)
        }
        #expect(seen.withLock { $0 } == (0..<count).map { $0 * $0 })
        let overlaps = overlapped.load(ordering: .relaxed)
        #expect(!overlaps)
    }

    @Test("a failure to consume stops the work not yet started and is rethrown")
    func failure() {
        struct Full: Error {}
        let started = Atomic<Int>(0)
        let consumed = Atomic<Int>(0)
        #expect(throws: Full.self) {
            try parallelForEachInOrder(10_000) { index in
                started.add(1, ordering: .relaxed)
                return index
            } consume: { index throws(Full) in
                if index == 10 { throw Full() }
                consumed.add(1, ordering: .relaxed)
            }
        }
        let (consumedCount, startedCount) = (consumed.load(ordering: .relaxed), started.load(ordering: .relaxed))
        #expect(consumedCount == 10)
        #expect(startedCount < 10_000)
    }
}

/// The helpers that run a few unlike pieces at once, each on a thread of its own.
@Suite("Concurrent pieces of unlike work")
struct ConcurrentPiecesTests {
    @Test("every piece runs once and the results come back in order", arguments: [0, 1, 2, 7])
    func inOrder(count: Int) {
        let runs = Atomic<Int>(0)
        let results = concurrentMap(count) { index in
            runs.add(1, ordering: .relaxed)
            return index * 10
        }
        #expect(results == (0..<count).map { $0 * 10 })
        #expect(runs.load(ordering: .relaxed) == count)
    }

    @Test("many pieces run on one worker per core, not a thread each")
    func bounded() {
        let running = Atomic<Int>(0)
        let most = Atomic<Int>(0)
        let results = concurrentMap(400) { index in
            let now = running.add(1, ordering: .relaxed).newValue
            var seen = most.load(ordering: .relaxed)
            while now > seen {
                let (exchanged, original) = most.compareExchange(
                    expected: seen, desired: now, ordering: .relaxed)
                if exchanged { break }
                seen = original
            }
            usleep(200)
            running.subtract(1, ordering: .relaxed)
            return index
        }
        #expect(results == Array(0..<400))
        #expect(most.load(ordering: .relaxed) <= max(2, ProcessInfo.processInfo.activeProcessorCount))
        #expect(most.load(ordering: .relaxed) >= 2)
    }

    @Test("a piece's failure is rethrown once every piece has finished")
    func failure() {
        struct Refused: Error, Equatable { let index: Int }
        let finished = Atomic<Int>(0)
        #expect(throws: Refused(index: 3)) {
            _ = try concurrentMap(6) { index throws(Refused) in
                defer { finished.add(1, ordering: .relaxed) }
                if index == 3 || index == 5 { throw Refused(index: index) }
                return index
            }
        }
        #expect(finished.load(ordering: .relaxed) == 6)
    }

    @Test("pieces run at the same time: each waits until the other has started")
    func sideBySide() {
        // Neither piece can finish unless both run at once; `parallelPair` runs one on the caller's thread.
        let first = DispatchSemaphore(value: 0)
        let second = DispatchSemaphore(value: 0)
        let (left, right) = parallelPair(
            {
                first.signal()
                return second.wait(timeout: .now() + 10) == .success ? "left" : "timed out"
            },
            {
                second.signal()
                return first.wait(timeout: .now() + 10) == .success ? "right" : "timed out"
            })
        #expect(left == "left")
        #expect(right == "right")
    }
}
