public import Foundation

/// A kind of patient identifier Vigil finds in files.
public enum PatientIdentifierKind: String, Codable, Sendable, CaseIterable, Comparable {
    /// NHS number of England, Wales and the Isle of Man (ranges 400–499 and 600–799 million, Modulus 11).
    case nhsNumber = "nhs-number"
    /// Scottish Community Health Index number: date of birth (DDMMYY), four digits, Modulus 11.
    case chiNumber = "chi-number"
    /// Northern Ireland Health and Care number (range 320–399 million, Modulus 11).
    case healthAndCareNumber = "hc-number"
    /// A hospital (medical record, PAS, case-note) number, counted only where a column header or label says so.
    case hospitalNumber = "hospital-number"
    /// A date of birth, counted only where it is labelled as one and a name is beside it.
    case dateOfBirth = "date-of-birth"
    /// A UK postcode (a quasi-identifier: it narrows a person down only with other details).
    case postcode

    /// The kind's name for people.
    public var title: String {
        switch self {
        case .nhsNumber: "NHS number"
        case .chiNumber: "CHI number"
        case .healthAndCareNumber: "H&C number"
        case .hospitalNumber: "hospital number"
        case .dateOfBirth: "date of birth"
        case .postcode: "postcode"
        }
    }

    /// The kind's plural for people.
    public var plural: String {
        switch self {
        case .dateOfBirth: "dates of birth"
        default: title + "s"
        }
    }

