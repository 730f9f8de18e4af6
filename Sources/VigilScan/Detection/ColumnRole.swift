import VigilIO

/// What a column of a table holds, judged from its header (`NHS No`, `DOB`, `Mobile`…).
enum ColumnRole: UInt8, Sendable {
    /// Nothing the header says.
    case unknown
    case healthNumber
    case hospitalNumber
    case dateOfBirth
    case otherDate
    case name
    case postcode
    /// A phone, order, invoice, account, reference… column: 10-digit numbers in it are not health numbers.
    case other

    /// The role of a column headed `header`.
    static func of(header: some Collection<UInt8>) -> ColumnRole {
        // Compact form: lower-case letters, digits and '&' only ("NHS No." → "nhsno", "Date of Birth" → "dateofbirth").
        var compact: [UInt8] = []
        compact.reserveCapacity(min(header.count, 64))
        for byte in header.prefix(64) where Byte.isAlphanumeric(byte) || byte == UInt8(ascii: "&") {
            compact.append(Byte.lower(byte))
        }
        guard !compact.isEmpty else { return .unknown }
        return compact.withUnsafeBufferPointer { text in
            func has(_ words: [[UInt8]]) -> Bool { words.contains { Self.contains(text, $0) } }
            func starts(_ words: [[UInt8]]) -> Bool { words.contains { text.starts(with: $0) } }
            func ends(_ words: [[UInt8]]) -> Bool {
                words.contains { text.count >= $0.count && text.suffix($0.count).elementsEqual($0) }
            }
            func equals(_ words: [[UInt8]]) -> Bool { words.contains { text.elementsEqual($0) } }
            if has(Words.notPatient) { return .other }
            if has(Words.health) || equals(Words.chi) || starts(Words.healthStarts) || ends(Words.healthEnds) {
                return .healthNumber
            }
            if has(Words.hospital) { return .hospitalNumber }
            if has(Words.birth) || equals(Words.born) { return .dateOfBirth }
            if has(Words.other) || equals(Words.otherExact) || starts(Words.otherStarts) || ends(Words.otherEnds) {
                return .other
            }
            if has(Words.dates) { return .otherDate }
            if has(Words.postcode) { return .postcode }
            if has(Words.notNames) { return .unknown }
            if has(Words.names) || equals(Words.patient) { return .name }
            return .unknown
        }
    }

    /// Whether `needle` occurs in `text`.
    private static func contains(_ text: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard needle.count <= text.count, let first = needle.first else { return false }
        var index = 0
        while index + needle.count <= text.count {
            if text[index] == first {
                var offset = 1
                while offset < needle.count, text[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            index += 1
        }
        return false
    }

    /// The words headers are judged by, in their compact form (lower-case letters, digits and `&`).
    private enum Words {
        static func bytes(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }
        static let notPatient = bytes(["email", "nhsmail", "trust", "site", "organisation", "ods"])
        static let health = bytes([
            "nhs", "communityhealthindex", "healthandcare", "h&c", "healthcareno", "healthcarenumber",
        ])
        static let chi = bytes(["chi"])
        static let healthStarts = bytes(["chino", "chinum", "hcno", "hcnum", "hcn"])
        static let healthEnds = bytes(["chino", "chinumber"])
        static let hospital = bytes([
            "mrn", "hospitalno", "hospitalnum", "hospitalid", "hospno", "hospnum", "unitno", "unitnum", "casenote",
            "pasno", "pasnum", "pasid", "patientid", "patientno", "patientnum", "medicalrecord", "recordno",
            "recordnumber", "localpatient", "districtno",
        ])
        static let birth = bytes(["dob", "dateofbirth", "birthdate", "birthday", "dateofb"])
        static let born = bytes(["born"])
        static let other = bytes([
            "phone", "tel", "mobile", "fax", "contactno", "contactnum", "landline", "order", "invoice", "account",
            "acct", "sortcode", "transaction", "txn", "serial", "barcode", "tracking", "policy", "amount", "price",
            "cost", "total", "qty", "quantity", "staff", "employee", "payroll", "badge", "card", "iban", "purchase",
            "customer", "supplier", "vendor", "booking", "ticket", "receipt", "payment", "messageid", "msgid",
            "correlationid", "requestid", "traceid", "sessionid", "batch",
        ])
        static let otherExact = bytes(["ref", "po"])
        static let otherStarts = bytes(["ref", "reference", "pono", "ponum", "mob"])
        static let otherEnds = bytes(["ref"])
        static let dates = bytes([
            "date", "admitted", "discharged", "appointment", "appt", "seen", "created", "updated", "time",
        ])
        static let postcode = bytes(["postcode", "postalcode", "zip"])
        static let notNames = bytes([
            "username", "filename", "hostname", "servername", "sheetname", "drugname", "wardname", "sitename",
        ])
        static let names = bytes(["name", "surname", "forename", "firstname", "lastname", "givenname", "familyname"])
        static let patient = bytes(["patient"])
    }

    /// Whether the role says the column holds something other than a health number.
    var excludesHealthNumbers: Bool {
        switch self {
        case .other, .dateOfBirth, .otherDate, .postcode, .name: true
        case .unknown, .healthNumber, .hospitalNumber: false
        }
    }
}

/// The columns of a table whose header was read: one role per column, and whether any column holds names (a date of
/// birth counts only beside a name).
struct TableHeader: Sendable {
    var roles: [ColumnRole]
    var hasNames: Bool

    init(roles: [ColumnRole]) {
        self.roles = roles
        hasNames = roles.contains(.name)
    }

    /// Whether a row whose cells have these roles looks like a header: at least one known role.
    var isHeader: Bool { roles.contains { $0 != .unknown } }

    /// The header a row of cells makes, or `nil` when the row is not one: a header has at least two cells, names at
    /// least one known column, and holds no value (no cell with five digits or more: a number, a date).
    static func from(cells: [[UInt8]]) -> TableHeader? {
        guard cells.filter({ !$0.isEmpty }).count >= 2 else { return nil }
        for cell in cells where cell.reduce(0, { Byte.isDigit($1) ? $0 + 1 : $0 }) >= 5 { return nil }
        let header = TableHeader(roles: cells.map { ColumnRole.of(header: $0) })
        return header.isHeader ? header : nil
    }

    func role(_ column: Int) -> ColumnRole { column < roles.count ? roles[column] : .unknown }
}
