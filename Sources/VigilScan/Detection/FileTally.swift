public import VigilCore

/// Where in a file a detection is, compactly: a line, or a worksheet cell.
public struct ContentPosition: Sendable, Hashable, Comparable {
    /// One-based line (text) or paragraph (documents); 0 for cells.
    public var line: Int32
    /// Worksheet index (0-based) for cells; -1 otherwise.
    public var sheet: Int16
    /// One-based row of a cell.
    public var row: Int32
    /// Zero-based column of a cell.
    public var column: Int32

    public static func line(_ line: Int) -> ContentPosition {
        ContentPosition(line: Int32(clamping: line), sheet: -1, row: 0, column: 0)
    }

    public static func cell(sheet: Int, row: Int, column: Int) -> ContentPosition {
        ContentPosition(
            line: 0, sheet: Int16(clamping: sheet), row: Int32(clamping: row), column: Int32(clamping: column))
    }

    /// The location people read, with the worksheet named from `sheets`.
    public func location(sheets: [String]) -> ContentLocation {
        guard sheet >= 0 else { return ContentLocation(line: Int(line)) }
        let name = Int(sheet) < sheets.count ? sheets[Int(sheet)] : "Sheet\(sheet + 1)"
        return ContentLocation(sheet: name, cell: Self.columnName(Int(column)) + String(row))
    }

    /// `A`, `Z`, `AA`… for a zero-based column.
    public static func columnName(_ column: Int) -> String {
        var number = column + 1
        var letters: [UInt8] = []
        while number > 0 {
            let remainder = (number - 1) % 26
            letters.insert(UInt8(0x41 + remainder), at: 0)
            number = (number - 1) / 26
        }
        return String(decoding: letters, as: UTF8.self)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.sheet, lhs.line, lhs.row, lhs.column) < (rhs.sheet, rhs.line, rhs.row, rhs.column)
    }
}

/// One accepted detection, for accuracy measurement. The value exists only in memory and is never written.
public struct Detection: Sendable, Hashable {
    public var kind: PatientIdentifierKind
    public var value: UInt64
    public var position: ContentPosition
    public var confidence: DetectionConfidence
    public var isTestData: Bool
}

/// How much each sign counts towards accepting a 10-digit number as a health number. A number is accepted at
/// ``threshold``; its confidence is high from ``high`` and medium from ``medium``.
enum Scoring {
    static let threshold: Float = 0.55
    static let medium: Float = 0.7
    static let high: Float = 0.9

    /// Written without separators (`9434765919`): could be any number.
    static let bare: Float = 0.45
    /// Written `943 476 5919`, as the NHS prints it.
    static let spaced: Float = 0.65
    /// Written `943-476-5919`.
    static let hyphenated: Float = 0.6

    /// A column header says health number.
    static let healthColumn: Float = 0.5
    /// A column header says something else (phone, order, date…).
    static let otherColumn: Float = -0.8
    /// A nearby word says NHS, CHI, H&C or patient.
    static let healthWord: Float = 0.4
    /// A nearby word says phone, order, invoice, account, reference…
    static let otherWord: Float = -0.6

    /// Shaped numbers a stream (a column, or the text of a file) needs before its share of valid numbers counts.
    static let streamMinimum = 8
    /// Shaped numbers after which a stream's verdict is fixed and later numbers are decided at once.
    static let streamFreeze = 64
    /// Most numbers in a stream are valid: a list of health numbers (random numbers pass the check about 4% of the
    /// time).
    static let validStream: Float = 0.35
    static let validShare = 0.7
    /// Few are: the valid ones are coincidences among other numbers.
    static let invalidStream: Float = -0.4
    static let invalidShare = 0.3

    static func confidence(_ score: Float) -> DetectionConfidence {
        score >= high ? .high : score >= medium ? .medium : .low
    }
}

