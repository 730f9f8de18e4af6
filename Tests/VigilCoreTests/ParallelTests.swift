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
