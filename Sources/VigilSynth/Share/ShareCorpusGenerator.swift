public import Foundation
public import VigilCore

/// One patient identifier the generator wrote: where it is and what kind it is (never its value).
public struct CorpusLabel: Codable, Sendable, Hashable, Comparable {
    /// The file, relative to the share's root.
    public var file: String
    public var kind: PatientIdentifierKind
    /// Line (text, paragraph) or sheet and cell.
    public var location: ContentLocation
    /// A number from the test range (999…).
    public var isTestData: Bool

    public init(file: String, kind: PatientIdentifierKind, location: ContentLocation, isTestData: Bool = false) {
        self.file = file
        self.kind = kind
        self.location = location
        self.isTestData = isTestData
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.file, lhs.kind, lhs.location) < (rhs.file, rhs.kind, rhs.location)
    }
}

/// What a generated share holds.
public struct ShareCorpusSummary: Sendable {
    /// Files written.
    public var files: Int
    /// Bytes written.
    public var bytes: Int
    /// The classification each file holding patient identifiers was written to have, by relative path.
    public var expected: [String: PatientDataClassification]
    /// Files by layout.
    public var layouts: [ShareLayout: Int]
}

/// The kinds of file a generated share holds: patient data in the layouts it really takes, and decoys full of
/// numbers that are not patient identifiers (phone numbers, order, invoice and account numbers), some of which pass
/// the NHS number check by design.
public enum ShareLayout: String, Sendable, CaseIterable, Hashable {
    case clinicList = "clinic-list"
    case bulkExport = "bulk-export"
    case workbook
    case letter
    case letterDocument = "letter-document"
    case applicationLog = "application-log"
    case finance
    case phoneDirectory = "phone-directory"
    case jsonExport = "json-export"
    case xmlMessages = "xml-messages"
    case testData = "test-data"
    case minutes
    case scottishList = "scottish-list"
    case northernIrelandList = "northern-ireland-list"
    case binary
}

/// Writes a synthetic file share with labelled patient identifiers, for accuracy tests, benchmarks and the demo. The
/// same seed gives the same share; every file is a function of the seed and its index.
public struct ShareCorpusGenerator: Sendable {
    /// How big the files are.
    public enum Scale: Sendable {
        /// Small files (tens of rows): accuracy tests and the demo.
        case small
        /// Files as large as real shares hold (bulk exports of 50,000 rows, logs of 200,000 lines): benchmarks.
        case large
    }

    public let seed: UInt64
    public let asOf: Date
    public let scale: Scale
    /// Layouts to write, with weights; the default mixes all of them.
    public var weights: [(ShareLayout, Int)]

    public init(seed: UInt64, asOf: Date, scale: Scale = .small, layouts: [ShareLayout]? = nil) {
        self.seed = seed
        self.asOf = asOf
        self.scale = scale
        let all: [(ShareLayout, Int)] = [
            (.clinicList, 10), (.bulkExport, 2), (.workbook, 6), (.letter, 14), (.letterDocument, 8),
            (.applicationLog, 6), (.finance, 6), (.phoneDirectory, 4), (.jsonExport, 4), (.xmlMessages, 3),
            (.testData, 2), (.minutes, 12), (.scottishList, 2), (.northernIrelandList, 2), (.binary, 6),
        ]
        weights = layouts.map { chosen in all.filter { chosen.contains($0.0) } } ?? all
    }

    /// The folders at the top of every share written: every file goes under one of them.
    public static let topLevelFolders = ["Admin", "Clinical", "Exports", "Finance", "IT", "Referrals"]

    /// Writes files into `root` until `targetBytes` are written or `maxFiles` files; `label` receives every identifier
    /// written, `progress` the bytes written so far.
    public func write(
        to root: URL, targetBytes: Int, maxFiles: Int = .max, label: ((CorpusLabel) -> Void)? = nil,
        progress: ((Int) -> Void)? = nil
    ) throws(SynthError) -> ShareCorpusSummary {
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw SynthError(message: "cannot create \(root.path)")
        }
        var summary = ShareCorpusSummary(files: 0, bytes: 0, expected: [:], layouts: [:])
        let total = weights.reduce(0) { $0 + $1.1 }
        var index = 0
        while summary.bytes < targetBytes, index < maxFiles {
            var random = SeededRandom(seed: seed, stream: 0x5A_0000 &+ UInt64(index))
            var pick = Int(random.next() % UInt64(total))
            var layout = weights[0].0
            for (candidate, weight) in weights {
                if pick < weight {
                    layout = candidate
                    break
                }
                pick -= weight
            }
            var file = ShareFile(layout: layout, index: index, random: random, asOf: asOf, scale: scale)
            let written = try file.write(root: root, label: label)
            summary.files += 1
            summary.bytes += written
            summary.layouts[layout, default: 0] += 1
            if let classification = file.classification { summary.expected[file.path] = classification }
            index += 1
            progress?(summary.bytes)
        }
        return summary
    }
}

