import VigilCore

extension GetAclReader {
    /// One access rule of a path, before it becomes a grant.
    struct Rule {
        var principal: String
        var right: Grant.Right
        var access: Grant.Access
        var inherited: Bool
        var scope: Grant.Scope?
    }

    /// The rules of an SDDL string's DACL (`O:BAG:DUD:AI(A;OICI;0x1200a9;;;DU)(A;OICIID;FA;;;SY)`), keeping deny,
    /// inheritance and where each applies; `uninterpreted` counts entries whose rights Vigil does not know.
    static func rules(sddl: some StringProtocol, uninterpreted: inout Int) -> [Rule] {
        var rules: [Rule] = []
        for ace in sddlEntries(String(sddl)) {
            guard let right = ace.right else {
                if !ace.known { uninterpreted += 1 }
                continue
            }
            rules.append(
                Rule(
                    principal: ace.principal, right: right, access: ace.deny ? .deny : .allow,
                    inherited: ace.inherited, scope: ace.scope))
        }
        return rules
    }

    /// The rules of `AccessToString` lines (`NHSTRUST\Domain Users Allow  ReadAndExecute, Synchronize`), which state
    /// neither inheritance nor where a rule applies.
    static func rules(accessLines: some Sequence<some StringProtocol>, uninterpreted: inout Int) -> [Rule] {
        var rules: [Rule] = []
        for entry in accessLines {
            let words = entry.split(separator: " ", omittingEmptySubsequences: false)
            guard let verb = words.lastIndex(where: { $0 == "Allow" || $0 == "Deny" }), verb > 0 else {
                uninterpreted += 1
                continue
            }
            let principal = words[..<verb].joined(separator: " ")
            let rights = words[(verb + 1)...].joined(separator: " ")
            guard let right = AccessRights.fileSystemRights(rights, deny: words[verb] == "Deny") else {
                if !AccessRights.isKnown(fileSystemRights: rights) { uninterpreted += 1 }
                continue
            }
            rules.append(
                Rule(
                    principal: principal, right: right, access: words[verb] == "Deny" ? .deny : .allow,
                    inherited: false, scope: nil))
        }
        return rules
    }

    /// The access entries of an SDDL string's DACL (`D:PAI(A;OICI;FA;;;BA)(A;;0x1200a9;;;S-1-5-21-…-513)`).
    static func sddlEntries(_ sddl: String) -> [(
        principal: String, right: Grant.Right?, known: Bool, deny: Bool, inherited: Bool, scope: Grant.Scope
    )] {
        guard var rest = dacl(of: sddl[...]) else { return [] }
        var entries: [(String, Grant.Right?, Bool, Bool, Bool, Grant.Scope)] = []
        // A null DACL (no list at all) lets everyone do everything: the opposite of an empty one.
        if rest.prefix(while: { $0 != "(" }).contains("NO_ACCESS_CONTROL") {
            return [
                ("Everyone", .fullControl, true, false, false, Grant.Scope(object: true, files: true, folders: true))
            ]
        }
        while let open = rest.firstIndex(of: "("), let close = rest[open...].firstIndex(of: ")") {
            let parts = rest[rest.index(after: open)..<close].split(separator: ";", omittingEmptySubsequences: false)
            rest = rest[rest.index(after: close)...]
            guard parts.count >= 6 else { continue }
            let type = parts[0]
            guard type == "A" || type == "D" || type == "OA" || type == "OD" else { continue }
            let trustee = String(parts[5])
            let principal = AccessRights.sddlAliases[trustee] ?? trustee
            let flags = AccessRights.sddlScope(parts[1])
            entries.append(
                (
                    principal, AccessRights.sddl(parts[2], deny: type.hasSuffix("D")),
                    AccessRights.isKnown(sddl: parts[2]),
                    type.hasSuffix("D"),
                    flags.inherited, flags.scope
                ))
        }
        return entries
    }

    /// Whether the DACL of `sddl` ends inside an entry (`…(A;;0x1200a9;;;DU` with no `)`): a value cut short, whose
    /// last entry cannot be read.
    static func sddlIsCut(_ sddl: String) -> Bool {
        guard let rest = dacl(of: sddl[...]), let open = rest.lastIndex(of: "(") else { return false }
        return !rest[open...].contains(")")
    }

    /// The DACL part of an SDDL string: after `D:`, up to the SACL (`S:`) if one follows.
    private static func dacl(of sddl: Substring) -> Substring? {
        guard let start = sddl.range(of: "D:") else { return nil }
        let rest = sddl[start.upperBound...]
        return rest.range(of: "S:").map { rest[..<$0.lowerBound] } ?? rest
    }
}
