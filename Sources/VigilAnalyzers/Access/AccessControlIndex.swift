public import VigilCore

/// The access control list that applies to each path, as the ACL exports state it.
///
/// A path the export lists has exactly the entries listed (icacls `/T` and `Get-ChildItem -Recurse | Get-Acl` list
/// inherited entries with each object, and a protected object lists none), minus inherit-only ones. A path it does not
/// list (a file the scan found below a folder the export stopped at) receives from the nearest listed folder above it
/// the entries that folder passes down: object-inherit ones to files, container-inherit ones to folders, and
/// no-propagate ones only one level down. Entries whose inheritance the export does not state (Get-Acl's
/// `AccessToString`) are not passed down, and the result says how many were held back: reported, never guessed.
public struct AccessControlIndex: Sendable {
    /// The entries that decide who can read one path.
    public struct Entries: Sendable {
        /// The path whose listing they come from (the path itself, or the folder above it they were inherited from).
        public var listedPath: String
        /// The entries, explicit and inherited, allow and deny.
        public var grants: [Grant]
        /// Entries on the listed folder whose inheritance the export does not state, left out.
        public var heldBack: Int
    }

    private let byPath: [String: [Grant]]

    /// Indexes `grants` by path. `listed` are the paths the exports listed (their resources): one listed without any
    /// entry has an empty ACL (nobody can read it), which is not the same as a path the export did not reach.
    public init(_ grants: [Grant], listed: [String] = []) {
        var byPath: [String: [Grant]] = [:]
        for grant in grants { byPath[Self.key(grant.resourceID), default: []].append(grant) }
        var empty: [String: String] = [:]
        for path in listed where byPath[Self.key(path)] == nil { empty[Self.key(path)] = path }
        self.byPath = byPath
        emptyPaths = empty
    }

    private let emptyPaths: [String: String]

    /// Whether any permission evidence was given.
    public var isEmpty: Bool { byPath.isEmpty }

    /// The entries that apply to `path` (a file unless `isFolder`), or `nil` when no listed path covers it.
    public func entries(for path: String, isFolder: Bool = false) -> Entries? {
        let key = Self.key(path)
        if let listed = emptyPaths[key] { return Entries(listedPath: listed, grants: [], heldBack: 0) }
        if let listed = byPath[key] {
            return Entries(
                listedPath: listed[0].resourceID, grants: listed.filter { $0.appliesTo?.object != false },
                heldBack: 0)
        }
        var parent = key
        var levels = 0
        while let slash = parent.lastIndex(of: "\\") {
            parent = String(parent[..<slash])
            levels += 1
            if parent.isEmpty || parent.hasSuffix("\\") { return nil }
            if let listed = emptyPaths[parent] { return Entries(listedPath: listed, grants: [], heldBack: 0) }
            guard let listed = byPath[parent] else { continue }
            var passed: [Grant] = []
            var heldBack = 0
            for grant in listed {
                guard let scope = grant.appliesTo else {
                    heldBack += 1
                    continue
                }
                guard isFolder ? scope.folders : scope.files, !scope.childrenOnly || levels == 1 else { continue }
                var inherited = grant
                inherited.inherited = true
                inherited.appliesTo = Grant.Scope(object: true, files: false, folders: false)
                passed.append(inherited)
            }
            return Entries(listedPath: listed[0].resourceID, grants: passed, heldBack: heldBack)
        }
        return nil
    }

    /// The explicit entry an inherited `grant` most likely came from: the nearest folder above its path holding an
    /// explicit allow entry for the same principal. `grant` itself when it is explicit or no such folder is listed.
    public func origin(of grant: Grant) -> Grant {
        guard grant.inherited else { return grant }
        let principal = grant.principal.lowercased()
        var parent = Self.key(grant.resourceID)
        while let slash = parent.lastIndex(of: "\\") {
            parent = String(parent[..<slash])
            if parent.isEmpty || parent.hasSuffix("\\") { break }
            if let found = byPath[parent]?.first(where: {
                !$0.inherited && $0.access == grant.access && $0.principal.lowercased() == principal
            }) {
                return found
            }
        }
        return grant
    }

    /// Paths compare without case and trailing separators, with `/` read as `\`.
    static func key(_ path: String) -> String {
        PermissionIndex.key(path)
    }
}
