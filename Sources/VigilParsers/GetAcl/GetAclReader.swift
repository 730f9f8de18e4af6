import VigilCore
import VigilIO

/// Reads PowerShell `Get-Acl` exports into resources and grants, in the shapes people produce:
///
/// - the security descriptors as CSV (`Get-ChildItem -Recurse | Get-Acl | Export-Csv`): a `Path` column
///   (`Microsoft.PowerShell.Core\FileSystem::D:\Shares\…`) with `Sddl` (preferred: language-independent, with SIDs) or
///   `AccessToString` (`NHSTRUST\Domain Users Allow  ReadAndExecute, Synchronize`, one rule per line);
/// - one CSV row per access rule (`(Get-Acl $p).Access | Select-Object Path, IdentityReference, FileSystemRights,
///   AccessControlType, …`);
/// - the same descriptors as a list (`Get-ChildItem -Recurse | Get-Acl | Format-List`), read by ``GetAclList``.
///
/// Windows PowerShell's `#TYPE` first line is skipped, and so are a prompt or notes before the output. Deny rules,
/// inheritance (`ID`, `IsInherited`) and where a rule applies (SDDL flags, `InheritanceFlags`, `PropagationFlags`) are
/// kept on the grants; `AccessToString` says neither, so its grants have no scope. Rules with rights Vigil does not
/// know are reported, never guessed; so are records of registry keys. Get-Acl's default table is recognised only to be
/// refused with its remedy: it cuts the rules short.
public struct GetAclReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "get-acl",
        name: "NTFS permissions (PowerShell Get-Acl: Export-Csv or Format-List)",
        producedBy:
            "@(Get-Item -LiteralPath D:\\Shares) + @(Get-ChildItem -LiteralPath D:\\Shares -Recurse -Directory) | Get-Acl | Export-Csv acl.csv -NoTypeInformation -Encoding UTF8   (or | Format-List > acl.txt; or one row per rule: ForEach-Object { $p = $_.FullName; (Get-Acl -LiteralPath $p).Access | Select-Object @{n='Path';e={$p}}, IdentityReference, FileSystemRights, AccessControlType, IsInherited } | Export-Csv acl.csv -NoTypeInformation -Encoding UTF8)"
    )

    public init() {}

    public func recognises(_ sample: TextSample) -> Bool {
        var previous: Substring?
        for line in sample.lines(limit: 200) {
            defer { previous = line }
            if line.hasPrefix("#TYPE") || line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            if Self.csvHeader(line) != nil || Self.isTableUnderline(line, after: previous) { return true }
            if let (name, value) = GetAclList.property(line) {
                if (name == "path" || name == "pspath") && value.contains("FileSystem::") { return true }
                if name == "sddl" && (value.hasPrefix("O:") || value.hasPrefix("G:") || value.hasPrefix("D:")) {
                    return true
                }
            }
        }
        return false
    }

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var output = GetAclOutput(file: file)
        var csv: CSVForm?
        var list: GetAclList?
        var table: Int?
        var leading = LineTally()
        var previous: String?
        try LineReader(path: path, maxLineLength: 1 << 20).forEachLine(progress: progress) { line in
            if csv != nil {
                csv?.consume(line, into: &output)
                return
            }
            if line.isOverlong {
                if list != nil {
                    list?.overlong(line: line.number)
                } else {
                    output.log.reject(line: line.number, code: "getacl.line-too-long", "line longer than 1 MiB")
                }
                return
            }
            let text = ConsoleText.decode(line.bytes)
            if list != nil {
                list?.consume(text[...], line: line.number, into: &output)
                return
            }
            guard table == nil else { return }
            defer { previous = text }
            if text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { return }
            if text.hasPrefix("#TYPE") {
                csv = CSVForm()
            } else if Self.csvHeader(text[...]) != nil {
                csv = CSVForm()
                csv?.consume(line, into: &output)
            } else if let (name, _) = GetAclList.property(text[...]), GetAclList.isGetAclProperty(name) {
                list = GetAclList()
                list?.consume(text[...], line: line.number, into: &output)
            } else if Self.isTableUnderline(text[...], after: previous?[...]) {
                table = line.number - 1
            } else {
                leading.add(line.number)
            }
        }
        list?.finish(into: &output)
        csv?.finish(into: &output)
        report(leading: leading, list: list, table: table, decided: csv != nil || list != nil, into: &output)
        return output.finish()
    }

    /// The diagnostics of the file as a whole: text before the output, text between the blocks, a table, or nothing
    /// Vigil could read.
    private func report(
        leading: LineTally, list: GetAclList?, table: Int?, decided: Bool, into output: inout GetAclOutput
    ) {
        if let table {
            output.log.reject(
                line: table, code: "getacl.table",
                "a Get-Acl table (its default view) cuts each path's rules short: export with Export-Csv or Format-List"
            )
            return
        }
        if !decided {
            // An empty file has nothing to reject; the engine reports that no record was read.
            guard let first = leading.first else { return }
            output.log.reject(
                line: first, code: "getacl.no-header",
                "expected a CSV header with Path and Sddl, AccessToString or IdentityReference, or Format-List's 'Path : …' lines"
            )
            return
        }
        if let first = leading.first {
            output.log.warn(
                line: first, code: "getacl.leading-text",
                "\(leading.count == 1 ? "1 line" : "\(leading.count) lines") before the Get-Acl output (a prompt or notes) skipped"
            )
        }
        if let other = list?.otherText, let first = other.first {
            output.log.warn(
                line: first, code: "getacl.other-text",
                "\(other.count == 1 ? "1 line that is" : "\(other.count) lines that are") not part of a Get-Acl block (a prompt or notes) skipped"
            )
        }
    }

    /// The header of a CSV export, when `line` is one.
    static func csvHeader(_ line: Substring) -> Header? {
        Header(line.split(separator: ",").map { String($0).trimming("\" ") })
    }

    /// Whether `line` is the underline of Get-Acl's default table (`Path  Owner  Access` over dashes).
    static func isTableUnderline(_ line: Substring, after header: Substring?) -> Bool {
        guard let header, line.hasPrefix("----"), line.allSatisfy({ $0 == "-" || $0 == " " || $0 == "\r" }) else {
            return false
        }
        let words = header.split(separator: " ").map { $0.lowercased() }
        return words.starts(with: ["path", "owner", "access"])
    }
}
