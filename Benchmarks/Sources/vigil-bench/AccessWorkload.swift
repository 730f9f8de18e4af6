import Foundation
import VigilAnalyzers
import VigilCore

/// The effective-access workload: the edge list read into integer edges, the membership graph built (cycles condensed),
/// then, on every core, each confidential resource's readers (allowed groups and users, minus denied ones) intersected
/// with the enabled users and counted. Prints one JSON line with the timings of each stage.
func accessWorkload(edges path: String, counts countsPath: String) throws {
    let started = ContinuousClock.now
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var users = 0
    var groups = 0
    var resources = 0
    var disabled: [Int32] = []
    var confidential: [Int32] = []
    var nesting: [(Int32, Int32)] = []
    var membership: [(Int32, Int32)] = []
    // Grants of each resource: (resource, principal) with the principal as user index or -1 - group index.
    var allows: [(Int32, Int32)] = []
    var denies: [(Int32, Int32)] = []
    data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
        var position = 0
        let count = raw.count
        func word() -> (tag: UInt8, kind: UInt8, numbers: [Int]) {
            let tag = raw[position]
            var numbers: [Int] = []
            var value = -1
            var kind: UInt8 = 0
            while position < count, raw[position] != UInt8(ascii: "\n") {
                let byte = raw[position]
                if byte >= 48, byte <= 57 {
                    value = (value < 0 ? 0 : value) &* 10 &+ Int(byte - 48)
                } else {
                    if value >= 0 { numbers.append(value) }
                    value = -1
                    if (tag == UInt8(ascii: "a") || tag == UInt8(ascii: "x"))
                        && (byte == UInt8(ascii: "u") || byte == UInt8(ascii: "g"))
                    {
                        kind = byte
                    }
                }
                position += 1
            }
            if value >= 0 { numbers.append(value) }
            position += 1
            return (tag, kind, numbers)
        }
        while position < count {
            let (tag, kind, numbers) = word()
            let user = kind == UInt8(ascii: "u")
            switch (tag, numbers.count) {
            case (UInt8(ascii: "m"), 2): membership.append((Int32(numbers[0]), Int32(numbers[1])))
            case (UInt8(ascii: "n"), 2): nesting.append((Int32(numbers[0]), Int32(numbers[1])))
            case (UInt8(ascii: "a"), 2):
                allows.append((Int32(numbers[0]), Int32(user ? numbers[1] : -1 - numbers[1])))
            case (UInt8(ascii: "x"), 2): denies.append((Int32(numbers[0]), Int32(-1 - numbers[1])))
            case (UInt8(ascii: "d"), 1): disabled.append(Int32(numbers[0]))
            case (UInt8(ascii: "c"), 1): confidential.append(Int32(numbers[0]))
            case (UInt8(ascii: "u"), 1): users = numbers[0]
            case (UInt8(ascii: "g"), 1): groups = numbers[0]
            case (UInt8(ascii: "r"), 1): resources = numbers[0]
            default: break
            }
        }
    }
    let parsed = ContinuousClock.now

    let graph = AccessGraph(accountCount: users, groupCount: groups, nesting: nesting, membership: membership)
    var disabledSet = AccessBitset(capacity: users)
    for user in disabled where user >= 0 && Int(user) < users { disabledSet.insert(Int(user)) }
    let enabled = {
        var set = AccessBitset.full(capacity: users)
        set.subtract(disabledSet)
        return set
    }()
    func principals(_ pairs: [(Int32, Int32)]) -> (start: [Int32], principals: [AccessGraph.Principal]) {
        let rows = AccessGraph.rows(count: resources, pairs.filter { $0.0 >= 0 && Int($0.0) < resources })
        return (
            rows.start,
            rows.targets.map { $0 < 0 ? .group(Int(-1 - $0)) : .account(Int($0)) }
        )
    }
    let allowed = principals(allows)
    let denied = principals(denies)
    let built = ContinuousClock.now

    let userCount = users
    let queried = confidential
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let chunk = (queried.count + cores - 1) / max(cores, 1)
    let counts = parallelMap(cores) { part in
        var work = AccessGraph.Workspace(for: graph)
        var readers = AccessBitset(capacity: userCount)
        var deniedSet = AccessBitset(capacity: userCount)
        var result: [Int] = []
        for resource in queried.dropFirst(part * chunk).prefix(chunk).map(Int.init) {
            readers.removeAll()
            let allow = allowed.principals[Int(allowed.start[resource])..<Int(allowed.start[resource + 1])]
            graph.addMembers(of: allow, to: &readers, using: &work)
            let deny = denied.principals[Int(denied.start[resource])..<Int(denied.start[resource + 1])]
            if !deny.isEmpty {
                deniedSet.removeAll()
                graph.addMembers(of: deny, to: &deniedSet, using: &work)
                readers.subtract(deniedSet)
            }
            result.append(readers.intersectionCount(enabled))
        }
        return result
    }.flatMap { $0 }
    let done = ContinuousClock.now

    var text = ""
    for (resource, count) in zip(confidential, counts) { text += "\(resource) \(count)\n" }
    try text.write(toFile: countsPath, atomically: true, encoding: .utf8)
    print(
        "{\"library\": \"vigil\", \"parse\": \(seconds(parsed - started)), \"build\": \(seconds(built - parsed)), \"query\": \(seconds(done - built)), \"resources\": \(counts.count), \"components\": \(graph.componentCount), \"cycles\": \(graph.cycles.count), \"depth\": \(graph.depth), \"cores\": \(cores)}"
    )
}
