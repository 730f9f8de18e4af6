import VigilCore

/// Windows access rights as ACL exports write them, reduced to the rights Vigil reasons about.
enum AccessRights {
    /// The grant an icacls permission list confers (`(OI)(CI)(RX)`, `(I)(F)`, `(RD,WD,AD)`), or `nil` for none (`N`,
    /// or rights that neither read nor write data such as `(D)`, `(RA)` or `(X)` alone).
    /// Rights that read data along with rights that write it (`(RD,WD)`) come out as `modify`, so that whether an
    /// entry reads never hides behind a stronger-ranked write. Changing the permissions or the owner (`WDAC`, `WO`)
    /// is full control: whoever holds it can grant themselves the rest.
    static func icacls(_ groups: [Substring]) -> Grant.Right? {
        // Denying the right to change permissions or the owner blocks neither reading nor writing data.
        let deny = groups.contains { $0.uppercased() == "DENY" }
        var effects: [Grant.Right] = []
        for group in groups {
            for token in group.split(separator: ",") {
                switch token.uppercased() {
                case "F", "GA": effects.append(.fullControl)
                case "WDAC", "WO": if !deny { effects.append(.fullControl) }
                case "M": effects.append(.modify)
                case "W", "WD", "AD", "GW": effects.append(.write)
                case "RX", "R", "RD", "GR": effects.append(.read)
                default: break
                }
            }
        }
        return strongest(effects)
    }

    /// Tokens icacls writes inside parentheses that Vigil knows: inheritance flags, `DENY`, `N` (no access) and the
    /// simple and specific rights.
    static let icaclsTokens: Set<String> = [
        "OI", "CI", "IO", "NP", "I", "DENY", "N", "F", "M", "RX", "R", "W", "D", "DE", "RC", "WDAC", "WO", "S", "AS",
        "MA", "GR", "GW", "GE", "GA", "RD", "WD", "AD", "REA", "WEA", "X", "DC", "RA", "WA",
    ]

    /// Whether an icacls permission list holds a token Vigil does not know (so its effect is reported, not guessed).
    static func icaclsUninterpretable(_ groups: [Substring]) -> Bool {
        groups.contains { group in group.split(separator: ",").contains { !icaclsTokens.contains($0.uppercased()) } }
    }

    /// Where an icacls entry applies, from its `(OI)(CI)(IO)(NP)` flags.
    static func icaclsScope(_ groups: [Substring]) -> Grant.Scope {
        Grant.Scope(
            object: !groups.contains("IO"), files: groups.contains("OI"), folders: groups.contains("CI"),
            childrenOnly: groups.contains("NP"))
    }

    /// Where an SDDL entry applies, from its flags (`OICIIONPID`, two letters each).
    static func sddlScope(_ flags: Substring) -> (scope: Grant.Scope, inherited: Bool) {
        var set: Set<Substring> = []
        var index = flags.startIndex
        while index < flags.endIndex {
            let end = flags.index(index, offsetBy: 2, limitedBy: flags.endIndex) ?? flags.endIndex
            set.insert(flags[index..<end])
            index = end
        }
        return (
            Grant.Scope(
                object: !set.contains("IO"), files: set.contains("OI"), folders: set.contains("CI"),
                childrenOnly: set.contains("NP")),
            set.contains("ID")
        )
    }

    /// Where a Get-Acl rule applies, from its `InheritanceFlags` and `PropagationFlags` columns.
    static func dotNetScope(inheritance: String, propagation: String?) -> Grant.Scope {
        let propagation = propagation ?? ""
        return Grant.Scope(
            object: !propagation.contains("InheritOnly"), files: inheritance.contains("ObjectInherit"),
            folders: inheritance.contains("ContainerInherit"), childrenOnly: propagation.contains("NoPropagateInherit"))
    }

    /// The grant of a .NET `FileSystemRights` value as `Get-Acl` writes it: names (`ReadAndExecute, Synchronize`) or a
    /// number (`268435456`, `-1610612736`). `nil` when it confers neither reading nor writing data; ``isKnown(fileSystemRights:)``
    /// tells that apart from rights Vigil does not know.
    static func fileSystemRights(_ text: String, deny: Bool = false) -> Grant.Right? {
        if let number = Int64(text.trimming(" ")) { return mask(UInt32(truncatingIfNeeded: number), deny: deny) }
        let names = text.split(separator: ",").map { $0.trimming(" ").lowercased() }
        return strongest(
            names.compactMap { name in
                // Denying permission or ownership changes blocks neither reading nor writing data.
                if deny, name == "changepermissions" || name == "takeownership" { return nil }
                return dotNetRights[name] ?? nil
            })
    }

