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
        let text = String(decoding: compact, as: UTF8.self)
        func has(_ parts: String...) -> Bool { parts.contains { text.contains($0) } }
        func starts(_ parts: String...) -> Bool { parts.contains { text.hasPrefix($0) } }
        if has("email", "nhsmail", "trust", "site", "organisation", "ods") { return .other }
        if has("nhs", "communityhealthindex", "healthandcare", "h&c", "healthcareno", "healthcarenumber")
            || text == "chi" || starts("chino", "chinum", "hcno", "hcnum", "hcn") || text.hasSuffix("chino")
            || text.hasSuffix("chinumber")
        {
            return .healthNumber
        }
        if has(
            "mrn", "hospitalno", "hospitalnum", "hospitalid", "hospno", "hospnum", "unitno", "unitnum", "casenote",
            "pasno", "pasnum", "pasid", "patientid", "patientno", "patientnum", "medicalrecord", "recordno",
            "recordnumber", "localpatient", "districtno")
        {
            return .hospitalNumber
        }
        if has("dob", "dateofbirth", "birthdate", "birthday", "dateofb") || text == "born" { return .dateOfBirth }
        if has(
            "phone", "tel", "mobile", "fax", "contactno", "contactnum", "landline", "order", "invoice", "account",
            "acct", "sortcode", "transaction", "txn", "serial", "barcode", "tracking", "policy", "amount", "price",
            "cost", "total", "qty", "quantity", "staff", "employee", "payroll", "badge", "card", "iban", "purchase",
            "customer", "supplier", "vendor", "booking", "ticket", "receipt", "payment")
            || text == "ref" || starts("ref", "reference") || text.hasSuffix("ref") || text == "po"
            || starts("pono", "ponum", "mob")
        {
            return .other
        }
        if has("date", "admitted", "discharged", "appointment", "appt", "seen", "created", "updated", "time") {
            return .otherDate
        }
        if has("postcode", "postalcode", "zip") { return .postcode }
        if has("username", "filename", "hostname", "servername", "sheetname", "drugname", "wardname", "sitename") {
            return .unknown
        }
        if has("name", "surname", "forename", "firstname", "lastname", "givenname", "familyname") || text == "patient" {
            return .name
        }
        return .unknown
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
