import VigilCore

/// One osquery result row (all values as strings), recognised by its columns as one of the tables Vigil reads.
struct OsqueryRow {
    /// The tables Vigil reads, told apart by their columns.
    enum Table {
        case osVersion, patches, programs, optionalFeatures, bitlocker
    }

    /// The row's values by column name.
    let values: [String: String]

    /// A row from a parsed JSON object; values that are not strings or numbers are left out.
    init(_ object: [String: Any]) {
        var values: [String: String] = [:]
        for (key, value) in object {
            if let text = Self.text(value) { values[key] = text }
        }
        self.values = values
    }

    /// A JSON scalar as text: strings as they are, numbers (`--logger_numerics`) in decimal.
    static func text(_ value: Any) -> String? {
        switch value {
        case let text as String: return text
        case let integer as Int: return String(integer)
        case let number as Double:
            return number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : "\(number)"
        default: return nil
        }
    }

    /// The table the row comes from, by the columns it has.
    var table: Table? {
        func has(_ column: String) -> Bool { values[column] != nil }
        if has("hotfix_id") { return .patches }
        if has("protection_status"), has("drive_letter") { return .bitlocker }
        if has("name"), has("state"), !has("version") { return .optionalFeatures }
        if has("name"), has("kernel_version") { return .osVersion }
        if has("name"), has("version"),
            has("major") || has("build") || has("platform") || has("arch") || has("revision")
        {
            return .osVersion
        }
        if has("name"),
            has("publisher") || has("install_location") || has("uninstall_string") || has("identifying_number")
                || has("install_source")
        {
            return .programs
        }
        return nil
    }

    /// A host name column (`hostname`, `host_identifier`, `computer_name`, as a join with `system_info` gives).
    var hostName: String? {
        for column in ["hostname", "host_identifier", "computer_name"] {
            if let name = values[column]?.trimming(" \t"), !name.isEmpty { return name }
        }
        return nil
    }

    /// The facts of this row about host `name`, read at `source`; `nil` when the row says nothing Vigil keeps.
    func machine(named name: String, source: EvidenceReference) -> Machine? {
        switch table {
        case .osVersion?:
            guard let system = operatingSystem else { return nil }
            return Machine(name: name, operatingSystem: system, operatingSystemSource: source, sources: [source])
        case .patches?:
            guard let kb = values["hotfix_id"].flatMap(InstalledUpdate.normalisedKB) else { return nil }
            let update = InstalledUpdate(
                kb: kb, installedOn: values["installed_on"].flatMap(QuickFixDate.parse), source: source)
            return Machine(name: name, installedUpdates: [update], updatesListed: true, sources: [source])
        case .programs?:
            guard let program = values["name"]?.trimming(" \t"), !program.isEmpty else { return nil }
            let installed = InstalledProgram(
                name: program, version: nonEmpty("version"), publisher: nonEmpty("publisher"))
            return Machine(name: name, installedPrograms: [installed], sources: [source])
        case .optionalFeatures?:
            let feature = values["name"]?.lowercased()
            guard feature == "smb1protocol" || feature == "smb1protocol-server" else { return nil }
            let enabled: Bool? =
                switch values["state"] {
                case "1": true
                case "2", "3": false
                default: nil
                }
            return Machine(name: name, smbVersion1Enabled: enabled, sources: [source])
        case .bitlocker?:
            guard values["drive_letter"]?.trimming(" \t").uppercased() == "C:" else { return nil }
            let protected: Bool? =
                switch values["protection_status"] {
                case "1": true
                case "0": false
                default: nil
                }
            return Machine(name: name, diskEncrypted: protected, sources: [source])
        case nil:
            return nil
        }
    }

    /// The operating system of an `os_version` (or `os_windows`) row. A four-part version or kernel version
    /// (`10.0.22621.3007`) gives the revision when the `revision` column is not selected.
    private var operatingSystem: OperatingSystem? {
        guard let name = values["name"] else { return nil }
        let raw = nonEmpty("version") ?? nonEmpty("kernel_version")
        let parsed = raw.flatMap(WindowsVersion.parse) ?? nonEmpty("kernel_version").flatMap(WindowsVersion.parse)
        return OperatingSystem(
            name: name, version: parsed?.version ?? raw, build: nonEmpty("build").flatMap { Int($0) } ?? parsed?.build,
            revision: nonEmpty("revision").flatMap { Int($0) } ?? parsed?.revision, architecture: nonEmpty("arch"))
    }

    private func nonEmpty(_ column: String) -> String? {
        guard let value = values[column]?.trimming(" \t"), !value.isEmpty else { return nil }
        return value
    }
}