/// One generated file.
struct ShareFile {
    let layout: ShareLayout
    let index: Int
    var random: SeededRandom
    let asOf: Date
    let scale: ShareCorpusGenerator.Scale
    /// Relative path.
    private(set) var path = ""
    /// Distinct patients with an identifier that identifies alone, and whether only test numbers were written.
    private var patients: Set<UInt64> = []
    private var testOnly = false
    private var currentYear: Int

    init(layout: ShareLayout, index: Int, random: SeededRandom, asOf: Date, scale: ShareCorpusGenerator.Scale) {
        self.layout = layout
        self.index = index
        self.random = random
        self.asOf = asOf
        self.scale = scale
        currentYear = CivilDate.components(days: Int(asOf.timeIntervalSince1970 / 86_400)).year
    }

    var classification: PatientDataClassification? {
        if testOnly { return .testData }
        return PatientDataExposure.classify(patients: patients.count, testData: 0)
    }

    // MARK: Writing

    mutating func write(root: URL, label: ((CorpusLabel) -> Void)?) throws(SynthError) -> Int {
        let folder: String
        let name: String
        let number = String(index)
        switch layout {
        case .clinicList: (folder, name) = (pick(Share.clinicalFolders), "clinic-list-\(number).csv")
        case .bulkExport: (folder, name) = ("Exports/PAS", "registered-patients-\(number).csv")
        case .workbook: (folder, name) = (pick(Share.clinicalFolders), "ward-list-\(number).xlsx")
        case .letter: (folder, name) = ("Referrals/\(2020 + index % 6)", "letter-\(number).txt")
        case .letterDocument: (folder, name) = ("Referrals/\(2020 + index % 6)", "discharge-letter-\(number).docx")
        case .applicationLog: (folder, name) = ("IT/Logs/pas-api", "pas-api-\(number).log")
        case .finance: (folder, name) = ("Finance/\(2020 + index % 6)", "invoices-\(number).csv")
        case .phoneDirectory: (folder, name) = ("Admin/Directory", "telephone-directory-\(number).csv")
        case .jsonExport: (folder, name) = ("Exports/Integration", "patients-\(number).json")
        case .xmlMessages: (folder, name) = ("Exports/Integration", "messages-\(number).xml")
        case .testData: (folder, name) = ("IT/Test", "test-patients-\(number).csv")
        case .minutes: (folder, name) = ("Admin/Minutes", "minutes-\(number).txt")
        case .scottishList: (folder, name) = ("Clinical/Scotland", "chi-list-\(number).csv")
        case .northernIrelandList: (folder, name) = ("Clinical/Northern Ireland", "hc-list-\(number).csv")
        case .binary:
            let kinds = [
                "scan-\(number).png", "policy-\(number).pdf", "old-list-\(number).xls", "backup-\(number).zip",
            ]
            (folder, name) = ("Admin/Scans", kinds[index % kinds.count])
        }
        path = folder + "/" + name
        let url = root.appendingPathComponent(path)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw SynthError(message: "cannot create \(url.deletingLastPathComponent().path)")
        }
        var labels: [CorpusLabel] = []
        let bytes: Int
        switch layout {
        case .workbook:
            let data = workbook(&labels)
            bytes = try save(data, to: url)
        case .letterDocument:
            let data = letterDocument(&labels)
            bytes = try save(data, to: url)
        case .binary:
            bytes = try save(binary(name), to: url)
        default:
            let writer = try LineFileWriter(path: url.path)
            switch layout {
            case .clinicList: try clinicList(writer, &labels)
            case .bulkExport: try bulkExport(writer, &labels)
            case .letter: try letter(writer, &labels)
            case .applicationLog: try applicationLog(writer, &labels)
            case .finance: try finance(writer)
            case .phoneDirectory: try phoneDirectory(writer)
            case .jsonExport: try jsonExport(writer, &labels)
            case .xmlMessages: try xmlMessages(writer, &labels)
            case .testData: try testData(writer, &labels)
            case .minutes: try minutes(writer)
            case .scottishList: try scottishList(writer, &labels)
            case .northernIrelandList: try northernIrelandList(writer, &labels)
            default: break
            }
            bytes = try writer.close()
        }
        for entry in labels { label?(entry) }
        return bytes
    }

    private func save(_ data: Data, to url: URL) throws(SynthError) -> Int {
        do {
            try data.write(to: url)
        } catch {
            throw SynthError(message: "cannot write \(url.path)")
        }
        return data.count
    }

    private mutating func rows(small: ClosedRange<Int>, large: ClosedRange<Int>) -> Int {
        let range = scale == .small ? small : large
        return range.lowerBound + Int(random.next() % UInt64(range.count))
    }

    private mutating func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
    private mutating func chance(_ probability: Double) -> Bool { random.chance(probability) }
    private mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(UnicodeScalar(UInt8(48 + random.next() % 10))) })
    }

    private func mark(_ labels: inout [CorpusLabel], _ kind: PatientIdentifierKind, line: Int, test: Bool = false) {
        labels.append(CorpusLabel(file: path, kind: kind, location: ContentLocation(line: line), isTestData: test))
    }

    // MARK: Identifiers

    /// A valid NHS number of England and Wales.
    private mutating func nhsNumber() -> UInt64 {
        while true {
            let first9 = (random.next() % 2 == 0 ? 400_000_000 : 600_000_000) + random.next() % 100_000_000
            if let check = Share.checkDigit(first9) { return first9 * 10 + check }
        }
    }

    /// A valid number from the test range 999….
    private mutating func testNumber() -> UInt64 {
        while true {
            let first9 = 999_000_000 + random.next() % 1_000_000
            if let check = Share.checkDigit(first9) { return first9 * 10 + check }
        }
    }

    /// A valid Northern Ireland H&C number.
    private mutating func healthAndCareNumber() -> UInt64 {
        while true {
            let first9 = 320_000_000 + random.next() % 80_000_000
            if let check = Share.checkDigit(first9) { return first9 * 10 + check }
        }
    }

    /// A valid CHI number for a date of birth.
    private mutating func chiNumber(_ date: (Int, Int, Int)) -> UInt64 {
        while true {
            let prefix = UInt64(date.0 * 10_000 + date.1 * 100 + date.2 % 100)
            let first9 = prefix * 1_000 + random.next() % 1_000
            if let check = Share.checkDigit(first9) { return first9 * 10 + check }
        }
    }

    /// A random 10-digit number that is not a health number (a decoy), half of them made to pass the check on purpose.
    private mutating func decoyNumber() -> UInt64 {
        if chance(0.5) {
            return nhsNumber()
        }
        return 1_000_000_000 + random.next() % 9_000_000_000
    }

    /// An NHS number with its last digit wrong (a typing error): fails the check.
    private func mistyped(_ number: UInt64) -> UInt64 { number / 10 * 10 + (number % 10 + 1) % 10 }

    private func spaced(_ number: UInt64) -> String {
        let text = Share.padded(number)
        return "\(text.prefix(3)) \(text.dropFirst(3).prefix(3)) \(text.suffix(4))"
    }

    private mutating func formatted(_ number: UInt64) -> String {
        chance(0.6) ? spaced(number) : Share.padded(number)
    }

    private mutating func dateOfBirth() -> (Int, Int, Int) {
        (1 + Int(random.next() % 28), 1 + Int(random.next() % 12), currentYear - 1 - Int(random.next() % 95))
    }

    private func ukDate(_ date: (Int, Int, Int)) -> String {
        "\(Share.two(date.0))/\(Share.two(date.1))/\(date.2)"
    }

    private func isoDate(_ date: (Int, Int, Int)) -> String {
        "\(date.2)-\(Share.two(date.1))-\(Share.two(date.0))"
    }

    private mutating func postcode(areas: [String] = Share.englishAreas) -> String {
        let letters = Array("ABDEFGHJLNPQRSTUWXYZ")
        return
            "\(pick(areas))\(1 + random.next() % 20) \(random.next() % 10)\(letters[Int(random.next() % 20)])\(letters[Int(random.next() % 20)])"
    }

    private mutating func person() -> (given: String, surname: String, title: String) {
        let (given, surname, _) = NamePool.person(Int(random.next() % 1_000_000), salt: 7)
        return (given, surname, pick(["Mr", "Mrs", "Ms", "Miss", "Mx"]))
    }

    private mutating func mobile() -> String { "07700 900\(digits(3))" }
    /// A mobile number as a spreadsheet mangles it (leading zero dropped): ten digits starting 7.
    private mutating func mangledMobile() -> String { "7700900\(digits(3))" }
    private mutating func landline() -> String { "0113 496 0\(digits(3))" }

    // MARK: Layouts

    private mutating func clinicList(_ out: LineFileWriter, _ labels: inout [CorpusLabel]) throws(SynthError) {
        // Most lists say what the number is; some call it a patient ID, or just a number.
        let heading = pick(["NHS Number", "NHS Number", "NHS Number", "NHS No.", "NHS No.", "Patient ID", "Number"])
        try out.line("\(heading),Surname,Forename,Date of Birth,Postcode,Mobile,Appointment,Clinic,Notes")
        for _ in 0..<rows(small: 6...60, large: 20...800) {
            let who = person()
            let line = out.lineNumber
            var nhs = nhsNumber()
            if chance(0.02) {
                nhs = mistyped(nhs)
                // A mistyped NHS number is no NHS number; under "Patient ID" it is still a patient's identifier.
                if heading == "Patient ID" { mark(&labels, .hospitalNumber, line: line) }
            } else {
                mark(&labels, .nhsNumber, line: line)
                patients.insert(nhs)
            }
            let birth = dateOfBirth()
            mark(&labels, .dateOfBirth, line: line)
            mark(&labels, .postcode, line: line)
            let phone = chance(0.4) ? mangledMobile() : mobile()
            let name = chance(0.1) ? "\"\(who.surname), \(who.given)\"" : who.surname
            var notes = pick(["", "Interpreter needed", "\"Wheelchair, transport booked\"", "Follow up 6 weeks"])
            if chance(0.05) { notes = "\"Letter sent\nGP informed\"" }
            try out.line(
                "\(formatted(nhs)),\(name),\(who.given),\(ukDate(birth)),\(postcode()),\(phone),\(Share.two(1 + Int(random.next() % 28)))/0\(1 + random.next() % 9)/\(currentYear),\(pick(Share.clinics)),\(notes)"
            )
        }
    }

    private mutating func bulkExport(_ out: LineFileWriter, _ labels: inout [CorpusLabel]) throws(SynthError) {
        try out.line(
            "nhs_number,family_name,given_name,birth_date,address_line_1,postcode,gp_practice_code,registered_date")
        for _ in 0..<rows(small: 1_000...1_400, large: 5_000...60_000) {
            let who = person()
            let nhs = nhsNumber()
            patients.insert(nhs)
            let line = out.lineNumber
            mark(&labels, .nhsNumber, line: line)
            mark(&labels, .dateOfBirth, line: line)
            mark(&labels, .postcode, line: line)
            try out.line(
                "\(Share.padded(nhs)),\(who.surname),\(who.given),\(isoDate(dateOfBirth())),\(1 + random.next() % 200) \(pick(Share.streets)),\(postcode()),B8\(digits(4)),\(currentYear - Int(random.next() % 20))-0\(1 + random.next() % 9)-1\(random.next() % 9)"
            )
        }
    }

    private mutating func workbook(_ labels: inout [CorpusLabel]) -> Data {
        typealias Cell = OfficePackage.Cell
        var table: [[Cell]] = [
            [
                .text("Hospital No"), .text("NHS No"), .text("Surname"), .text("Forename"), .text("DOB"),
                .text("Postcode"), .text("Contact number"), .text("Ward"),
            ]
        ]
        for row in 2...(1 + rows(small: 8...80, large: 20...1_500)) {
            let who = person()
            let nhs = nhsNumber()
            patients.insert(nhs)
            let birth = dateOfBirth()
            let serial = CivilDate.days(year: birth.2, month: birth.1, day: birth.0) + 25_569
            for (column, kind) in [
                (0, PatientIdentifierKind.hospitalNumber), (1, .nhsNumber), (4, .dateOfBirth), (5, .postcode),
            ] {
                labels.append(
                    CorpusLabel(
                        file: path, kind: kind,
                        location: ContentLocation(
                            sheet: "Patients", cell: OfficePackage.columnName(column) + String(row))))
            }
            table.append([
                .text("K\(digits(6))"), chance(0.5) ? .number(String(nhs)) : .text(spaced(nhs)), .text(who.surname),
                .text(who.given), .number(String(serial)), .text(postcode()),
                .number(chance(0.5) ? mangledMobile() : "113496\(digits(4))"), .text(pick(Share.wards)),
            ])
        }
        let summary: [[Cell]] = [
            [.text("Ward"), .text("Beds"), .text("Occupied")],
            [.text(pick(Share.wards)), .number("28"), .number(String(20 + random.next() % 8))],
        ]
        return OfficePackage.workbook([("Patients", table), ("Summary", summary)])
    }

    private mutating func letterHeader(_ out: LineFileWriter, _ labels: inout [CorpusLabel]) throws(SynthError) {
        try out.line("Northgate University Hospitals NHS Foundation Trust")
        mark(&labels, .postcode, line: out.lineNumber)
        try out.line("\(pick(Share.clinics)) Department, 1 Park Row, Leeds \(postcode(areas: ["LS"]))")
        try out.line("Tel: \(landline())   Fax: \(landline())")
        try out.line("")
        try out.line("Dated: \(Share.two(1 + Int(random.next() % 28)))/0\(1 + random.next() % 9)/\(currentYear)")
        try out.line("Our ref: \(Share.padded(decoyNumber()))")
        try out.line("")
    }

    private mutating func letter(_ out: LineFileWriter, _ labels: inout [CorpusLabel]) throws(SynthError) {
        try letterHeader(out, &labels)
        let who = person()
        let doctor = person()
        try out.line("Dr \(doctor.given.prefix(1)) \(doctor.surname)")
        mark(&labels, .postcode, line: out.lineNumber)
        try out.line(
            "\(pick(Share.practices)), \(1 + random.next() % 90) \(pick(Share.streets)), Leeds \(postcode(areas: ["LS"]))"
        )
        try out.line("")
        try out.line("Dear Dr \(doctor.surname)")
        try out.line("")
        let nhs = nhsNumber()
        patients.insert(nhs)
        let line = out.lineNumber
        mark(&labels, .dateOfBirth, line: line)
        mark(&labels, .nhsNumber, line: line)
        try out.line(
            "Re: \(who.title) \(who.given) \(who.surname)   DOB: \(ukDate(dateOfBirth()))   NHS No: \(spaced(nhs))")
        if chance(0.6) {
            mark(&labels, .hospitalNumber, line: out.lineNumber)
            try out.line("Hospital No: K\(digits(6))")
        }
        mark(&labels, .postcode, line: out.lineNumber)
        try out.line("Address: \(1 + random.next() % 200) \(pick(Share.streets)), Leeds \(postcode(areas: ["LS"]))")
        try out.line("")
        for _ in 0..<(2 + Int(random.next() % 4)) { try out.line(pick(Share.prose)) }
        try out.line(
            "I saw \(who.title) \(who.surname) in clinic on \(Share.two(1 + Int(random.next() % 28)))/0\(1 + random.next() % 9)/\(currentYear) and will review in \(2 + random.next() % 10) weeks."
        )
        try out.line("If you have any questions please call the secretaries on \(landline()).")
        try out.line("")
        try out.line("Yours sincerely")
    }

    private mutating func letterDocument(_ labels: inout [CorpusLabel]) -> Data {
        typealias Block = OfficePackage.Block
        var blocks: [Block] = []
        var paragraph = 1
        func add(_ text: String) {
            blocks.append(.paragraph(text))
            paragraph += 1
        }
        add("Northgate University Hospitals NHS Foundation Trust")
        mark(&labels, .postcode, line: paragraph)
        add("Discharge summary, 1 Park Row, Leeds \(postcode(areas: ["LS"]))")
        add("Ward telephone: \(landline())")
        add("Our ref: \(Share.padded(decoyNumber()))")
        let who = person()
        let nhs = nhsNumber()
        patients.insert(nhs)
        let birth = dateOfBirth()
        // A table: header row, then the patient's row (cells are located at the row's first paragraph).
        let valueRow = paragraph + 3
        mark(&labels, .dateOfBirth, line: valueRow)
        mark(&labels, .nhsNumber, line: valueRow)
        blocks.append(
            .table([
                ["Name", "Date of Birth", "NHS Number"],
                ["\(who.title) \(who.given) \(who.surname)", ukDate(birth), spaced(nhs)],
            ]))
        paragraph += 6
        add("Admitted: \(Share.two(1 + Int(random.next() % 28)))/0\(1 + random.next() % 9)/\(currentYear)")
        for _ in 0..<(2 + Int(random.next() % 4)) { add(pick(Share.prose)) }
        mark(&labels, .postcode, line: paragraph)
        add("Home address: \(1 + random.next() % 200) \(pick(Share.streets)), Leeds \(postcode(areas: ["LS"]))")
        add("Yours sincerely")
        return OfficePackage.document(blocks)
    }

    private mutating func applicationLog(_ out: LineFileWriter, _ labels: inout [CorpusLabel]) throws(SynthError) {
        var seconds = Int(random.next() % 80_000)
        let day = "\(currentYear)-0\(1 + random.next() % 9)-1\(random.next() % 9)"
        for _ in 0..<rows(small: 200...2_000, large: 20_000...200_000) {
            seconds += Int(random.next() % 3)
            let stamp =
                "\(day)T\(Share.two(seconds / 3600 % 24)):\(Share.two(seconds / 60 % 60)):\(Share.two(seconds % 60)).\(digits(3))Z"
            let thread = "http-nio-8080-exec-\(1 + random.next() % 20)"
            switch random.next() % 100 {
            case 0..<3:
                let nhs = nhsNumber()
                patients.insert(nhs)
                mark(&labels, .nhsNumber, line: out.lineNumber)
                try out.line(
                    "\(stamp) INFO  [\(thread)] c.n.pas.api.RequestLogger - GET /api/v2/patients/\(Share.padded(nhs))/summary 200 \(5 + random.next() % 400)ms"
                )
            case 3..<15:
                try out.line(
                    "\(stamp) INFO  [\(thread)] c.n.pas.orders.Dispatcher - order \(Share.padded(decoyNumber())) dispatched to pharmacy \(digits(4))"
                )
            case 15..<25:
                try out.line(
                    "\(stamp) DEBUG [\(thread)] c.n.pas.cache.Lookup - lookup id=\(Share.padded(1_000_000_000 + random.next() % 9_000_000_000)) result=miss ttl=\(digits(3))"
                )
            case 25..<30:
                try out.line(
                    "\(stamp) WARN  [\(thread)] c.n.pas.billing.Gateway - txn \(Share.padded(decoyNumber())) retry \(1 + random.next() % 3) of 3 from 10.\(random.next() % 255).\(random.next() % 255).\(random.next() % 255)"
                )
            default:
                try out.line(
                    "\(stamp) INFO  [\(thread)] c.n.pas.api.RequestLogger - GET /api/v2/\(pick(["wards", "clinics", "beds", "health"]))/\(digits(3)) 200 \(5 + random.next() % 400)ms user=u\(digits(5)) session=\(digits(8))"
                )
            }
        }
    }

    private mutating func finance(_ out: LineFileWriter) throws(SynthError) {
        try out.line("Invoice No,Order No,Supplier,Account No,Sort Code,Amount,Invoice Date,PO Number")
        for _ in 0..<rows(small: 30...300, large: 2_000...60_000) {
            try out.line(
                "\(Share.padded(decoyNumber())),\(chance(0.5) ? "ORD-" : "")\(Share.padded(decoyNumber())),\(pick(Share.suppliers)),\(digits(8)),\(digits(2))-\(digits(2))-\(digits(2)),\(random.next() % 90_000).\(digits(2)),\(Share.two(1 + Int(random.next() % 28)))/0\(1 + random.next() % 9)/\(currentYear),\(Share.padded(decoyNumber()))"
            )
        }
    }

    private mutating func phoneDirectory(_ out: LineFileWriter) throws(SynthError) {
        try out.line("Name,Department,Extension,Direct Dial,Mobile,Bleep")
        for _ in 0..<rows(small: 30...200, large: 500...5_000) {
            let who = person()
            try out.line(
                "\(who.given) \(who.surname),\(pick(Share.clinics)),\(digits(5)),\(landline()),\(chance(0.5) ? mangledMobile() : mobile()),\(digits(4))"
            )
        }
    }

    private mutating func jsonExport(_ out: LineFileWriter, _ labels: inout [CorpusLabel]) throws(SynthError) {
        try out.line("[")
        let count = rows(small: 5...60, large: 100...20_000)
        for number in 0..<count {
            let who = person()
            let nhs = nhsNumber()
            patients.insert(nhs)
            let line = out.lineNumber
            mark(&labels, .nhsNumber, line: line)
            mark(&labels, .dateOfBirth, line: line)
            mark(&labels, .postcode, line: line)
            try out.line(
                "  {\"resourceType\": \"Patient\", \"nhsNumber\": \"\(Share.padded(nhs))\", \"name\": {\"family\": \"\(who.surname)\", \"given\": \"\(who.given)\"}, \"birthDate\": \"\(isoDate(dateOfBirth()))\", \"address\": {\"postalCode\": \"\(postcode())\"}, \"telecom\": \"\(mobile())\", \"orderId\": \"\(Share.padded(decoyNumber()))\"}\(number + 1 < count ? "," : "")"
            )
        }
        try out.line("]")
    }

    private mutating func xmlMessages(_ out: LineFileWriter, _ labels: inout [CorpusLabel]) throws(SynthError) {
        try out.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        try out.line("<Messages>")
        for _ in 0..<rows(small: 5...50, large: 100...10_000) {
            let who = person()
            let nhs = nhsNumber()
            patients.insert(nhs)
            let line = out.lineNumber
            mark(&labels, .nhsNumber, line: line)
            mark(&labels, .dateOfBirth, line: line)
            mark(&labels, .postcode, line: line)
            try out.line(
                "  <PatientRecord><NHSNumber>\(Share.padded(nhs))</NHSNumber><Name><Family>\(who.surname)</Family><Given>\(who.given)</Given></Name><BirthDate>\(isoDate(dateOfBirth()))</BirthDate><Postcode>\(postcode())</Postcode><MessageId>\(Share.padded(decoyNumber()))</MessageId></PatientRecord>"
            )
        }
        try out.line("</Messages>")
    }

    private mutating func testData(_ out: LineFileWriter, _ labels: inout [CorpusLabel]) throws(SynthError) {
        testOnly = true
        try out.line("NHS Number,Surname,Forename,DOB")
        for row in 0..<rows(small: 10...60, large: 100...2_000) {
            let line = out.lineNumber
            mark(&labels, .nhsNumber, line: line, test: true)
            mark(&labels, .dateOfBirth, line: line)
            try out.line("\(spaced(testNumber())),TESTPATIENT,Test\(row),\(ukDate(dateOfBirth()))")
        }
    }

    private mutating func minutes(_ out: LineFileWriter) throws(SynthError) {
        try out.line(
            "Minutes of the \(pick(Share.committees)) meeting held on \(Share.two(1 + Int(random.next() % 28)))/0\(1 + random.next() % 9)/\(currentYear)"
        )
        try out.line(
            "Present: \(person().given) \(person().surname) (Chair), \(person().given) \(person().surname), \(person().given) \(person().surname)"
        )
        try out.line("")
        for item in 1...(3 + Int(random.next() % (scale == .small ? 8 : 60))) {
            try out.line("\(item). \(pick(Share.agenda))")
            for _ in 0..<(1 + Int(random.next() % 4)) { try out.line("   \(pick(Share.prose))") }
            try out.line(
                "   Action \(item).\(1 + random.next() % 4): budget of £\(1 + random.next() % 900),\(digits(3)) agreed; room \(1 + random.next() % 9).\(digits(2)); call \(landline()); due \(Share.two(1 + Int(random.next() % 28)))/\(Share.two(1 + Int(random.next() % 12)))/\(currentYear); ref \(Share.padded(decoyNumber()))"
            )
        }
    }

    private mutating func scottishList(_ out: LineFileWriter, _ labels: inout [CorpusLabel]) throws(SynthError) {
        try out.line("CHI Number,Surname,Forename,Date of Birth,Postcode")
        for _ in 0..<rows(small: 6...40, large: 20...2_000) {
            let who = person()
            let birth = dateOfBirth()
            let chi = chiNumber(birth)
            patients.insert(chi)
            let line = out.lineNumber
            mark(&labels, .chiNumber, line: line)
            mark(&labels, .dateOfBirth, line: line)
            mark(&labels, .postcode, line: line)
            try out.line(
                "\(Share.padded(chi)),\(who.surname),\(who.given),\(ukDate(birth)),\(postcode(areas: Share.scottishAreas))"
            )
        }
    }

    private mutating func northernIrelandList(_ out: LineFileWriter, _ labels: inout [CorpusLabel]) throws(SynthError) {
        try out.line("H&C Number,Surname,Forename,Date of Birth,Postcode")
        for _ in 0..<rows(small: 6...40, large: 20...2_000) {
            let who = person()
            let number = healthAndCareNumber()
            patients.insert(number)
            let line = out.lineNumber
            mark(&labels, .healthAndCareNumber, line: line)
            mark(&labels, .dateOfBirth, line: line)
            mark(&labels, .postcode, line: line)
            try out.line(
                "\(spaced(number)),\(who.surname),\(who.given),\(ukDate(dateOfBirth())),\(postcode(areas: ["BT"]))")
        }
    }

    private mutating func binary(_ name: String) -> Data {
        var bytes: [UInt8]
        if name.hasSuffix(".png") {
            bytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        } else if name.hasSuffix(".pdf") {
            bytes = Array("%PDF-1.7\n".utf8)
        } else if name.hasSuffix(".xls") {
            bytes = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        } else {
            bytes = [0x50, 0x4B, 0x03, 0x04]
        }
        let size = scale == .small ? 2_000 : 200_000 + Int(random.next() % 2_000_000)
        bytes.reserveCapacity(size)
        while bytes.count < size {
            let word = random.next()
            for shift in stride(from: 0, to: 64, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return Data(bytes)
    }
}

/// Word lists and helpers of the generated share.
enum Share {
    static let clinicalFolders = [
        "Clinical/Outpatients", "Clinical/Cardiology", "Clinical/Diabetes", "Clinical/Orthopaedics", "Clinical/Wards",
    ]
    static let clinics = [
        "Cardiology", "Diabetes", "Orthopaedics", "Dermatology", "Respiratory", "Rheumatology", "Urology",
        "Ophthalmology",
    ]
    static let wards = ["Ward 4", "Ward 12", "Beech", "Oak", "Willow", "AMU", "Coronary Care"]
    static let practices = ["Riverside Surgery", "Castle Street Medical Centre", "Hillview Health Centre"]
    static let streets = [
        "Oak Street", "Mill Lane", "Station Road", "Church Street", "Park Avenue", "Victoria Road", "High Street",
    ]
    static let suppliers = [
        "\"Medical Supplies, Ltd\"", "Northern Linen Services", "PharmaCo UK", "Office Direct", "Estates Maintenance",
    ]
    static let committees = ["Clinical Governance", "Information Governance", "Finance and Performance", "Estates"]
    static let agenda = [
        "Apologies and declarations of interest", "Minutes of the last meeting", "Data security and protection toolkit",
        "Serious incidents", "Budget and capital plan", "Any other business",
    ]
    static let prose = [
        "The patient was reviewed and the plan discussed with the family.",
        "Bloods were taken today; results will follow in 5 to 7 days.",
        "Medication was continued at 20 mg once daily.",
        "The committee noted the update and asked for a further report in 3 months.",
        "Version 10.0.19045 of the client was deployed to 412 machines.",
        "Waiting times remain above the 18 week standard for 23% of referrals.",
        "ISBN 978-0-19-953556-9 was recommended as background reading.",
    ]
    static let englishAreas = ["LS", "BD", "HG", "WF", "YO", "HU", "S", "M", "B", "L", "NE", "SW", "EC"]
    static let scottishAreas = ["EH", "G", "AB", "DD", "KY", "FK", "PA", "IV"]

    static func checkDigit(_ first9: UInt64) -> UInt64? {
        var rest = first9
        var sum: UInt64 = 0
        for weight in UInt64(2)...10 {
            sum += (rest % 10) * weight
            rest /= 10
        }
        let check = 11 - sum % 11
        if check == 11 { return 0 }
        return check == 10 ? nil : check
    }

    static func padded(_ number: UInt64) -> String {
        let text = String(number)
        return String(repeating: "0", count: max(0, 10 - text.count)) + text
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}

/// A text file written line by line, counting lines.
final class LineFileWriter {
    private let writer: EstateFileWriter
    private(set) var lineNumber = 1
    private var bytes = 0

    init(path: String) throws(SynthError) {
        writer = try EstateFileWriter(path: path)
    }

    func line(_ text: String) throws(SynthError) {
        try writer.write(text)
        try writer.write("\n")
        lineNumber += 1 + text.utf8.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        bytes += text.utf8.count + 1
    }

    /// Closes the file and returns its size.
    func close() throws(SynthError) -> Int {
        try writer.close()
        return bytes
    }
}
