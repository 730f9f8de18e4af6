import VigilCore
import VigilIO

/// Reads the output of `icacls PATH /T /C` (NTFS permissions as Windows prints them) into resources and grants.
///
/// Each entry is a path followed by its first access entry on the same line, further entries on following lines
/// indented to line up under the first, and a blank line:
///
///     D:\Shares\Clinical NT AUTHORITY\SYSTEM:(OI)(CI)(F)
///                        NHSTRUST\Domain Users:(OI)(CI)(RX)
///
/// The indentation says where the path ends (paths and principals both contain spaces); a path with a single entry is
/// split before the principal by its form (`DOMAIN\name`, `BUILTIN\…`, `NT AUTHORITY\…`, `Everyone`, a SID). Deny
/// entries, `(I)` (inherited) and `(OI)(CI)(IO)(NP)` become the grant's access, `inherited` and `appliesTo`; entries
/// holding rights Vigil does not know are counted and reported, never guessed; lines icacls writes for paths it could
/// not read are reported as warnings.
public struct IcaclsReader: EvidenceReader {
    public let format = EvidenceFormat(
        id: "icacls",
        name: "NTFS permissions (icacls output)",
        producedBy: "icacls D:\\Shares /T /C > icacls.txt   (on the file server; /T recurses, /C continues past errors)"
    )

    public init() {}

    /// Recognised when access-entry lines follow at most a few lines of something else: people paste icacls with the
    /// prompt and command above it (`C:\> icacls D:\Shares`, `$ icacls crazy`).
    public func recognises(_ sample: TextSample) -> Bool {
        var entries = 0
        var leading = 0
        for line in sample.lines(limit: 40) {
            let text = String(line)
            if text.hasPrefix("Successfully processed") { return entries > 0 }
            if entries == 0, text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            guard Self.aceStart(text) != nil else {
                guard entries == 0, leading < Self.maximumLeadingLines else { return false }
                leading += 1
                continue
            }
            entries += 1
            if entries >= 2 { return true }
        }
        return entries > 0
    }

    /// The most lines of other text (a prompt, the command, notes) before the first entry for a file to be recognised.
    static let maximumLeadingLines = 4

    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        var log = fragment.log
        var state = IcaclsState(file: file)
        try LineReader(path: path, maxLineLength: 64 << 10).forEachLine(progress: progress) { line in
            if line.isOverlong {
                log.reject(
                    line: line.number, code: "icacls.line-too-long",
                    "line longer than 64 KiB; expected 'PATH PRINCIPAL:(RIGHTS)'")
                return
            }
            state.consume(String(decoding: line.bytes, as: UTF8.self), line: line.number, into: &fragment, log: &log)
        }
        state.finish(into: &fragment, log: &log)
        fragment.log = log
        return fragment
    }

    /// The index of the `:` before a line's closing run of permission groups (`…:(OI)(CI)(F)`), or `nil` when the line
    /// does not end in one.
    static func aceStart(_ line: String) -> String.Index? {
        var text = Substring(line)
        while text.last == " " || text.last == "\r" { text = text.dropLast() }
        var index = text.endIndex
        while index > text.startIndex {
            let close = text.index(before: index)
            guard text[close] == ")", let open = text[..<close].lastIndex(of: "("), open > text.startIndex else {
                return nil
            }
            let before = text.index(before: open)
            if text[before] == ":" { return before }
            guard text[before] == ")" else { return nil }
            index = open
        }
        return nil
    }

    /// The permission groups after `:` (`(OI)(CI)(RX)` → ["OI", "CI", "RX"]).
    static func groups(_ text: Substring) -> [Substring]? {
        var result: [Substring] = []
        var rest = text
        while !rest.isEmpty {
            guard rest.first == "(", let close = rest.firstIndex(of: ")") else { return nil }
            result.append(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
        }
        return result.isEmpty ? nil : result
    }

    /// Principal forms that start a principal after a path's last space (longest first).
    static let principalStarts = [
        "NT AUTHORITY\\", "BUILTIN\\", "NT SERVICE\\", "APPLICATION PACKAGE AUTHORITY\\", "CREATOR OWNER",
        "CREATOR GROUP", "Everyone", "S-1-", "OWNER RIGHTS", "NT-AUTORITÄT\\", "VORDEFINIERT\\", "AUTORITE NT\\",
        "Jeder", "Tout le monde",
    ]
}

/// The entry being read, and everything read so far.
private struct IcaclsState {
    let file: String
    var current: (path: String, line: Int, indent: Int?, aces: [(principal: String, groups: [Substring], line: Int)])?
    /// The first line of an entry whose split waits for the next line's indentation.
    var held: (text: String, line: Int)?
    var resources: Set<String> = []
    /// Lines of other text before the first entry (a pasted prompt and command): skipped and counted.
    var leading = LineTally()

    init(file: String) {
        self.file = file
    }

