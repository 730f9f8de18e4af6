import VigilCore

/// The hosts one evidence file describes, one ``Machine`` per name (compared case-insensitively), in order of first
/// appearance. A host met in several records is merged with ``Machine/merging(_:)``, keeping the first record's source.
struct HostCollector {
    private var machines: [Machine] = []
    private var positions: [String: Int] = [:]
    private var knownUpdates: [Set<String>] = []
    private var knownPrograms: [Set<InstalledProgram>] = []

    /// The hosts collected so far.
    var hosts: [Machine] { machines }

    /// Adds what `machine` says to the host of the same name.
    mutating func add(_ machine: Machine) {
        guard let position = positions[machine.id] else {
            positions[machine.id] = machines.count
            var first = machine
            first.installedUpdates = []
            first.installedPrograms = []
            machines.append(first)
            knownUpdates.append([])
            knownPrograms.append([])
            append(lists: machine, at: machines.count - 1)
            return
        }
        var existing = machines[position]
        // Updates and programs are united here through kept sets: `merging` rebuilds its sets on every call, which
        // is quadratic over a file with one row per update or program. The remaining facts go through `merging`.
        let facts = Self.factsOnly(existing).merging(Self.factsOnly(machine))
        existing.operatingSystem = facts.operatingSystem
        existing.operatingSystemSource = facts.operatingSystemSource
        existing.smbVersion1Enabled = facts.smbVersion1Enabled
        existing.diskEncrypted = facts.diskEncrypted
        existing.updatesListed = existing.updatesListed || machine.updatesListed
        machines[position] = existing
        append(lists: machine, at: position)
    }

    private mutating func append(lists machine: Machine, at position: Int) {
        for update in machine.installedUpdates where knownUpdates[position].insert(update.kb).inserted {
            machines[position].installedUpdates.append(update)
        }
        for program in machine.installedPrograms where knownPrograms[position].insert(program).inserted {
            machines[position].installedPrograms.append(program)
        }
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
