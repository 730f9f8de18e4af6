import Foundation
import VigilCore

extension Submission {
    /// The document read byte by byte, without `JSONDecoder`, or nil when it holds anything this reader does not
    /// read exactly as `JSONDecoder` (with ISO 8601 dates) would: a key outside the schema or given twice, an escape
    /// or a byte outside printable ASCII in a string, a number with a fraction or an exponent, a date other than
    /// `YYYY-MM-DDTHH:MM:SSZ`, a name outside its set. A nil sends the document to `JSONDecoder`, which decides
    /// and explains; the tests hold the two to the same value on generated documents and on mutations of them.
    ///
    /// Every submission the service receives is decoded, and `JSONDecoder` was a tenth of the server's time in an
    /// ingest (bench/ingest-cpu.sh); the documents `vigil submit` sends (compact, unescaped ASCII) are all read here.
    static func decodeDirectly(_ data: Data) -> Submission? {
        data.withUnsafeBytes { bytes in
            var reader = DirectJSONReader(bytes: bytes)
            guard let submission = reader.submission(), reader.atEnd() else { return nil }
            return submission
        }
    }
}

/// Sets `slot` to `value` unless it was set before (a key given twice) or `value` is nil (not read).
private func assignOnce<Value>(_ slot: inout Value?, _ value: Value?) -> Bool {
    guard slot == nil, let value else { return false }
    slot = value
    return true
}

/// A reader of the JSON text of one submission: each method reads one value of the schema at the current position
/// and returns nil (or false) for anything else, leaving the document to `JSONDecoder`.
private struct DirectJSONReader {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    // MARK: The schema

    mutating func submission() -> Submission? {
        var schemaVersion: String?
        var tool: ToolIdentity?
        var organisation: String?
        var assessedAt: Date?
        var areas: [Submission.AreaStatus]?
        var findings: [Submission.SubmittedFinding]?
        var coverage: [Submission.CoverageGroup]?
        var metrics: [Submission.SubmittedMetric]?
        var keyFingerprint: String?
        let read = members { reader, key in
            switch key {
            case "schemaVersion": return assignOnce(&schemaVersion, reader.string())
            case "tool": return assignOnce(&tool, reader.tool())
            case "organisation": return assignOnce(&organisation, reader.string())
            case "assessedAt": return assignOnce(&assessedAt, reader.date())
            case "areas": return assignOnce(&areas, reader.array { $0.area() })
            case "findings": return assignOnce(&findings, reader.array { $0.finding() })
            case "coverage": return assignOnce(&coverage, reader.array { $0.coverageGroup() })
            case "metrics": return assignOnce(&metrics, reader.array { $0.metric() })
            case "keyFingerprint": return assignOnce(&keyFingerprint, reader.string())
            default: return false
            }
        }
        guard read, let schemaVersion, let tool, let organisation, let assessedAt, let areas, let findings,
            let coverage, let metrics
        else { return nil }
        var submission = Submission(
            tool: tool, organisation: organisation, assessedAt: assessedAt, areas: [], findings: [], coverage: [],
            metrics: [])
        // As decoded, not as the initialiser orders them: `normalised` orders them afterwards, as for the decoder's.
        submission.schemaVersion = schemaVersion
        submission.areas = areas
        submission.findings = findings
        submission.coverage = coverage
        submission.metrics = metrics
        submission.keyFingerprint = keyFingerprint
        return submission
    }

    mutating func tool() -> ToolIdentity? {
        var name: String?
        var version: String?
        let read = members { reader, key in
            switch key {
            case "name": return assignOnce(&name, reader.string())
            case "version": return assignOnce(&version, reader.string())
            default: return false
            }
        }
        guard read, let name, let version else { return nil }
        return ToolIdentity(name: name, version: version)
    }

    mutating func area() -> Submission.AreaStatus? {
        var area: AssessmentArea?
        var status: Coverage.Status?
        let read = members { reader, key in
            switch key {
            case "area": return assignOnce(&area, reader.named(AssessmentArea.self))
            case "status": return assignOnce(&status, reader.named(Coverage.Status.self))
            default: return false
            }
        }
        guard read, let area, let status else { return nil }
        return Submission.AreaStatus(area: area, status: status)
    }

    mutating func finding() -> Submission.SubmittedFinding? {
        var rule: String?
        var severity: Severity?
        var area: AssessmentArea?
        var kind: Subject.Kind?
        var subject: String?
        var facts: [String: String]?
        let read = members { reader, key in
            switch key {
            case "rule": return assignOnce(&rule, reader.string())
            case "severity": return assignOnce(&severity, reader.named(Severity.self))
            case "area": return assignOnce(&area, reader.named(AssessmentArea.self))
            case "kind": return assignOnce(&kind, reader.named(Subject.Kind.self))
            case "subject": return assignOnce(&subject, reader.string())
            case "facts": return assignOnce(&facts, reader.strings())
            default: return false
            }
        }
        guard read, let rule, let severity, let area, let kind, let subject, let facts else { return nil }
        return Submission.SubmittedFinding(
            rule: RuleID(rawValue: rule), severity: severity, area: area, kind: kind, subject: subject, facts: facts)
    }

