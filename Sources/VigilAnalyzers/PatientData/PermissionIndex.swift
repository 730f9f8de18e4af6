public import VigilCore

/// Grants by resource path, answering "who can read this file?" from the nearest path that has permissions: the file
/// itself (icacls /T lists every file, inherited entries marked) or, failing that, the closest folder above it, whose
/// inheritable entries the file receives.
public struct PermissionIndex: Sendable {
    private let grants: [String: [Grant]]

    public init(_ grants: [Grant]) {
        var byPath: [String: [Grant]] = [:]
        for grant in grants { byPath[Self.key(grant.resourceID), default: []].append(grant) }
        self.grants = byPath
    }

    /// Whether any permission evidence was given.
    public var isEmpty: Bool { grants.isEmpty }

    /// The grants that apply to `path` and the path they were found on; `nil` when no permission evidence covers it.
    public func grants(for path: String) -> (path: String, grants: [Grant])? {
        var key = Self.key(path)
        while !key.isEmpty {
            if let found = grants[key] { return (found[0].resourceID, found) }
            guard let slash = key.lastIndex(of: "\\") else { return nil }
            key = String(key[..<slash])
            if key.hasSuffix("\\") || key.isEmpty { return nil }
        }
        return nil
    }

    /// Paths compare without case and trailing separators, with `/` read as `\`, and a Win32 long-path prefix read as
    /// the path it stands for (`\\?\UNC\server\share` is `\\server\share`, `\\?\D:\x` is `D:\x`): access logs and
    /// scripts write both forms of the UNC paths the ACL exports list.
    static func key(_ path: String) -> String {
        var text = path.replacingOccurrences(of: "/", with: "\\").lowercased()
        if text.hasPrefix(#"\\?\unc\"#) {
            text = #"\\"# + text.dropFirst(8)
        } else if text.hasPrefix(#"\\?\"#), text.dropFirst(4).dropFirst().hasPrefix(":") {
            text.removeFirst(4)
        }
        while text.hasSuffix("\\"), text.count > 3 { text.removeLast() }
        return text
    }

    /// The broad group a principal stands for (`Everyone`, `Authenticated Users`, `Domain Users`, all local `Users`,
    /// anonymous or interactive logons), by name in English and the commonest localisations, or by SID; `nil` for a
    /// specific account or group.
    public static func broadGroup(_ principal: String) -> String? {
        let lower = principal.lowercased()
        let name = lower.split(separator: "\\").last.map(String.init) ?? lower
        if lower == "everyone" || lower == "s-1-1-0" || lower == "jeder" || lower == "tout le monde" || lower == "todos"
        {
            return "Everyone"
        }
        if name == "authenticated users" || lower == "s-1-5-11" || name == "authentifizierte benutzer"
            || name == "utilisateurs authentifiés"
        {
            return "Authenticated Users"
        }
        if name == "domain users" || name == "domänen-benutzer" || name == "utilisateurs du domaine"
            || (lower.hasPrefix("s-1-5-21-") && lower.hasSuffix("-513"))
        {
            return "Domain Users"
        }
        if lower == "builtin\\users" || lower == "s-1-5-32-545" || lower == "vordefiniert\\benutzer"
            || lower == "builtin\\utilisateurs"
        {
            return "Users (every local and domain user)"
        }
        if name == "anonymous logon" || lower == "s-1-5-7" { return "Anonymous Logon" }
        if lower == "nt authority\\interactive" || lower == "s-1-5-4" { return "Interactive (anyone logged on)" }
        return nil
    }
}

extension String {
    /// The string with every `target` replaced (Core-free helper).
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