/// Everything found in one file so far, counted per kind, with numbers whose verdict depends on their column held
/// until the column's share of valid numbers is known.
public struct FileTally: Sendable {
    struct KindTally: Sendable {
        var count = 0
        var testData = 0
        var distinct: Set<UInt64> = []
        var distinctOverflow = false
        var best: Float = 0
        var sample: (text: String, position: ContentPosition)?

        mutating func add(key: UInt64, score: Float, position: ContentPosition, masked: () -> String) {
            count += 1
            if !distinctOverflow {
                distinct.insert(key)
                if distinct.count >= FileTally.distinctLimit { distinctOverflow = true }
            }
            best = max(best, score)
            if sample == nil || position < sample!.position { sample = (masked(), position) }
        }
    }

    struct Stream: Sendable {
        var shaped = 0
        var valid = 0
        var frozen: Float?

        var adjustment: Float {
            if let frozen { return frozen }
            guard shaped >= Scoring.streamMinimum else { return 0 }
            let share = Double(valid) / Double(shaped)
            if share >= Scoring.validShare { return Scoring.validStream }
            if share <= Scoring.invalidShare { return Scoring.invalidStream }
            return 0
        }
    }

    struct Pending: Sendable {
        var value: UInt64
        var score: Float
        var stream: Int
        var position: ContentPosition
    }

    /// Distinct values counted exactly per kind; beyond this the count is a lower bound.
    static let distinctLimit = 4_000_000

    var kinds = [KindTally](repeating: KindTally(), count: PatientIdentifierKind.allCases.count)
    var streams: [Int: Stream] = [:]
    var pending: [Pending] = []
    /// Receives every accepted detection (accuracy tests); `nil` in normal scans.
    var recorder: (@Sendable (Detection) -> Void)?

    public init(recorder: (@Sendable (Detection) -> Void)? = nil) {
        self.recorder = recorder
    }

    // MARK: Health numbers

    /// A 10-digit number shaped like a health number was seen in `stream` (valid or not).
    mutating func sawShapedNumber(stream: Int, valid: Bool) {
        var state = streams[stream, default: Stream()]
        state.shaped += 1
        if valid { state.valid += 1 }
        if state.frozen == nil, state.shaped >= Scoring.streamFreeze {
            state.frozen = state.adjustment
            streams[stream] = state
            resolvePending(stream: stream)
            return
        }
        streams[stream] = state
    }

    /// A valid health number with its score from format and context, decided now if it is not judged by a stream
    /// (`stream` is `nil`) or its stream's verdict is fixed.
    mutating func addHealthNumber(_ value: UInt64, score: Float, stream: Int?, position: ContentPosition) {
        guard let stream else {
            decide(Pending(value: value, score: score, stream: 0, position: position), adjustment: 0)
            return
        }
        if let frozen = streams[stream]?.frozen {
            decide(Pending(value: value, score: score, stream: stream, position: position), adjustment: frozen)
        } else {
            pending.append(Pending(value: value, score: score, stream: stream, position: position))
        }
    }

    private mutating func resolvePending(stream: Int) {
        let adjustment = streams[stream]?.adjustment ?? 0
        var kept: [Pending] = []
        for entry in pending {
            if entry.stream == stream { decide(entry, adjustment: adjustment) } else { kept.append(entry) }
        }
        pending = kept
    }

    private mutating func decide(_ entry: Pending, adjustment: Float) {
        let score = entry.score + adjustment
        guard score >= Scoring.threshold else { return }
        let range = HealthNumber.range(entry.value)
        let kind: PatientIdentifierKind =
            switch range {
            case .scotland: .chiNumber
            case .northernIreland: .healthAndCareNumber
            default: .nhsNumber
            }
        let isTest = range == .test
        if isTest {
            kinds[kind.index].testData += 1
        } else {
            kinds[kind.index].add(key: entry.value, score: score, position: entry.position) {
                HealthNumber.masked(entry.value)
            }
        }
        recorder?(
            Detection(
                kind: kind, value: entry.value, position: entry.position, confidence: Scoring.confidence(score),
                isTestData: isTest))
    }

