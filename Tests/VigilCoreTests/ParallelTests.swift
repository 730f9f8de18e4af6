import Synchronization
import Testing
import VigilCore

@Suite("Parallel work")
struct ParallelTests {
    @Test("results are handed over in order, each once, however many pieces there are", arguments: [0, 1, 3, 500])
    func inOrder(count: Int) {
        var seen: [Int] = []
        parallelForEachInOrder(count) { index in
            index * index
        } consume: {
            seen.append($0)
        }
        #expect(seen == (0..<count).map { $0 * $0 })
    }

    @Test("a failure to consume stops the work not yet started and is rethrown")
    func failure() {
        struct Full: Error {}
        final class Counter: Sendable { let value = Atomic<Int>(0) }
        let started = Counter()
        var consumed = 0
        #expect(throws: Full.self) {
            try parallelForEachInOrder(10_000) { index in
                started.value.add(1, ordering: .relaxed)
                return index
            } consume: { index throws(Full) in
                if index == 10 { throw Full() }
                consumed += 1
            }
        }
        #expect(consumed == 10)
        #expect(started.value.load(ordering: .relaxed) < 10_000)
    }
}