    /// Whether every name in a `FileSystemRights` value is one Vigil knows (numbers always are); an empty value is not
    /// (a rule whose rights were lost, such as a wrapped line that was not copied).
    static func isKnown(fileSystemRights text: String) -> Bool {
        let trimmed = text.trimming(" ")
        guard !trimmed.isEmpty else { return false }
        return Int64(trimmed) != nil
            || text.split(separator: ",").allSatisfy { dotNetRights[$0.trimming(" ").lowercased()] != nil }
    }

    /// .NET `FileSystemRights` names by what they confer (`.some(nil)`: known, neither reads nor writes data).
    private static let dotNetRights: [String: Grant.Right?] = [
        "fullcontrol": .fullControl, "changepermissions": .fullControl, "takeownership": .fullControl,
        "modify": .modify, "write": .write, "writedata": .write, "appenddata": .write, "createfiles": .write,
        "createdirectories": .write, "read": .read, "readandexecute": .read, "readdata": .read, "listdirectory": .read,
        "executefile": nil, "traverse": nil, "readextendedattributes": nil, "writeextendedattributes": nil,
        "deletesubdirectoriesandfiles": nil, "readattributes": nil, "writeattributes": nil, "delete": nil,
        "readpermissions": nil, "synchronize": nil,
    ]

    /// The grant of an access mask (SDDL hex rights, numeric `FileSystemRights`): reading data is `ReadData`
    /// (`0x1`, also listing a folder) or `GENERIC_READ`; writing is `WriteData`, `AppendData` or `GENERIC_WRITE`;
    /// `GENERIC_ALL`, `WRITE_DAC` or `WRITE_OWNER` is full control. Execute, attributes and `READ_CONTROL` confer
    /// neither.
    static func mask(_ value: UInt32, deny: Bool = false) -> Grant.Right? {
        // WRITE_DAC and WRITE_OWNER are full control to whoever is allowed them; denied, they block no data access.
        if value & 0x1000_0000 != 0 || (!deny && value & 0xC_0000 != 0) { return .fullControl }
        if value & 0x1301BF == 0x1301BF { return .modify }
        let reads = value & 0x8000_0000 != 0 || value & 0x1 != 0
        let writes = value & 0x4000_0000 != 0 || value & 0x2 != 0 || value & 0x4 != 0
        return strongest((reads ? [.read] : []) + (writes ? [.write] : []))
    }

