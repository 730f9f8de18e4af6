import VigilCore

/// The hosts one evidence file describes, one ``Machine`` per name (compared case-insensitively), in order of first
/// appearance. A host met in several records is merged with ``Machine/merging(_:)``, keeping the first record's source.
struct HostCollector {
    private var machines: [Machine] = []
    private var positions: [String: Int] = [:]
    /// The KB numbers and programs of hosts met more than once, by position: made at a host's second record, so a file
    /// of one record per host builds no sets, and kept after, so a file of one row per update stays linear.
    private var knownUpdates: [Int: Set<String>] = [:]
    private var knownPrograms: [Int: Set<InstalledProgram>] = [:]

    /// The hosts collected so far.
    var hosts: [Machine] { machines }

    /// Adds what `machine` says to the host of the same name. `updatesUnique`: the caller vouches that `machine` lists
    /// each KB once.
    mutating func add(_ machine: Machine, updatesUnique: Bool = false) {
        let id = machine.id
        let count = machines.count
        // One hash for a new host: insert, and put the old position back in the rarer case of a known host.
        if let position = positions.updateValue(count, forKey: id) {
            positions[id] = position
            merge(machine, at: position)
            return
        }
        var first = machine
        if !updatesUnique { first.installedUpdates = Self.unique(machine.installedUpdates, by: \.kb) }
        first.installedPrograms = Self.unique(machine.installedPrograms, by: \.self)
        machines.append(first)
    }

    private mutating func merge(_ machine: Machine, at position: Int) {
        // Updates and programs are united here through kept sets: `merging` rebuilds its sets on every call, which
        // is quadratic over a file with one row per update or program. The remaining facts go through `merging`.
        let facts = Self.factsOnly(machines[position]).merging(Self.factsOnly(machine))
        machines[position].operatingSystem = facts.operatingSystem
        machines[position].operatingSystemSource = facts.operatingSystemSource
        machines[position].smbVersion1Enabled = facts.smbVersion1Enabled
        machines[position].diskEncrypted = facts.diskEncrypted
        machines[position].updatesListed = machines[position].updatesListed || machine.updatesListed
        if !machine.installedUpdates.isEmpty {
            var known = knownUpdates.removeValue(forKey: position) ?? Set(machines[position].installedUpdates.map(\.kb))
            for update in machine.installedUpdates where known.insert(update.kb).inserted {
                machines[position].installedUpdates.append(update)
            }
            knownUpdates[position] = known
        }
        if !machine.installedPrograms.isEmpty {
            var known = knownPrograms.removeValue(forKey: position) ?? Set(machines[position].installedPrograms)
            for program in machine.installedPrograms where known.insert(program).inserted {
                machines[position].installedPrograms.append(program)
            }
            knownPrograms[position] = known
        }
    }

    /// `items` without repeats (by `key`), the first of each kept, in order.
    private static func unique<Item, Key: Hashable>(_ items: [Item], by key: (Item) -> Key) -> [Item] {
        if items.count < 2 { return items }
        if items.count <= 16 {
            let keys = items.map(key)
            let repeated = keys.indices.contains { index in keys[..<index].contains(keys[index]) }
            if !repeated { return items }
        }
        var seen = Set<Key>()
        return items.filter { seen.insert(key($0)).inserted }
    }

    private static func factsOnly(_ machine: Machine) -> Machine {
        Machine(
            name: machine.name, operatingSystem: machine.operatingSystem,
            operatingSystemSource: machine.operatingSystemSource, smbVersion1Enabled: machine.smbVersion1Enabled,
            diskEncrypted: machine.diskEncrypted, sources: [])
    }

    /// The host name a file stands for when its content names none: its name up to the first `.`
    /// (`exports/PC0042.os_version.json` → `PC0042`).
    static func hostName(fromFile file: String) -> String? {
        let name = file.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? file
        let stem = name.split(separator: ".", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return stem.isEmpty ? nil : stem
    }
}
