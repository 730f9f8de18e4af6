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
    }

    /// The files read, grouped by folder and format, in folder then format order.
    public var groups: [Group] {
        var byKey: [String: Group] = [:]
        var order: [String] = []
        for (position, file) in files.enumerated() {
            let folder = Self.folder(of: file.path)
            let key = folder + "\u{1F}" + file.format
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = Group(
                    folder: folder, format: file.format, files: 0, bytes: 0, recordsRead: 0, recordsRejected: 0,
                    withProblems: [])
            }
            byKey[key]!.files += 1
            byKey[key]!.bytes = byKey[key]!.bytes.addingReportingOverflow(file.bytes).partialValue
            byKey[key]!.recordsRead += file.recordsRead
            byKey[key]!.recordsRejected += file.recordsRejected
            if file.diagnosticCount > 0 { byKey[key]!.withProblems.append(position) }
        }
        return order.sorted().compactMap { byKey[$0] }
    }

    /// The folder part of a bundle-relative path (`inventory/systeminfo` of `inventory/systeminfo/PC1.txt`).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}