    /// The grant of SDDL rights (`FA`, `FR`, `0x1200a9`, `GRGX`, `CCDCLC`), `nil` when they confer neither reading nor
    /// writing data; ``isKnown(sddl:)`` tells that apart from rights Vigil does not know. On files and folders the
    /// directory-service aliases name file rights by their bit: `CC` is `ReadData`, `DC` `WriteData`, `LC`
    /// `AppendData`, `WD` and `WO` changing the permissions and the owner; the rest (`SW`, `RP`, `WP`, `DT`, `LO`,
    /// `CR`, `SD`, `RC`, and execute `FX`/`GX`) neither read nor write data.
    static func sddl(_ text: Substring, deny: Bool = false) -> Grant.Right? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            return UInt32(text.dropFirst(2), radix: 16).flatMap { mask($0, deny: deny) }
        }
        return strongest(
            sddlTokens(text).compactMap { token in
                if deny, token == "WD" || token == "WO" { return nil }
                return sddlRights[token] ?? nil
            })
    }

    /// Whether SDDL rights are hex or made only of aliases Vigil knows.
    static func isKnown(sddl text: Substring) -> Bool {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt32(text.dropFirst(2), radix: 16) != nil }
        return !text.isEmpty && sddlTokens(text).allSatisfy { sddlRights[$0] != nil }
    }

    /// SDDL right aliases on files and folders by what they confer (`.some(nil)`: known, neither reads nor writes).
    private static let sddlRights: [Substring: Grant.Right?] = [
        "FA": .fullControl, "GA": .fullControl, "WD": .fullControl, "WO": .fullControl, "FW": .write, "GW": .write,
        "DC": .write, "LC": .write, "FR": .read, "GR": .read, "CC": .read, "FX": nil, "GX": nil, "SW": nil, "RP": nil,
        "WP": nil, "DT": nil, "LO": nil, "CR": nil, "SD": nil, "RC": nil,
    ]

    /// The two-letter aliases of SDDL rights.
    private static func sddlTokens(_ text: Substring) -> [Substring] {
        var tokens: [Substring] = []
        var index = text.startIndex
        while index < text.endIndex {
            let end = text.index(index, offsetBy: 2, limitedBy: text.endIndex) ?? text.endIndex
            tokens.append(text[index..<end])
            index = end
        }
        return tokens
    }

    /// The strongest of `rights`, with reading and writing together as `modify`; `nil` for none.
    static func strongest(_ rights: [Grant.Right]) -> Grant.Right? {
        guard var best = rights.first else { return nil }
        for right in rights.dropFirst() where rank(right) > rank(best) { best = right }
        return best == .write && rights.contains(.read) ? .modify : best
    }

    static func rank(_ right: Grant.Right) -> Int {
        switch right {
        case .read: 0
        case .write: 1
        case .modify: 2
        case .fullControl: 3
        }
    }

    /// Principals SDDL writes as two-letter aliases, by their usual names.
    static let sddlAliases: [String: String] = [
        "WD": "Everyone", "AU": "NT AUTHORITY\\Authenticated Users", "AN": "NT AUTHORITY\\ANONYMOUS LOGON",
        "BU": "BUILTIN\\Users", "BA": "BUILTIN\\Administrators", "SY": "NT AUTHORITY\\SYSTEM",
        "DU": "Domain Users", "DA": "Domain Admins", "DC": "Domain Computers", "CO": "CREATOR OWNER",
        "CG": "CREATOR GROUP", "IU": "NT AUTHORITY\\INTERACTIVE", "NU": "NT AUTHORITY\\NETWORK",
        "BG": "BUILTIN\\Guests", "PU": "BUILTIN\\Power Users", "SO": "BUILTIN\\Server Operators",
        "BO": "BUILTIN\\Backup Operators", "EA": "Enterprise Admins", "LS": "NT AUTHORITY\\LOCAL SERVICE",
        "NS": "NT AUTHORITY\\NETWORK SERVICE", "PS": "NT AUTHORITY\\SELF", "OW": "OWNER RIGHTS",
        "AC": "APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES", "RD": "BUILTIN\\Remote Desktop Users",
        "RU": "BUILTIN\\Pre-Windows 2000 Compatible Access", "LA": "Administrator", "LG": "Guest",
        "DG": "Domain Guests", "DD": "Domain Controllers", "ED": "NT AUTHORITY\\ENTERPRISE DOMAIN CONTROLLERS",
        "SA": "Schema Admins", "CA": "Cert Publishers", "AO": "BUILTIN\\Account Operators",
        "PO": "BUILTIN\\Print Operators", "RE": "BUILTIN\\Replicator", "IS": "BUILTIN\\IIS_IUSRS",
        "RM": "BUILTIN\\Remote Management Users", "SU": "NT AUTHORITY\\SERVICE", "RC": "NT AUTHORITY\\RESTRICTED",
        "WR": "NT AUTHORITY\\WRITE RESTRICTED", "NO": "BUILTIN\\Network Configuration Operators",
        "MU": "BUILTIN\\Performance Monitor Users", "LU": "BUILTIN\\Performance Log Users",
        "ER": "BUILTIN\\Event Log Readers", "CY": "BUILTIN\\Cryptographic Operators",
    ]
}

extension Resource {
    /// A resource for a file-system path from an ACL export: a share when it is `\\server\share`, a folder when its
    /// permissions are inherited by children or it has no extension, otherwise a file.
    static func fileSystem(path: String, inheritable: Bool, source: EvidenceReference) -> Resource {
        let trimmed = path.hasSuffix("\\") && path.count > 3 ? String(path.dropLast()) : path
        let parts = trimmed.split(separator: "\\", omittingEmptySubsequences: true)
        let name = parts.last.map(String.init) ?? trimmed
        var host: String?
        var kind: Resource.Kind = inheritable || !name.contains(".") ? .folder : .file
        if trimmed.hasPrefix("\\\\"), let server = parts.first {
            host = String(server)
            if parts.count == 2 { kind = .share }
        }
        return Resource(id: trimmed, name: name, kind: kind, classification: .unclassified, host: host, source: source)
    }
}

extension StringProtocol {
    /// The text without leading and trailing `characters`.
    func trimming(_ characters: String) -> String {
        // Index by index: `dropLast()` on a substring measured its length each time, so trimming a padded field was
        // quadratic in its length (a 64 KiB run of spaces took seconds, found by fuzzing).
        let set = Set(characters)
        var start = startIndex
        var end = endIndex
        while start < end, set.contains(self[start]) { start = index(after: start) }
        while end > start {
            let last = index(before: end)
            guard set.contains(self[last]) else { break }
            end = last
        }
        return String(self[start..<end])
    }
}