    mutating func coverageGroup() -> Submission.CoverageGroup? {
        var area: AssessmentArea?
        var kind: Subject.Kind?
        var complete: Bool?
        var subjects: [String]?
        var rules: [String]?
        let read = members { reader, key in
            switch key {
            case "area": return assignOnce(&area, reader.named(AssessmentArea.self))
            case "kind": return assignOnce(&kind, reader.named(Subject.Kind.self))
            case "complete": return assignOnce(&complete, reader.bool())
            case "subjects": return assignOnce(&subjects, reader.array { $0.string() })
            case "rules": return assignOnce(&rules, reader.array { $0.string() })
            default: return false
            }
        }
        guard read, let area, let kind, let complete, let subjects else { return nil }
        var group = Submission.CoverageGroup(area: area, kind: kind, complete: complete, subjects: [])
        group.subjects = subjects
        // As read, unsorted or repeated too: validation refuses what is not in order, as the decoder's reading is.
        group.rules = rules.map { $0.map(RuleID.init(rawValue:)) }
        return group
    }

    mutating func metric() -> Submission.SubmittedMetric? {
        var id: String?
        var value: Int?
        // Absent, or null: no total, as the decoder's `decodeIfPresent` reads both.
        var total: Int??
        let read = members { reader, key in
            switch key {
            case "id": return assignOnce(&id, reader.string())
            case "value": return assignOnce(&value, reader.integer())
            case "total":
                if reader.null() { return assignOnce(&total, .some(nil)) }
                return assignOnce(&total, reader.integer().map { Optional($0) })
            default: return false
            }
        }
        guard read, let id, let value else { return nil }
        return Submission.SubmittedMetric(id: id, value: value, total: total ?? nil)
    }

    // MARK: JSON values

    /// Reads an object, handing each key to `member`, which reads its value.
    mutating func members(_ member: (inout DirectJSONReader, String) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = string(), take(UInt8(ascii: ":")), member(&self, key) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// Reads an array of values `element` reads.
    mutating func array<Element>(_ element: (inout DirectJSONReader) -> Element?) -> [Element]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var elements: [Element] = []
        if take(UInt8(ascii: "]")) { return elements }
        repeat {
            guard let value = element(&self) else { return nil }
            elements.append(value)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? elements : nil
    }

    /// An object of strings, each key once.
    mutating func strings() -> [String: String]? {
        var values: [String: String] = [:]
        let read = members { reader, key in
            guard let value = reader.string() else { return false }
            return values.updateValue(value, forKey: key) == nil
        }
        return read ? values : nil
    }

    /// A string of printable ASCII without escapes.
    mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        return nil
    }

    /// A string that is the raw value of one of `Name`'s cases.
    mutating func named<Name: RawRepresentable<String>>(_: Name.Type) -> Name? {
        string().flatMap(Name.init(rawValue:))
    }

    /// An integer without fraction or exponent that fits an `Int`.
    mutating func integer() -> Int? {
        skipSpace()
        let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let start = index
        var value = 0
        while index < bytes.count, SubmissionFacts.isDigit(bytes[index]) {
            let digit = Int(bytes[index] &- UInt8(ascii: "0"))
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) =
                negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflow, !carry else { return nil }
            value = sum
            index += 1
        }
        let digits = index - start
        // No digits, a leading zero, or a fraction or exponent next: not read here.
        guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            return nil
        }
        return value
    }

    mutating func bool() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// Consumes `null` if it is next.
    mutating func null() -> Bool {
        literal("null")
    }

    /// A date as `YYYY-MM-DDTHH:MM:SSZ` in 1970–9999, each field in range.
    mutating func date() -> Date? {
        guard let text = string() else { return nil }
        let digits = Array(text.utf8)
        guard digits.count == 20, digits[4] == UInt8(ascii: "-"), digits[7] == UInt8(ascii: "-"),
            digits[10] == UInt8(ascii: "T"), digits[13] == UInt8(ascii: ":"), digits[16] == UInt8(ascii: ":"),
            digits[19] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard SubmissionFacts.isDigit(digits[index]) else { return nil }
                value = value * 10 + Int(digits[index] &- UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1970...9999).contains(year), (1...12).contains(month), hour < 24, minute < 60, second < 60,
            (1...Self.days(inMonth: month, of: year)).contains(day)
        else { return nil }
        let days = Self.daysSince1970(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(((days * 24 + hour) * 60 + minute) * 60 + second))
    }

    static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (the civil-from-days inverse, by eras of
    /// 400 years).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = shifted / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    // MARK: Bytes

    /// Whether only whitespace is left.
    mutating func atEnd() -> Bool {
        skipSpace()
        return index == bytes.count
    }

    /// Consumes `byte`, after any whitespace, if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Consumes `word`, after any whitespace, if it is next.
    mutating func literal(_ word: StaticString) -> Bool {
        skipSpace()
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        let matches = word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        if matches { index += count }
        return matches
    }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }
}
