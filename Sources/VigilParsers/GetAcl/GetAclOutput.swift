import VigilCore

/// What a Get-Acl export has yielded so far, whichever shape it is in.
struct GetAclOutput {
    let file: String
    var fragment: EvidenceFragment
    var log: DiagnosticLog
    /// Resource ids (lower-cased) already added: a path is one resource however many records name it.
    var seen: Set<String> = []
    /// Rules whose rights Vigil does not know.
    var uninterpreted = 0
    /// Records of another provider than the file system (registry keys, Active Directory objects, certificates).
    var otherProvider = LineTally()
    /// Records whose `Sddl` ends inside an entry (cut short).
    var cutSddl = LineTally()

    init(file: String) {
        self.file = file
        fragment = EvidenceFragment(file: file)
        log = fragment.log
    }

    /// The file-system path a record names (PowerShell writes `Microsoft.PowerShell.Core\FileSystem::D:\…`), or `nil`
    /// for a registry key or another provider's item, which is counted and left out.
    mutating func fileSystemPath(_ raw: String, line: Int) -> String? {
        guard let marker = raw.range(of: "::") else { return raw }
        guard raw[..<marker.lowerBound].hasSuffix("FileSystem") else {
            otherProvider.add(line)
            return nil
        }
        return String(raw[marker.upperBound...])
    }

    /// Adds the record at `line`: the file-system path (once, however many records name it) and a grant per rule.
    mutating func add(path: String, rules: [GetAclReader.Rule], line: Int) {
        let source = EvidenceReference(file: file, line: line)
        let resource = Resource.fileSystem(
            path: path, inheritable: rules.contains { $0.scope?.inheritable == true }, source: source)
        if seen.insert(resource.id.lowercased()).inserted { fragment.resources.append(resource) }
        for rule in rules {
            fragment.grants.append(
                Grant(
                    resourceID: resource.id, principal: rule.principal, right: rule.right, access: rule.access,
                    inherited: rule.inherited, appliesTo: rule.scope, source: source))
        }
        log.recordsRead += 1
    }

    /// The fragment with its diagnostics, the counted ones summarised.
    mutating func finish() -> EvidenceFragment {
        if uninterpreted > 0 {
            log.warn(
                line: nil, code: "getacl.uninterpreted",
                "\(uninterpreted) access rule\(uninterpreted == 1 ? " holds" : "s hold") rights Vigil does not know; \(uninterpreted == 1 ? "it was" : "they were") left out of who can read"
            )
        }
        if let first = otherProvider.first {
            log.warn(
                line: first, code: "getacl.not-file-system",
                "\(otherProvider.count == 1 ? "1 record names" : "\(otherProvider.count) records name") a registry key or another provider's item, not a file or folder; left out"
            )
        }
        if let first = cutSddl.first {
            log.warn(
                line: first, code: "getacl.sddl-cut",
                "\(cutSddl.count == 1 ? "1 Sddl value ends" : "\(cutSddl.count) Sddl values end") inside an entry, cut short (first here): where Access or AccessToString was given it was read instead, otherwise the last entry is left out; export again"
            )
        }
        fragment.log = log
        return fragment
    }
}
