import VigilCore

/// One host's systeminfo report as it is read: the fields Vigil keeps, with the lines they were on.
struct SystemInfoRecord {
    /// The line the report starts on.
    let line: Int
    /// Labelled fields seen so far (the position of the next one).
    var fieldCount = 0
    var hostName: String?
    var osName: String?
    var osVersion: (version: String, build: Int?, servicePack: Int?)?
    var osVersionLine: Int?
    var architecture: String?
    /// Whether the OS Configuration says domain controller (``OSConfiguration``).
    var domainController: Bool?
    /// Whether a Hotfix(s) field was present, even empty or `N/A`.
    var hotfixesListed = false
    /// How many updates the Hotfix(s) field says are installed (`3 Hotfix(s) Installed.`).
    var statedHotfixes: Int?
    /// Entries (`[01]: …`) of the list read, KB numbers or not.
    var hotfixEntries = 0
    /// Entries that begin `KB` but hold no KB number (`[01]: KB5`, a line cut short).
    var damagedHotfixEntries = 0
    var updates: [InstalledUpdate] = []
    private var seenUpdates: Set<String> = []

    init(line: Int) {
        self.line = line
    }

    /// The field a value at the next position belongs to, by its label when known, otherwise by position and form.
    func field(labelled known: SystemInfoField?, value: String) -> SystemInfoField? {
        if let known { return known }
        switch fieldCount {
        case SystemInfoField.hostName.position: return .hostName
        case SystemInfoField.osName.position: return .osName
        case SystemInfoField.osVersion.position: return WindowsVersion.systemInfo(value) != nil ? .osVersion : nil
        case SystemInfoField.osConfiguration.position:
            // Only a value that reads as a role: otherwise the checks below (a moved System Type) still apply.
            if OSConfiguration.isDomainController(value) != nil { return .osConfiguration }
        default: break
        }
        if architecture == nil, Self.isArchitecture(value) { return .systemType }
        if fieldCount == SystemInfoField.hotfixes.position, !hotfixesListed, value.first?.isNumber == true {
            return .hotfixes
        }
        return nil
    }

    /// Keeps `value` as `field`, read at `line`.
    mutating func set(_ field: SystemInfoField, value: String, line: Int) {
        switch field {
        case .hostName: if hostName == nil { hostName = value }
        case .osName: if osName == nil { osName = value }
        case .osVersion:
            if osVersion == nil, let parsed = WindowsVersion.systemInfo(value) {
                osVersion = parsed
                osVersionLine = line
            }
        case .osConfiguration:
            if domainController == nil { domainController = OSConfiguration.isDomainController(value) }
        case .systemType: if architecture == nil { architecture = value }
        case .hotfixes:
            hotfixesListed = true
            statedHotfixes = Self.leadingNumber(value)
        }
    }

    /// Reads one hotfix entry (`[01]: KB5022502`); entries that are not KB numbers (`[01]: File 1`) are ignored.
    mutating func addHotfix(_ entry: some StringProtocol, line: Int, file: String) {
        guard let kb = Self.hotfixKB(entry) else { return }
        addHotfix(kb: kb, line: line, file: file)
    }

    /// Keeps a hotfix entry's KB number (``hotfixKB(_:)``).
    mutating func addHotfix(kb: String, line: Int, file: String) {
        hotfixesListed = true
        if seenUpdates.insert(kb).inserted {
            updates.append(InstalledUpdate(kb: kb, source: EvidenceReference(file: file, line: line)))
        }
    }

    /// The host this report describes, or `nil` when it lacks a host name or both the OS version and the hotfixes.
    func machine(file: String) -> Machine? {
        guard let hostName, !hostName.isEmpty, osVersion != nil || hotfixesListed else { return nil }
        var system: OperatingSystem?
        if let osVersion {
            system = OperatingSystem(
                name: osName ?? "", version: osVersion.version, build: osVersion.build, architecture: architecture,
                servicePack: osVersion.servicePack)
        }
        return Machine(
            name: hostName, operatingSystem: system,
            operatingSystemSource: osVersionLine.map { EvidenceReference(file: file, line: $0) },
            installedUpdates: updates, updatesListed: hotfixesListed, domainController: domainController,
            sources: [EvidenceReference(file: file, line: line)])
    }

    /// Whether the list read is shorter than the report says, or holds an entry cut short: a file cut in its update
    /// list, whose updates cannot be taken as all the host has.
    var hotfixListCut: Bool {
        damagedHotfixEntries > 0 || (statedHotfixes.map { hotfixEntries < $0 } ?? false)
    }

    /// What a line of the hotfix list that is not a KB entry is: another entry (`[01]: File 1`), one cut short
    /// (`[01]: KB5`), or no entry at all.
    static func nonKBEntry(_ text: some StringProtocol) -> (entry: Bool, damaged: Bool) {
        let trimmed = text.trimming(" \t")
        guard trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") else { return (false, false) }
        let rest = trimmed[trimmed.index(after: close)...].trimming(" \t")
        guard rest.hasPrefix(":") else { return (false, false) }
        return (true, rest.dropFirst().trimming(" \t").lowercased().hasPrefix("kb"))
    }

    /// The number a value begins with (`208 Hotfix(s) Installed.` → 208), up to six digits, or `nil`.
    static func leadingNumber(_ value: some StringProtocol) -> Int? {
        let digits = value.trimming(" \t").prefix { $0.isASCII && $0.isNumber }
        guard (1...6).contains(digits.count) else { return nil }
        return Int(digits)
    }

    /// The KB number of an entry `[NN]: KB…` (or `[NN] : KB…`).
    static func hotfixKB(_ entry: some StringProtocol) -> String? {
        let text = entry.trimming(" \t")
        guard text.hasPrefix("["), let close = text.firstIndex(of: "]") else { return nil }
        let rest = text[text.index(after: close)...].trimming(" \t")
        guard rest.hasPrefix(":") else { return nil }
        return InstalledUpdate.normalisedKB(rest.dropFirst())
    }

    /// Whether `value` is a System Type value (`x64-based PC`, `X86-based PC`, `ARM64-based PC`), which Windows does
    /// not translate.
    static func isArchitecture(_ value: some StringProtocol) -> Bool {
        value.count < 40 && value.lowercased().hasSuffix("-based pc")
    }
}
