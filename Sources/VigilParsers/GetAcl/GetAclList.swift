import VigilCore
import VigilIO

/// `Get-Acl | Format-List` output (`fl`, `fl *`, or chosen properties): one block of `Name : value` lines per path,
/// blocks separated by blank lines.
///
/// ```
/// Path   : Microsoft.PowerShell.Core\FileSystem::D:\Shares\Clinical
/// Owner  : BUILTIN\Administrators
/// Access : NT AUTHORITY\SYSTEM Allow  FullControl
///          NHSTRUST\Domain Users Allow  ReadAndExecute, Synchronize
/// Sddl   : O:BAG:SYD:AI(A;OICI;FA;;;SY)(A;OICIID;0x1200a9;;;S-1-5-21-1004336348-1177238915-682003330-513)(A;OICIID;
///          FA;;;BA)
/// ```
///
/// Format-List wraps a long value onto lines indented to the value's column, at the console's width: `Sddl` anywhere,
/// even inside a token (`0x1200` then `a9`), so its pieces join without a separator; `Access` and `AccessToString` put
/// one rule per line and wrap a rule too long for the width after a space. `Sddl` is preferred (exact, with inheritance
/// and where each rule applies); without it the rules are read from `AccessToString` or `Access`, which state neither.
/// A block repeats no property, so a repeated one starts the next block even without a blank line between them.
struct GetAclList {
    /// One property of the block being read, as its lines.
    private struct Property {
        var name: String
        /// Where its value starts on the line: continuation lines are indented to it.
        var column: Int
        var pieces: [Substring]
    }

    /// The block being read.
    private struct Block {
        var line: Int
        var properties: [Property] = []
        /// Each property's position in ``properties``, by name.
        var positions: [String: Int] = [:]
        /// Bytes of the block's lines so far, names and indentation included.
        var bytes = 0
        var overlong = false

        func value(_ name: String) -> [Substring]? { positions[name].map { properties[$0].pieces } }
    }

    /// A block's lines together may not exceed this (a hostile file of endless continuation lines stays bounded).
    static let maxBlockBytes = 1 << 20

    private var block: Block?
    /// Lines between or after the blocks that are neither properties nor their continuations (prompts, notes).
    private(set) var otherText = LineTally()