    // MARK: Other identifiers

    /// An identifier decided by its context alone (date of birth, postcode, hospital number).
    mutating func add(
        _ kind: PatientIdentifierKind, key: UInt64, score: Float, position: ContentPosition,
        sample: @autoclosure () -> String
    ) {
        kinds[kind.index].add(key: key, score: score, position: position, masked: sample)
        recorder?(
            Detection(
                kind: kind, value: key, position: position, confidence: Scoring.confidence(score), isTestData: false))
    }

    // MARK: Result

    /// Decides every number still waiting, with its stream's final share of valid numbers.
    public mutating func finish() {
        let waiting = pending
        pending = []
        for entry in waiting { decide(entry, adjustment: streams[entry.stream]?.adjustment ?? 0) }
    }

    /// What the file holds, or `nil` when it holds no patient identifier. Call ``finish()`` first.
    public func summary(sheets: [String] = []) -> FileFindings? {
        var tallies: [IdentifierTally] = []
        var testData = 0
        for kind in PatientIdentifierKind.allCases {
            let tally = kinds[kind.index]
            testData += tally.testData
            guard tally.count > 0 || tally.testData > 0 else { continue }
            tallies.append(
                IdentifierTally(
                    kind: kind, count: tally.count, distinct: tally.distinct.count, testData: tally.testData,
                    confidence: tally.count > 0 ? Scoring.confidence(tally.best) : .low,
                    sample: tally.sample?.text ?? "999 *** ****",
                    location: tally.sample?.position.location(sheets: sheets) ?? ContentLocation()))
        }
        let alone = tallies.filter { $0.kind.identifiesAlone && $0.count > 0 }
        // The three national schemes number different people (each person has the number of the nation that
        // registered them), so a border trust's list of NHS, CHI and H&C numbers holds their sum; a hospital number is
        // another number for a patient already counted, so it is compared, not added.
        let national = alone.filter { $0.kind != .hospitalNumber }.reduce(0) { $0 + $1.distinct }
        var patients = max(national, alone.filter { $0.kind == .hospitalNumber }.map(\.distinct).max() ?? 0)
        // Dates of birth (counted only beside names) count patients too. Where the only numbers are test numbers, the
        // dates belong to test patients, unless a list's worth of them is left beyond the test numbers: one test row
        // left in a 1,500-row export must not make its 1,467 other patients test data, while a test file's few rows
        // with blank or unissued numbers stay test data.
        if let births = tallies.first(where: { $0.kind == .dateOfBirth }) {
            let beyond = births.distinct - testData
            let counted =
                patients > 0 || testData == 0
                ? births.distinct : beyond >= PatientDataExposure.listThreshold ? beyond : 0
            patients = max(patients, counted)
        }
        guard let classification = PatientDataExposure.classify(patients: patients, testData: testData) else {
            return nil
        }
        let supporting = tallies.filter { $0.count > 0 && $0.kind != .postcode }
        let confidence = supporting.map(\.confidence).max() ?? .low
        return FileFindings(
            classification: classification, patients: patients, confidence: confidence, identifiers: tallies)
    }
}

/// What one file holds: counts and masked samples only.
public struct FileFindings: Codable, Sendable, Hashable {
    public var classification: PatientDataClassification
    public var patients: Int
    public var confidence: DetectionConfidence
    public var identifiers: [IdentifierTally]
}

extension PatientIdentifierKind {
    /// Position in `allCases`, for per-kind arrays.
    var index: Int {
        switch self {
        case .nhsNumber: 0
        case .chiNumber: 1
        case .healthAndCareNumber: 2
        case .hospitalNumber: 3
        case .dateOfBirth: 4
        case .postcode: 5
        }
    }
}
