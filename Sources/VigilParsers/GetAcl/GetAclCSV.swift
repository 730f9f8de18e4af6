import VigilCore
import VigilIO

extension GetAclReader {
    /// `Export-Csv` of Get-Acl's descriptors or of their rules: a header, then one record per path or per rule. Quoted
    /// fields may hold commas, doubled quotes and line breaks (`AccessToString` puts one rule per line).
    struct CSVForm {
        private var records = CSVRecordReader(dialect: CSVDialect(quoting: .anywhere))
        private var header: Header?

        /// Reads one line of the file.
        mutating func consume(_ line: LineReader.Line, into output: inout GetAclOutput) {
            if line.isOverlong {
                output.log.reject(line: line.number, code: "getacl.line-too-long", "line longer than 1 MiB")
                return
            }
            if header == nil, line.bytes.starts(with: "#TYPE".utf8) { return }
            switch records.add(line.bytes, line: line.number) {
            case .pending, .malformed:  // never malformed: quotes are read leniently
                return
            case .overlong(let start):
                output.log.reject(line: start, code: "getacl.record-too-long", "record longer than 1 MiB; skipped")
            case .record(let start):
                let fields = records.fields()
                guard let known = header else {
                    header = Header(fields)
                    if header == nil {
                        output.log.reject(
                            line: start, code: "getacl.no-header",
                            "expected a header with Path and Sddl, AccessToString or IdentityReference")
                    }
                    return
                }
                if fields.count == 1, fields[0].isEmpty { return }
                known.read(fields, line: start, into: &output)
            }
        }

        /// Reports a quoted field left open at the end of the file.
        func finish(into output: inout GetAclOutput) {
            if records.isOpen {
                output.log.reject(
                    line: records.startLine, code: "getacl.unterminated", "a quoted field is never closed")
            }
        }
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

        /// Reads one row into `output`.
        func read(_ fields: [String], line: Int, into output: inout GetAclOutput) {
            func field(_ index: Int?) -> String? { index.flatMap { $0 < fields.count ? fields[$0] : nil } }
            guard let named = field(self.path), !named.isEmpty else {
                output.log.reject(line: line, code: "getacl.no-path", "a row without a path")
                return
            }
            guard let path = output.fileSystemPath(named, line: line) else { return }
            var rules: [Rule] = []
            var parsed = false
            let cut = field(self.sddl).map(GetAclReader.sddlIsCut) ?? false
            if cut { output.cutSddl.add(line) }
            if let sddl = field(self.sddl), !sddl.isEmpty, !(cut && field(accessText)?.isEmpty == false) {
                parsed = true
                rules = GetAclReader.rules(sddl: sddl, uninterpreted: &output.uninterpreted)
            } else if let text = field(accessText), !text.isEmpty {
                parsed = true
                rules = GetAclReader.rules(
                    accessLines: text.split(separator: "\n"), uninterpreted: &output.uninterpreted)
            } else if let identity = field(self.identity), let rights = field(self.rights) {
                parsed = true
                let deny = field(type)?.lowercased() == "deny"
                if let right = AccessRights.fileSystemRights(rights, deny: deny) {
                    let scope = field(inheritance).map {
                        AccessRights.dotNetScope(inheritance: $0, propagation: field(propagation))
                    }
                    rules.append(
                        Rule(
                            principal: identity, right: right,
                            access: deny ? .deny : .allow,
                            inherited: field(isInherited)?.lowercased() == "true", scope: scope))
                } else if !AccessRights.isKnown(fileSystemRights: rights) {
                    output.uninterpreted += 1
                }
            }
            guard parsed else {
                output.log.reject(line: line, code: "getacl.no-rules", "a row without Sddl, AccessToString or a rule")
                return
            }
            output.add(path: path, rules: rules, line: line)
        }

    }
}