    /// Whether the identifier on its own points at one patient (a national or hospital number), as opposed to a detail
    /// that identifies only with others (a date of birth, a postcode).
    public var identifiesAlone: Bool {
        switch self {
        case .nhsNumber, .chiNumber, .healthAndCareNumber, .hospitalNumber: true
        case .dateOfBirth, .postcode: false
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// How sure a detection is, from the number's own checks and its context (column header, nearby words, the share of
/// valid numbers around it).
public enum DetectionConfidence: String, Codable, Sendable, CaseIterable, Comparable {
    case low, medium, high

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Where in a file something was found: a line of text, a cell of a spreadsheet, or a paragraph of a document.
public struct ContentLocation: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// One-based line (text), or paragraph (documents).
    public var line: Int?
    /// The worksheet's name (spreadsheets).
    public var sheet: String?
    /// The cell reference (`B7`).
    public var cell: String?

    public init(line: Int? = nil, sheet: String? = nil, cell: String? = nil) {
        self.line = line
        self.sheet = sheet
        self.cell = cell
    }

    /// `line 12`, `sheet Clinic cell B7`.
    public var description: String {
        if let cell { return sheet.map { "sheet \($0) cell \(cell)" } ?? "cell \(cell)" }
        return line.map { "line \($0)" } ?? "file"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.sheet ?? "", lhs.line ?? 0, lhs.cell?.count ?? 0, lhs.cell ?? "")
            < (rhs.sheet ?? "", rhs.line ?? 0, rhs.cell?.count ?? 0, rhs.cell ?? "")
    }
}

/// The identifiers of one kind found in one file. Holds counts and a masked sample only, never an identifier.
public struct IdentifierTally: Codable, Sendable, Hashable {
    /// The kind.
    public var kind: PatientIdentifierKind
    /// Occurrences accepted (test-range numbers excluded).
    public var count: Int
    /// Distinct values among them.
    public var distinct: Int
    /// Occurrences of numbers in the range reserved for test data (NHS numbers starting 999), counted apart.
    public var testData: Int
    /// The confidence of the best-supported occurrences.
    public var confidence: DetectionConfidence
    /// One occurrence, masked (`943 *** **19`, `**/**/1956`, `LS1 ***`).
    public var sample: String
    /// Where the sample is.
    public var location: ContentLocation

    public init(
        kind: PatientIdentifierKind, count: Int, distinct: Int, testData: Int = 0, confidence: DetectionConfidence,
        sample: String, location: ContentLocation
    ) {
        self.kind = kind
        self.count = count
        self.distinct = distinct
        self.testData = testData
        self.confidence = confidence
        self.sample = sample
        self.location = location
    }
}

/// What a file holding patient identifiers amounts to.
public enum PatientDataClassification: String, Codable, Sendable, CaseIterable, Comparable {
    /// Only numbers from the test range (999…): test data, not patients.
    case testData = "test-data"
    /// One patient, or a handful (a letter, a referral): fewer than ``PatientDataExposure/listThreshold`` patients.
    case singleIdentifier = "single-identifier"
    /// A list of patients: at least ``PatientDataExposure/listThreshold``.
    case patientList = "patient-list"
    /// An export of a whole population: at least ``PatientDataExposure/bulkThreshold`` patients.
    case bulkExport = "bulk-export"

    /// The classification's name for people.
    public var title: String {
        switch self {
        case .testData: "test data"
        case .singleIdentifier: "single identifier"
        case .patientList: "patient list"
        case .bulkExport: "bulk export"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A file that holds patient identifiers: where it is, what it holds (counted and masked), and how it is classified.
/// The estate fact the patient-data analysis joins with permissions and disk encryption.
public struct PatientDataExposure: Codable, Sendable, Hashable, Comparable {
    /// Patients from which a file is a patient list.
    public static let listThreshold = 5
    /// Patients from which a file is a bulk export.
    public static let bulkThreshold = 1_000

    /// The file's path as scanned (absolute, or relative to the bundle).
    public var path: String
    /// The path by which permission evidence (icacls, Get-Acl) names the file (`D:\Shares\Clinical\list.xlsx`), when
    /// the scan root was mapped to one.
    public var aclPath: String?
    /// The host whose disk holds the file, when known.
    public var host: String?
    /// Size in bytes.
    public var bytes: Int
    /// Last modification time.
    public var modified: Date?
    /// The content format read (`csv`, `xlsx`, `docx`, `text`…).
    public var format: String
    /// Single identifier, patient list, bulk export or test data.
    public var classification: PatientDataClassification
    /// The estimated number of distinct patients (the largest distinct count among identifiers that identify alone,
    /// or dates of birth next to names when there are none).
    public var patients: Int
    /// The overall confidence.
    public var confidence: DetectionConfidence
    /// Per kind of identifier, sorted by kind.
    public var identifiers: [IdentifierTally]
    /// ``path`` and ``aclPath`` before health-service numbers in them were masked, for the assessment to mask them as
    /// it masks the permission evidence it joins them with (two numbers that mask alike told apart), in memory only:
    /// never encoded, and dropped once the estate is masked.
    public var unmasked: (path: String, aclPath: String?)? {
        get { unmaskedPath.map { ($0, unmaskedACLPath) } }
        set {
            unmaskedPath = newValue?.path
            unmaskedACLPath = newValue?.aclPath
        }
    }
    private var unmaskedPath: String?
    private var unmaskedACLPath: String?

    enum CodingKeys: String, CodingKey {
        case path, aclPath, host, bytes, modified, format, classification, patients, confidence, identifiers
    }

    public init(
        path: String, aclPath: String? = nil, host: String? = nil, bytes: Int, modified: Date? = nil, format: String,
        classification: PatientDataClassification, patients: Int, confidence: DetectionConfidence,
        identifiers: [IdentifierTally]
    ) {
        self.path = path
        self.aclPath = aclPath
        self.host = host
        self.bytes = bytes
        self.modified = modified
        self.format = format
        self.classification = classification
        self.patients = patients
        self.confidence = confidence
        self.identifiers = identifiers.sorted { $0.kind < $1.kind }
    }

    /// The classification of a file with `patients` distinct patients.
    public static func classify(patients: Int, testData: Int) -> PatientDataClassification? {
        if patients >= bulkThreshold { return .bulkExport }
        if patients >= listThreshold { return .patientList }
        if patients > 0 { return .singleIdentifier }
        return testData > 0 ? .testData : nil
    }

    /// Whether the file lists patients (a patient list or a bulk export).
    public var isPatientList: Bool { classification == .patientList || classification == .bulkExport }

    /// The tally of `kind`, if found.
    public func tally(_ kind: PatientIdentifierKind) -> IdentifierTally? {
        identifiers.first { $0.kind == kind }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.path < rhs.path }
}

/// One folder tree scanned for patient identifiers, and how the scan went: the evidence behind the exposures.
public struct FileScanRecord: Codable, Sendable, Hashable {
    /// The folder as given.
    public var root: String
    /// The path by which permission evidence names the folder, when mapped.
    public var aclRoot: String?
    /// The host whose disk holds it, when known.
    public var host: String?
    /// Regular files found (after include and exclude patterns).
    public var files: Int
    /// Bytes in them.
    public var bytes: Int
    /// Files whose content was read for identifiers (or whose earlier result was reused unchanged).
    public var filesRead: Int
    /// Files skipped as binary or in formats not read (images, PDFs, legacy Office).
    public var filesSkipped: Int
    /// Files that could not be read (permission denied, I/O error, broken archive, limits exceeded).
    public var filesFailed: Int
    /// `true` when the folder, or files in it, had already been listed under an earlier path of the same scan
    /// (`share share/Lists`): its files are counted there, so holding none here is not an empty share. Absent
    /// otherwise.
    public var overlapsEarlierPath: Bool?

    /// Whether the folder held no file at all: most often a share that was not mounted, never a clean scan. A folder
    /// whose files were listed under an earlier path is not empty.
    public var isEmpty: Bool { files == 0 && overlapsEarlierPath != true }

    public init(
        root: String, aclRoot: String? = nil, host: String? = nil, files: Int, bytes: Int, filesRead: Int,
        filesSkipped: Int, filesFailed: Int, overlapsEarlierPath: Bool? = nil
    ) {
        self.overlapsEarlierPath = overlapsEarlierPath
        self.root = root
        self.aclRoot = aclRoot
        self.host = host
        self.files = files
        self.bytes = bytes
        self.filesRead = filesRead
        self.filesSkipped = filesSkipped
        self.filesFailed = filesFailed
    }
}
