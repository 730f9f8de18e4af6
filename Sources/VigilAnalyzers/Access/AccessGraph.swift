/// Who belongs to which group, as integers: accounts `0..<accountCount`, groups `0..<groupCount`, with groups nested in
/// groups. Cycles of nested groups (which Active Directory allows) are condensed into one node each (strongly connected
/// components, Tarjan's algorithm), so that everything after construction works on a directed acyclic graph.
///
/// "Who is in these groups" walks the condensed graph down from the groups asked about, marking each component once
/// with a generation stamp, and sets the bits of the components' direct members: the cost is the groups reached and
/// their direct memberships, never the size of the directory.
public struct AccessGraph: Sendable {
    /// A principal a permission can name.
    public enum Principal: Sendable, Hashable {
        /// One account.
        case account(Int)
        /// A group and, through nesting, everyone in the groups inside it.
        case group(Int)
        /// Every account (Everyone, Authenticated Users, the local Users group).
        case everyone
    }

    /// The number of accounts.
    public let accountCount: Int
    /// The number of groups.
    public let groupCount: Int
    /// The component of each group.
    public let componentOfGroup: [Int32]
    /// The number of components (groups, with each cycle counted once).
    public let componentCount: Int
    /// Groups in a cycle, one list per cycle of two or more groups (or a group containing itself).
    public let cycles: [[Int]]
    /// The longest chain of nesting, in groups (1 when no group is nested).
    public let depth: Int

    /// Child components of each component (compressed sparse rows).
    private let childStart: [Int32]
    private let children: [Int32]
    /// Direct member accounts of each component.
    private let accountStart: [Int32]
    private let accounts: [Int32]

    /// A graph from its edges: `nesting` pairs are (parent group, member group), `membership` pairs (group, member
    /// account). Edges out of range are ignored; duplicates are harmless.
    public init(accountCount: Int, groupCount: Int, nesting: [(Int32, Int32)], membership: [(Int32, Int32)]) {
        self.accountCount = accountCount
        self.groupCount = groupCount
        let nestingValid = nesting.filter {
            $0.0 >= 0 && Int($0.0) < groupCount && $0.1 >= 0 && Int($0.1) < groupCount
        }
        let groupChildren = Self.rows(count: groupCount, nestingValid)
        let (component, components, cycles) = Self.stronglyConnected(
            count: groupCount, start: groupChildren.start, targets: groupChildren.targets)
        componentOfGroup = component
        componentCount = components
        self.cycles = cycles
        var condensed: [(Int32, Int32)] = []
        condensed.reserveCapacity(nestingValid.count)
        for (parent, child) in nestingValid where component[Int(parent)] != component[Int(child)] {
            condensed.append((component[Int(parent)], component[Int(child)]))
        }
        let componentRows = Self.rows(count: components, condensed)
        childStart = componentRows.start
        children = componentRows.targets
        let members = membership.compactMap { pair -> (Int32, Int32)? in
            guard pair.0 >= 0, Int(pair.0) < groupCount, pair.1 >= 0, Int(pair.1) < accountCount else { return nil }
            return (component[Int(pair.0)], pair.1)
        }
        let accountRows = Self.rows(count: components, members)
        accountStart = accountRows.start
        accounts = accountRows.targets
        depth = Self.longestChain(count: components, start: childStart, targets: children, cycles: cycles)
    }

    /// Reusable marks for one thread's queries.
    public struct Workspace: Sendable {
        var stamp: [UInt32]
        var generation: UInt32 = 0
        var stack: [Int32] = []

        /// A workspace for `graph`.
        public init(for graph: AccessGraph) {
            stamp = [UInt32](repeating: 0, count: graph.componentCount)
        }

        mutating func next() -> UInt32 {
            if generation == .max {
                for index in stamp.indices { stamp[index] = 0 }
                generation = 0
            }
            generation += 1
            return generation
        }
    }

