import VigilCore
import VigilIO

/// Reads PowerShell `Get-Acl` exports (`Export-Csv`) into resources and grants, in either shape people produce:
///
/// - the security descriptors themselves (`Get-ChildItem -Recurse | Get-Acl | Export-Csv`): a `Path` column
///   (`Microsoft.PowerShell.Core\FileSystem::D:\Shares\…`) with `Sddl` (preferred: language-independent, with SIDs) or
///   `AccessToString` (`NHSTRUST\Domain Users Allow  ReadAndExecute, Synchronize`, one rule per line);
/// - one row per access rule (`(Get-Acl $p).Access | Select-Object Path, IdentityReference, FileSystemRights,
///   AccessControlType, …`).
///
/// Windows PowerShell's `#TYPE` first line is skipped. Deny rules, inheritance (`ID`, `IsInherited`) and where a rule
/// applies (SDDL flags, `InheritanceFlags`, `PropagationFlags`) are kept on the grants; `AccessToString` says neither,
/// so its grants have no scope. Rules with rights Vigil does not know are reported, never guessed.
public struct GetAclReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "get-acl",
        name: "NTFS permissions (PowerShell Get-Acl, Export-Csv)",
        producedBy:
            "Get-ChildItem D:\\Shares -Recurse | Get-Acl | Export-Csv acl.csv -NoTypeInformation   (or one row per rule: ForEach-Object { $p = $_.FullName; (Get-Acl $p).Access | Select-Object @{n='Path';e={$p}}, IdentityReference, FileSystemRights, AccessControlType, IsInherited } | Export-Csv acl.csv -NoTypeInformation)"
    )

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        for line in sample.lines(limit: 3) where !line.hasPrefix("#TYPE") {
            guard let header = Header(line.split(separator: ",").map { String($0).trimming("\" ") }) else {
                return false
            }
            _ = header
            return true
        }
        return false
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        var log = fragment.log
        var records = CSVRecordReader(dialect: CSVDialect(quoting: .anywhere))
        var header: Header?
        var seen: Set<String> = []
        var uninterpreted = 0
        try LineReader(path: path, maxLineLength: 1 << 20).forEachLine(progress: progress) { line in
            if line.isOverlong {
                log.reject(line: line.number, code: "getacl.line-too-long", "line longer than 1 MiB")
                return
            }
            if header == nil, line.bytes.starts(with: "#TYPE".utf8) { return }
            switch records.add(line.bytes, line: line.number) {
            case .pending, .malformed:  // never malformed: quotes are read leniently
                return
            case .overlong(let start):
                log.reject(line: start, code: "getacl.record-too-long", "record longer than 1 MiB; skipped")
            case .record(let start):
                let fields = records.fields()
                guard let known = header else {
                    header = Header(fields)
                    if header == nil {
                        log.reject(
                            line: start, code: "getacl.no-header",
                            "expected a header with Path and Sddl, AccessToString or IdentityReference")
                    }
                    return
                }
                if fields.count == 1, fields[0].isEmpty { return }
                known.read(
                    fields, line: start, file: file, into: &fragment, seen: &seen, uninterpreted: &uninterpreted,
                    log: &log)
            }
        }
        if records.isOpen {
            log.reject(line: records.startLine, code: "getacl.unterminated", "a quoted field is never closed")
        }
        if uninterpreted > 0 {
            log.warn(
                line: nil, code: "getacl.uninterpreted",
                "\(uninterpreted) access rule\(uninterpreted == 1 ? " holds" : "s hold") rights Vigil does not know; \(uninterpreted == 1 ? "it was" : "they were") left out of who can read"
            )
        }
        fragment.log = log
        return fragment
    }

    /// One access rule of a row, before it becomes a grant.
    struct Rule {
        var principal: String
        var right: Grant.Right
        var access: Grant.Access
        var inherited: Bool
        var scope: Grant.Scope?
    }

    /// Column positions of the header.
    struct Header {
        var path: Int
        var sddl: Int?
        var accessText: Int?
        var identity: Int?
        var rights: Int?
        var type: Int?
        var inheritance: Int?
        var propagation: Int?
        var isInherited: Int?

        init?(_ names: [String]) {
            func column(_ name: String) -> Int? { names.firstIndex { $0.lowercased() == name.lowercased() } }
            guard let path = column("Path") ?? column("FullName") else { return nil }
            self.path = path
            sddl = column("Sddl")
            accessText = column("AccessToString")
            identity = column("IdentityReference")
            rights = column("FileSystemRights")
            type = column("AccessControlType")
            inheritance = column("InheritanceFlags")
            propagation = column("PropagationFlags")
            isInherited = column("IsInherited")
            guard sddl != nil || accessText != nil || (identity != nil && rights != nil) else { return nil }
        }

        func read(
            _ fields: [String], line: Int, file: String, into fragment: inout EvidenceFragment, seen: inout Set<String>,
            uninterpreted: inout Int, log: inout DiagnosticLog
        ) {
            func field(_ index: Int?) -> String? { index.flatMap { $0 < fields.count ? fields[$0] : nil } }
            guard var path = field(self.path), !path.isEmpty else {
                log.reject(line: line, code: "getacl.no-path", "a row without a path")
                return
            }
            if let marker = path.range(of: "::") { path = String(path[marker.upperBound...]) }
            var rules: [Rule] = []
            var parsed = false
            if let sddl = field(self.sddl), !sddl.isEmpty {
                parsed = true
                for ace in Self.sddlEntries(sddl) {
                    guard let right = ace.right else {
                        uninterpreted += 1
                        continue
                    }
                    rules.append(
                        Rule(
                            principal: ace.principal, right: right, access: ace.deny ? .deny : .allow,
                            inherited: ace.inherited, scope: ace.scope))
                }
            } else if let text = field(accessText), !text.isEmpty {
                parsed = true
                for entry in text.split(separator: "\n") {
                    let words = entry.split(separator: " ", omittingEmptySubsequences: false)
                    guard let verb = words.lastIndex(where: { $0 == "Allow" || $0 == "Deny" }), verb > 0 else {
                        uninterpreted += 1
                        continue
                    }
                    let principal = words[..<verb].joined(separator: " ")
                    let rights = words[(verb + 1)...].joined(separator: " ")
                    guard let right = AccessRights.fileSystemRights(rights) else {
                        uninterpreted += 1
                        continue
                    }
                    rules.append(
                        Rule(
                            principal: principal, right: right, access: words[verb] == "Deny" ? .deny : .allow,
                            inherited: false, scope: nil))
                }
            } else if let identity = field(self.identity), let rights = field(self.rights) {
                parsed = true
                if let right = AccessRights.fileSystemRights(rights) {
                    let scope = field(inheritance).map {
                        AccessRights.dotNetScope(inheritance: $0, propagation: field(propagation))
                    }
                    rules.append(
                        Rule(
                            principal: identity, right: right,
                            access: field(type)?.lowercased() == "deny" ? .deny : .allow,
                            inherited: field(isInherited)?.lowercased() == "true", scope: scope))
                } else {
                    uninterpreted += 1
                }
            }
            guard parsed else {
                log.reject(line: line, code: "getacl.no-rules", "a row without Sddl, AccessToString or a rule")
                return
            }
            let resource = Resource.fileSystem(
                path: path, inheritable: rules.contains { $0.scope?.inheritable == true },
                source: EvidenceReference(file: file, line: line))
            if seen.insert(resource.id.lowercased()).inserted { fragment.resources.append(resource) }
            for rule in rules {
                fragment.grants.append(
                    Grant(
                        resourceID: resource.id, principal: rule.principal, right: rule.right, access: rule.access,
                        inherited: rule.inherited, appliesTo: rule.scope,
                        source: EvidenceReference(file: file, line: line)))
            }
            log.recordsRead += 1
        }

        /// The access entries of an SDDL string's DACL (`D:PAI(A;OICI;FA;;;BA)(A;;0x1200a9;;;S-1-5-21-…-513)`).
        static func sddlEntries(_ sddl: String) -> [(
            principal: String, right: Grant.Right?, deny: Bool, inherited: Bool, scope: Grant.Scope
        )] {
            guard let dacl = sddl.range(of: "D:") else { return [] }
            var entries: [(String, Grant.Right?, Bool, Bool, Grant.Scope)] = []
            var rest = sddl[dacl.upperBound...]
            if let system = rest.range(of: "S:") { rest = rest[..<system.lowerBound] }
            while let open = rest.firstIndex(of: "("), let close = rest[open...].firstIndex(of: ")") {
                let parts = rest[rest.index(after: open)..<close].split(
                    separator: ";", omittingEmptySubsequences: false)
                rest = rest[rest.index(after: close)...]
                guard parts.count >= 6 else { continue }
                let type = parts[0]
                guard type == "A" || type == "D" || type == "OA" || type == "OD" else { continue }
                let trustee = String(parts[5])
                let principal = AccessRights.sddlAliases[trustee] ?? trustee
                let flags = AccessRights.sddlScope(parts[1])
                entries.append(
                    (principal, AccessRights.sddl(parts[2]), type.hasSuffix("D"), flags.inherited, flags.scope))
            }
            return entries
        }
    }
}
