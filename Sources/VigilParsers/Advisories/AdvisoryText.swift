import Foundation
import VigilCore
import VigilIO

/// Byte- and text-level helpers the advisory readers share: KB numbers, supersedence lists, CVE identifiers and
/// timestamps.
enum AdvisoryText {
    /// The number of a knowledge-base reference (`KB4012212`, `kb4012212`, `4012212`, surrounding spaces allowed), or
    /// `nil`: the byte-level equivalent of ``InstalledUpdate/normalisedKB(_:)`` for ASCII input, without a `String`.
    static func kbNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var start = 0
        var end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        if end - start >= 2, ASCII.lower(bytes[start]) == UInt8(ascii: "k"),
            ASCII.lower(bytes[start + 1]) == UInt8(ascii: "b")
        {
            start += 2
        }
        guard (4...8).contains(end - start) else { return nil }
        var value: UInt32 = 0
        for index in start..<end {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + UInt32(digit)
        }
        return value
    }

    /// The number of a knowledge-base reference in `text`, as ``kbNumber(_:)`` reads it.
    static func kbNumber(_ text: String) -> UInt32? {
        var text = text
        return text.withUTF8 { kbNumber($0) }
    }

    /// `KB` + digits for a KB number.
    static func kb(_ number: UInt32) -> String { "KB" + String(number) }

    /// Appends the KB numbers of a supersedence list to `numbers`, skipping those already there. Items are separated by
    /// `;`, `,`, whitespace or HTML tags (`3118389<br><br>4022173`); items that are not KB numbers (`None`, version
    /// strings such as `20.0.1`, service-pack pseudo-KBs such as `SP81X64`) are dropped.
    static func appendKBList(_ bytes: UnsafeBufferPointer<UInt8>, to numbers: inout [UInt32]) {
        var index = 0
        var tokenStart = 0
        func flush(_ end: Int) {
            guard end > tokenStart,
                let number = kbNumber(UnsafeBufferPointer(rebasing: bytes[tokenStart..<end])),
                !numbers.contains(number)
            else { return }
            numbers.append(number)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ";") || byte == UInt8(ascii: ",") || isSpace(byte) {
                flush(index)
                tokenStart = index + 1
            } else if byte == UInt8(ascii: "<") {
                flush(index)
                while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
                tokenStart = index + 1
            }
            index += 1
        }
        flush(bytes.count)
    }

    /// The KBs (`KB` + digits) of a supersedence list, as ``appendKBList(_:to:)`` reads it.
    static func kbList(_ text: String) -> [String] {
        var numbers: [UInt32] = []
        var text = text
        text.withUTF8 { appendKBList($0, to: &numbers) }
        return numbers.map(kb)
    }

    /// The KB number a fix's URL names: `?q=KB5002744`, `/kb/5002744` or `/help/5002744`.
    static func kbNumber(inURL url: String) -> UInt32? {
        let lower = url.lowercased()
        for marker in ["kb", "/help/"] {
            var rest = lower[...]
            while let found = rest.range(of: marker) {
                rest = rest[found.upperBound...]
                if rest.first == "/" { rest = rest.dropFirst() }
                let digits = rest.prefix { $0.isASCII && $0.isNumber }
                if (4...8).contains(digits.count), let number = UInt32(digits) { return number }
            }
        }
        return nil
    }

    /// A CVE identifier in its canonical form (`CVE-2016-3247`), accepting lower case and the undashed
    /// `CVE20163247`; `nil` for anything else.
    static func cveID(_ text: some StringProtocol) -> String? {
        let upper = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard upper.hasPrefix("CVE") else { return nil }
        var digits = upper.dropFirst(3)
        if digits.first == "-" {
            digits = digits.dropFirst()
            let parts = digits.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 4, parts[1].count >= 4,
                parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } })
            else { return nil }
            return upper
        }
        guard digits.count >= 8, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return "CVE-" + digits.prefix(4) + "-" + digits.dropFirst(4)
    }

    /// Parses an ISO 8601 date or date-time (`2024-01-09`, `2024-01-09T08:00:00Z`, `…T08:00:00.000+01:00`); a date-time
    /// without a zone is taken as UTC.
    static func timestamp(_ text: some StringProtocol) -> Date? {
        let text = Substring(text.trimmingCharacters(in: .whitespaces))
        guard let day = CivilDate.parse(text.prefix(10)) else { return nil }
        var rest = text.dropFirst(10)
        guard let separator = rest.first else { return day }
        guard separator == "T" || separator == " " else { return nil }
        rest = rest.dropFirst()
        let clock = rest.prefix(8).split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
            (0..<24).contains(hour), (0..<60).contains(minute), (0..<61).contains(second)
        else { return nil }
        rest = rest.dropFirst(8)
        if rest.first == "." { rest = rest.drop { $0 == "." || ($0.isASCII && $0.isNumber) } }
        var offset = 0
        if let sign = rest.first, sign == "+" || sign == "-" {
            let zone = rest.dropFirst().split(separator: ":")
            // Bounded before any arithmetic: a zone of `+99999999999999999:00` once overflowed and stopped the process.
            guard zone.count == 2, zone[0].count == 2, zone[1].count == 2, let hours = Int(zone[0]),
                let minutes = Int(zone[1]), (0...23).contains(hours), (0...59).contains(minutes)
            else { return nil }
            offset = (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1)
        } else if !rest.isEmpty, rest != "Z" {
            return nil
        }
        return day.addingTimeInterval(TimeInterval(hour * 3600 + minute * 60 + second - offset))
    }

    /// Whether a JSON sample is a JSON Schema (the schemas published beside the formats are not advisories).
    /// A title with the spaces its source lost put back: MSRC's titles carry non-breaking spaces that WES-NG's data
    /// stores as `?` ("Remote Desktop Services?Remote Code Execution Vulnerability"); a `?` between two letters is
    /// never a question in an advisory title.
    static func title(_ text: String) -> String {
        guard text.contains("?") else { return text }
        let characters = Array(text)
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for (position, character) in characters.enumerated() {
            if character == "?", position > 0, position + 1 < characters.count, characters[position - 1].isLetter,
                characters[position + 1].isLetter
            {
                result.append(" ")
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func isJSONSchema(_ text: String) -> Bool {
        text.contains("json-schema.org/")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// Reads a whole advisory document into memory, refusing files over a size limit: JSON and XML documents are parsed
/// whole, so their size is what bounds memory.
enum AdvisoryDocument {
    /// The text of the file at `path` in UTF-8 (UTF-16 with a byte-order mark transcoded), or `nil` when the file is
    /// larger than `limit` bytes.
    static func read(path: String, limit: Int) throws -> [UInt8]? {
        guard try RawFile.size(of: path) <= limit else { return nil }
        let file = try RawFile(path: path)
        defer { file.close() }
        var raw = try file.readBuffer()
        var decoder = TextDecoder()
        var text: [UInt8] = []
        var total = 0
        while true {
            let count = try raw.withUnsafeMutableBytes { try file.read(into: $0) }
            if count == 0 { break }
            total += count
            guard total <= limit else { return nil }
            decoder.decode(raw[0..<count], into: &text)
        }
        decoder.finish(into: &text)
        return text
    }

    /// `256 MiB`: a limit in words.
    static func describe(_ limit: Int) -> String { "\(limit >> 20) MiB" }

    /// The JSON document at `path`, parsed, for the readers of JSON advisory formats (codes `<format>.too-large` and
    /// `<format>.json`): `nil`, with a rejection, when the file is larger than `limit`; `nil` when it is blank; a
    /// parse failure is logged with its line, and what was read before it is kept (`kept` names it: "records").
    static func json(
        path: String, limit: Int, format: String, expected: String, kept: String, log: inout DiagnosticLog,
        progress: (@Sendable (Int) -> Void)?
    ) throws -> JSONTreeParser.Outcome? {
        guard let bytes = try read(path: path, limit: limit) else {
            log.reject(
                line: 1, code: "\(format).too-large",
                "file larger than \(describe(limit)); expected \(expected); not read")
            return nil
        }
        progress?(bytes.count)
        guard bytes.contains(where: { $0 > 0x20 }) else { return nil }
        let parsed = JSONTreeParser.parse(bytes)
        if let failure = parsed.failure {
            log.reject(
                line: failure.line, code: "\(format).json",
                "not valid JSON: expected \(failure.expected); \(kept) before this point are kept")
        }
        return parsed
    }
}