    /// Adds to `set` every account that `principals` stand for.
    public func addMembers(
        of principals: some Sequence<Principal>, to set: inout AccessBitset, using work: inout Workspace
    ) {
        let generation = work.next()
        work.stack.removeAll(keepingCapacity: true)
        for principal in principals {
            switch principal {
            case .account(let index):
                if index >= 0, index < accountCount { set.insert(index) }
            case .everyone:
                set.formUnion(AccessBitset.full(capacity: accountCount))
            case .group(let index):
                guard index >= 0, index < groupCount else { continue }
                let component = componentOfGroup[index]
                if work.stamp[Int(component)] != generation {
                    work.stamp[Int(component)] = generation
                    work.stack.append(component)
                }
            }
        }
        while let component = work.stack.popLast() {
            let node = Int(component)
            for position in Int(accountStart[node])..<Int(accountStart[node + 1]) {
                set.insert(Int(accounts[position]))
            }
            for position in Int(childStart[node])..<Int(childStart[node + 1]) {
                let child = children[position]
                if work.stamp[Int(child)] != generation {
                    work.stamp[Int(child)] = generation
                    work.stack.append(child)
                }
            }
        }
    }

    /// The accounts `principals` stand for.
    public func members(of principals: some Sequence<Principal>, using work: inout Workspace) -> AccessBitset {
        var set = AccessBitset(capacity: accountCount)
        addMembers(of: principals, to: &set, using: &work)
        return set
    }

    // MARK: Construction

    /// Edges grouped by source: `targets[start[i]..<start[i + 1]]` are the targets of `i` (a counting sort).
    public static func rows(count: Int, _ edges: [(Int32, Int32)]) -> (start: [Int32], targets: [Int32]) {
        var start = [Int32](repeating: 0, count: count + 1)
        for (source, _) in edges { start[Int(source) + 1] += 1 }
        for index in 0..<count { start[index + 1] += start[index] }
        var fill = start
        var targets = [Int32](repeating: 0, count: edges.count)
        for (source, target) in edges {
            targets[Int(fill[Int(source)])] = target
            fill[Int(source)] += 1
        }
        return (start, targets)
    }

    /// Tarjan's strongly connected components, iterative (nesting chains can be as long as the directory is large, so
    /// recursion could exhaust the stack). Components are numbered in reverse topological order.
    static func stronglyConnected(count: Int, start: [Int32], targets: [Int32]) -> (
        component: [Int32], components: Int, cycles: [[Int]]
    ) {
        var index = [Int32](repeating: -1, count: count)
        var low = [Int32](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var component = [Int32](repeating: -1, count: count)
        var stack: [Int32] = []
        var cycles: [[Int]] = []
        var nextIndex: Int32 = 0
        var components: Int32 = 0
        // Call frames: the node and the position of the next edge to follow.
        var frames: [(node: Int32, edge: Int32)] = []
        for root in 0..<count where index[root] < 0 {
            frames.append((Int32(root), start[root]))
            index[root] = nextIndex
            low[root] = nextIndex
            nextIndex += 1
            stack.append(Int32(root))
            onStack[root] = true
            while let frame = frames.last {
                let node = Int(frame.node)
                if frame.edge < start[node + 1] {
                    frames[frames.count - 1].edge += 1
                    let target = Int(targets[Int(frame.edge)])
                    if index[target] < 0 {
                        index[target] = nextIndex
                        low[target] = nextIndex
                        nextIndex += 1
                        stack.append(Int32(target))
                        onStack[target] = true
                        frames.append((Int32(target), start[target]))
                    } else if onStack[target] {
                        low[node] = min(low[node], index[target])
                    }
                    continue
                }
                frames.removeLast()
                if let parent = frames.last { low[Int(parent.node)] = min(low[Int(parent.node)], low[node]) }
                guard low[node] == index[node] else { continue }
                var members: [Int] = []
                while let top = stack.popLast() {
                    onStack[Int(top)] = false
                    component[Int(top)] = components
                    members.append(Int(top))
                    if Int(top) == node { break }
                }
                let selfLoop = targets[Int(start[node])..<Int(start[node + 1])].contains(Int32(node))
                if members.count > 1 || selfLoop { cycles.append(members.sorted()) }
                components += 1
            }
        }
        return (component, Int(components), cycles.sorted { $0[0] < $1[0] })
    }

    /// The longest chain of components, counting a cycle's groups once each (a cycle of three nested in one group is a
    /// depth of two components but reported as the groups it holds).
    static func longestChain(count: Int, start: [Int32], targets: [Int32], cycles: [[Int]]) -> Int {
        guard count > 0 else { return 0 }
        // Tarjan numbers components in reverse topological order: children before parents.
        var length = [Int](repeating: 1, count: count)
        for node in 0..<count {
            for position in Int(start[node])..<Int(start[node + 1]) {
                length[node] = max(length[node], length[Int(targets[position])] + 1)
            }
        }
        return length.max() ?? 0
    }
}