    mutating func consume(_ raw: String, line: Int, into fragment: inout EvidenceFragment, log: inout DiagnosticLog) {
        var text = raw
        while text.last == "\r" || text.last == " " { text.removeLast() }
        if let first = text.unicodeScalars.first, first == "\u{FEFF}" { text.removeFirst() }
        if let (heldText, heldLine) = held {
            held = nil
            let indent = text.prefix(while: { $0 == " " }).count
            if indent > 0, IcaclsReader.aceStart(text) != nil, indent < heldText.count {
                // The continuation's indentation marks where the held line's path ends.
                let split = heldText.index(heldText.startIndex, offsetBy: indent)
                startEntry(
                    path: String(heldText[..<split]).trimming(" "), ace: String(heldText[split...]), line: heldLine,
                    indent: indent, log: &log)
            } else {
                splitByForm(heldText, line: heldLine, log: &log)
            }
        }
        if text.isEmpty {
            flush(into: &fragment, log: &log)
            return
        }
        let indent = text.prefix(while: { $0 == " " }).count
        if indent > 0, IcaclsReader.aceStart(text) != nil, current != nil {
            addACE(String(text.dropFirst(indent)), line: line, log: &log)
            return
        }
        if indent == 0, IcaclsReader.aceStart(text) != nil {
            flush(into: &fragment, log: &log)
            held = (text, line)
            return
        }
        if text.hasPrefix("Successfully processed") || text.hasPrefix("Failed processing") { return }
        if current == nil, resources.isEmpty, leading.count < IcaclsReader.maximumLeadingLines {
            leading.add(line)
            return
        }
        if text.contains(": ") {
            log.warn(
                line: line, code: "icacls.path-error",
                "icacls reported an error for a path here; its permissions are unknown")
            return
        }
        log.reject(
            line: line, code: "icacls.malformed",
            "expected 'PATH PRINCIPAL:(RIGHTS)', an indented 'PRINCIPAL:(RIGHTS)' or a blank line")
    }

    /// Splits `PATH PRINCIPAL:(…)` where no continuation line shows the indentation.
    private mutating func splitByForm(_ text: String, line: Int, log: inout DiagnosticLog) {
        guard let aceStart = IcaclsReader.aceStart(text) else { return }
        let head = text[..<aceStart]
        let spaces = head.indices.filter { head[$0] == " " }
        var split: String.Index?
        // A known principal form after a space, earliest first (so `NT AUTHORITY\…` is not cut at its own space).
        for space in spaces {
            let rest = head[head.index(after: space)...]
            if IcaclsReader.principalStarts.contains(where: { rest.hasPrefix($0) }) {
                split = space
                break
            }
        }
        if split == nil {
            // Otherwise `DOMAIN\name`: the last space followed by a word and a backslash.
            split = spaces.last { space in
                let rest = head[head.index(after: space)...]
                guard let slash = rest.firstIndex(of: "\\") else { return false }
                return !rest[..<slash].contains(" ") && !rest[..<slash].isEmpty
            }
        }
        guard let split else {
            log.reject(
                line: line, code: "icacls.no-principal", "cannot tell where the path ends and the principal begins")
            return
        }
        startEntry(
            path: String(text[..<split]), ace: String(text[text.index(after: split)...]), line: line, indent: nil,
            log: &log)
    }

    private mutating func startEntry(path: String, ace: String, line: Int, indent: Int?, log: inout DiagnosticLog) {
        current = (path, line, indent, [])
        addACE(ace, line: line, log: &log)
    }

    private mutating func addACE(_ text: String, line: Int, log: inout DiagnosticLog) {
        guard let start = IcaclsReader.aceStart(text),
            let groups = IcaclsReader.groups(text[text.index(start, offsetBy: 1)...])
        else {
            log.reject(line: line, code: "icacls.malformed-entry", "expected 'PRINCIPAL:(RIGHTS)'")
            return
        }
        let principal = String(text[..<start]).trimming(" ")
        guard !principal.isEmpty else {
            log.reject(line: line, code: "icacls.malformed-entry", "an access entry without a principal")
            return
        }
        current?.aces.append((principal, groups, line))
    }

    mutating func flush(into fragment: inout EvidenceFragment, log: inout DiagnosticLog) {
        guard let entry = current else { return }
        current = nil
        let inheritable = entry.aces.contains { $0.groups.contains("OI") || $0.groups.contains("CI") }
        let resource = Resource.fileSystem(
            path: entry.path, inheritable: inheritable, source: EvidenceReference(file: file, line: entry.line))
        if resources.insert(resource.id.lowercased()).inserted { fragment.resources.append(resource) }
        for ace in entry.aces {
            if AccessRights.icaclsUninterpretable(ace.groups) {
                log.warn(
                    line: ace.line, code: "icacls.uninterpreted",
                    "an access entry holds rights Vigil does not know; it is left out of who can read")
                continue
            }
            guard let right = AccessRights.icacls(ace.groups) else { continue }
            fragment.grants.append(
                Grant(
                    resourceID: resource.id, principal: ace.principal, right: right,
                    access: ace.groups.contains("DENY") ? .deny : .allow, inherited: ace.groups.contains("I"),
                    appliesTo: AccessRights.icaclsScope(ace.groups),
                    source: EvidenceReference(file: file, line: ace.line)))
        }
        log.recordsRead += 1
    }

    mutating func finish(into fragment: inout EvidenceFragment, log: inout DiagnosticLog) {
        if let (text, line) = held {
            held = nil
            splitByForm(text, line: line, log: &log)
        }
        flush(into: &fragment, log: &log)
        if let first = leading.first {
            log.warn(
                line: first, code: "icacls.leading-text",
                "\(leading.count) line\(leading.count == 1 ? "" : "s") before the first entry (a prompt, the command or notes) skipped"
            )
        }
    }
}
