import Testing
import VigilIO

@Suite("Bounded log")
struct BoundedLogTests {
    @Test("Every element is counted; only the first few are kept, and the rest are never built")
    func countsAllKeepsFirst() {
        var log = BoundedLog<Int>(limit: 3)
        var built = 0
        func make(_ value: Int) -> Int {
            built += 1
            return value
        }
        for value in 1...10 { log.add(make(value)) }
        #expect(log.kept == [1, 2, 3])
        #expect(log.count == 10)
        #expect(built == 3)
        log.addUnkept(5)
        #expect(log.count == 15 && log.kept.count == 3)
    }

    @Test("An element that must not be lost takes the place of the last replaceable one, so the limit holds")
    func replacing() {
        var log = BoundedLog<String>(limit: 3)
        for text in ["a", "keep-1", "b"] { log.add(text) }
        log.addReplacing("keep-2") { !$0.hasPrefix("keep") }
        #expect(log.kept == ["a", "keep-1", "keep-2"])
        log.addReplacing("keep-3") { !$0.hasPrefix("keep") }
        #expect(log.kept == ["keep-1", "keep-2", "keep-3"])
        // Nothing left to give way: counted, not kept.
        log.addReplacing("keep-4") { !$0.hasPrefix("keep") }
        #expect(log.kept == ["keep-1", "keep-2", "keep-3"] && log.count == 6)
    }

    @Test("A zero or negative limit keeps nothing and still counts")
    func emptyLimit() {
        var log = BoundedLog<Int>(limit: -1)
        log.add(1)
        #expect(log.kept.isEmpty && log.count == 1)
    }
}
