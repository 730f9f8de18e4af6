extension EvidenceInventory {
    /// Files of one format in one folder, counted together: a trust's 1,500 host inventories are one line of the
    /// report and the terminal, not 1,500 (each file is still in `assessment.json`).
    public struct Group: Sendable, Hashable {
        /// The folder, relative to the bundle (empty for the bundle's own folder).
        public var folder: String
        /// The format the files were read as.
        public var format: String
        /// How many files.
        public var files: Int
        /// Their total size in bytes.
        public var bytes: Int
        /// Records read from them.
        public var recordsRead: Int
        /// Records rejected.
        public var recordsRejected: Int
        /// Positions (in ``EvidenceInventory/files``) of the files with problems, always listed one by one.
        public var withProblems: [Int]

        /// Counts `file`, at `position` in the inventory, into the group; sizes add up saturating, never trapping.
        mutating func add(_ file: EvidenceFileSummary, at position: Int) {
            files += 1
            bytes = bytes.addingReportingOverflow(file.bytes).overflow ? .max : bytes + file.bytes
            recordsRead += file.recordsRead
            recordsRejected += file.recordsRejected
            if file.diagnosticCount > 0 { withProblems.append(position) }
        }
    }

    /// The files read, grouped by folder and format, in folder then format order.
    public var groups: [Group] {
        var byKey: [String: Group] = [:]
        for (position, file) in files.enumerated() {
            let folder = Self.folder(of: file.path)
            let empty = Group(
                folder: folder, format: file.format, files: 0, bytes: 0, recordsRead: 0, recordsRejected: 0,
                withProblems: [])
            byKey[folder + "\u{1F}" + file.format, default: empty].add(file, at: position)
        }
        return byKey.keys.sorted().compactMap { byKey[$0] }
    }

    /// The folder part of a bundle-relative path (`inventory/systeminfo` of `inventory/systeminfo/PC1.txt`).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}
