import VigilCore

/// Windows access rights as ACL exports write them, reduced to the rights Vigil reasons about.
enum AccessRights {
    /// The grant an icacls permission list confers (`(OI)(CI)(RX)`, `(I)(F)`, `(RD,WD,AD)`), or `nil` for none (`N`,
    /// or rights that neither read nor write data such as `(D)` alone).
    /// Rights that read data along with rights that write it (`(RD,WD)`) come out as `modify`, so that whether an
    /// entry reads never hides behind a stronger-ranked write.
    static func icacls(_ groups: [Substring]) -> Grant.Right? {
        var best: Grant.Right?
        var reads = false
        func raise(_ right: Grant.Right) {
            if right == .read { reads = true }
            if best == nil || Self.rank(right) > Self.rank(best!) { best = right }
        }
        for group in groups {
            for token in group.split(separator: ",") {
                switch token.uppercased() {
                case "F", "GA": raise(.fullControl)
                case "M": raise(.modify)
                case "W", "WD", "AD", "GW", "WA", "WEA": raise(.write)
                case "RX", "R", "RD", "GR", "GE", "X", "RA", "REA", "RC": raise(.read)
                default: break
                }
            }
        }
        return best == .write && reads ? .modify : best
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
    /// number (`268435456`, `-1610612736`).
    static func fileSystemRights(_ text: String) -> Grant.Right? {
        if let number = Int64(text.trimming(" ")) { return mask(UInt32(truncatingIfNeeded: number)) }
        var best: Grant.Right?
        var reads = false
        for name in text.split(separator: ",") {
            let right: Grant.Right? =
                switch name.trimming(" ").lowercased() {
                case "fullcontrol": .fullControl
                case "modify": .modify
                case "write", "writedata", "appenddata", "createfiles", "createdirectories": .write
                case "read", "readandexecute", "readdata", "listdirectory", "executefile", "traverse": .read
                default: nil
                }
            if right == .read { reads = true }
            if let right, best == nil || rank(right) > rank(best!) { best = right }
        }
        return best == .write && reads ? .modify : best
    }

    /// The grant of an access mask (SDDL hex rights, numeric `FileSystemRights`).
    static func mask(_ value: UInt32) -> Grant.Right? {
        if value & 0x1000_0000 != 0 || value & 0x1F01FF == 0x1F01FF { return .fullControl }
        if value & 0x1301BF == 0x1301BF { return .modify }
        let reads = value & 0x8000_0000 != 0 || value & 0x2000_0000 != 0 || value & 0x1 != 0
        let writes = value & 0x4000_0000 != 0 || value & 0x2 != 0 || value & 0x4 != 0
        if reads, writes { return .modify }
        if writes { return .write }
        return reads ? .read : nil
    }

    /// The grant of SDDL rights (`FA`, `FR`, `0x1200a9`, `GRGX`).
    static func sddl(_ text: Substring) -> Grant.Right? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt32(text.dropFirst(2), radix: 16).flatMap(mask) }
        var best: Grant.Right?
        var reads = false
        var index = text.startIndex
        while index < text.endIndex {
            let end = text.index(index, offsetBy: 2, limitedBy: text.endIndex) ?? text.endIndex
            let right: Grant.Right? =
                switch text[index..<end] {
                case "FA", "GA": .fullControl
                case "FW", "GW", "WD", "AD", "WP": .write
                case "FR", "GR", "FX", "GX", "RC", "RP", "CC", "LC": .read
                default: nil
                }
            if right == .read { reads = true }
            if let right, best == nil || rank(right) > rank(best!) { best = right }
            index = end
        }
        return best == .write && reads ? .modify : best
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