    /// The name and value of a `Name : value` line, or `nil` when the line is not one. Format-List pads every name to
    /// the longest, so at least one space comes before the colon; names are single words.
    static func property(_ text: Substring) -> (name: String, value: Substring)? {
        guard let first = text.first, first.isLetter, let colon = text.firstIndex(of: ":") else { return nil }
        let name = text[..<colon]
        guard name.last == " " else { return nil }
        let word = name.trimming(" ")
        guard !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber }) else { return nil }
        var value = text[text.index(after: colon)...]
        if value.first == " " { value = value.dropFirst() }
        return (word.lowercased(), value)
    }

    /// Whether `name` is a property of Get-Acl's objects, so a line naming it starts Format-List output.
    static func isGetAclProperty(_ name: String) -> Bool {
        [
            "path", "pspath", "owner", "group", "access", "audit", "sddl", "accesstostring", "psparentpath",
            "pschildname",
        ]
        .contains(name)
    }

    /// Reads one line of the file.
    mutating func consume(_ text: Substring, line: Int, into output: inout GetAclOutput) {
        if text.allSatisfy({ $0 == " " || $0 == "\t" }) {
            flush(into: &output)
            return
        }
        // The rest of a block already over its bound is passed over.
        if text.first == " " || text.first == "\t", block?.overlong == true { return }
        if text.first == " " || text.first == "\t", let column = block?.properties.last?.column {
            // Indented to the value's column; a space beyond it is the value's own (Format-List wrapped the value at
            // a space and carried it to the new line: `Image File` then `          Execution Options`).
            var indent = 0
            let piece = text.drop { character in
                defer { indent += 1 }
                return indent < column && (character == " " || character == "\t")
            }
            append(piece, lineBytes: text.utf8.count)
            return
        }
        guard let (name, value) = Self.property(text) else {
            flush(into: &output)
            otherText.add(line)
            return
        }
        if block?.positions[name] != nil { flush(into: &output) }
        if block == nil { block = Block(line: line) }
        if block?.overlong == false, let position = block?.properties.count {
            block?.positions[name] = position
            block?.properties.append(
                Property(name: name, column: text.distance(from: text.startIndex, to: value.startIndex), pieces: []))
        }
        append(value, lineBytes: text.utf8.count)
    }

    /// A line longer than the reader's limit: the block it is in cannot be read whole.
    mutating func overlong(line: Int) {
        if block == nil { block = Block(line: line) }
        block?.overlong = true
    }

    /// Reads the last block.
    mutating func finish(into output: inout GetAclOutput) {
        flush(into: &output)
    }

    /// Adds `piece` to the property being read, counting its whole line (`lineBytes`) against the block's bound.
    private mutating func append(_ piece: Substring, lineBytes: Int) {
        guard var current = block, !current.overlong, !current.properties.isEmpty else { return }
        block = nil  // keeps the pieces uniquely referenced while they grow
        current.bytes += lineBytes + 1
        if current.bytes > Self.maxBlockBytes {
            current.overlong = true
            current.properties = []
            current.positions = [:]
        } else {
            current.properties[current.properties.count - 1].pieces.append(piece)
        }
        block = current
    }

    private mutating func flush(into output: inout GetAclOutput) {
        guard let current = block else { return }
        block = nil
        if current.overlong {
            output.log.reject(
                line: current.line, code: "getacl.record-too-long", "a Format-List block longer than 1 MiB; skipped")
            return
        }
        let sddl = current.value("sddl").map { $0.joined() }.flatMap { $0.isEmpty ? nil : $0 }
        // Access is read only when it is needed (without Sddl, or with one cut short), and then once.
        func accessRules() -> [String]? {
            (current.value("accesstostring") ?? current.value("access")).map(Self.rules)
                .flatMap { lines in lines.isEmpty || lines.first?.hasPrefix("{") == true ? nil : lines }
        }
        guard let named = (current.value("path") ?? current.value("pspath"))?.joined(), !named.isEmpty else {
            if sddl != nil || accessRules() != nil {
                output.log.reject(
                    line: current.line, code: "getacl.no-path", "a Format-List block with rules but without Path")
            } else {
                otherText.add(current.line)
            }
            return
        }
        guard let path = output.fileSystemPath(named, line: current.line) else { return }
        let rules: [GetAclReader.Rule]
        let cut = sddl.map(GetAclReader.sddlIsCut) ?? false
        if cut { output.cutSddl.add(current.line) }
        if let access = sddl == nil || cut ? accessRules() : nil {
            rules = GetAclReader.rules(accessLines: access, uninterpreted: &output.uninterpreted)
        } else if let sddl {
            rules = GetAclReader.rules(sddl: sddl, uninterpreted: &output.uninterpreted)
        } else {
            output.log.reject(
                line: current.line, code: "getacl.no-rules",
                "a Format-List block without Sddl, AccessToString or Access"
            )
            return
        }
        output.add(path: path, rules: rules, line: current.line)
    }

    /// The rules of an `Access` or `AccessToString` value, one per line, with a rule wrapped at the console's width
    /// joined again: a line continues the rule before it while that rule has no `Allow`/`Deny` followed by rights, or
    /// its rights end with a comma.
    static func rules(_ pieces: [Substring]) -> [String] {
        var rules: [String] = []
        var state = RuleState()
        for piece in pieces {
            if !rules.isEmpty, !state.isComplete {
                // The space the rule was wrapped at ends the line or starts the next; a copy that trimmed trailing
                // spaces lost it, so one is put back. Appended in place: a rule wrapped over many lines stays linear.
                if !(rules[rules.count - 1].hasSuffix(" ") || piece.hasPrefix(" ")) { rules[rules.count - 1] += " " }
                rules[rules.count - 1] += piece
                state.read(piece)
            } else if !piece.isEmpty {
                rules.append(String(piece.drop { $0 == " " }))
                state = RuleState()
                state.read(piece)
            }
        }
        return rules
    }

    /// Whether the rule read so far is whole, from its pieces one at a time: `Allow`/`Deny` followed by rights that do
    /// not end with a comma.
    struct RuleState {
        private var verb = false
        private var rightsAfterVerb = false
        private var endsWithComma = false

        var isComplete: Bool { verb && rightsAfterVerb && !endsWithComma }

        mutating func read(_ piece: Substring) {
            for word in piece.split(separator: " ") {
                if word == "Allow" || word == "Deny" {
                    verb = true
                    rightsAfterVerb = false
                } else if verb {
                    rightsAfterVerb = true
                }
                endsWithComma = word.hasSuffix(",")
            }
        }
    }
}
