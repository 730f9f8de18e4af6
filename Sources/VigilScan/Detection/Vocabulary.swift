/// What a word beside a value, or a column's header, says the value is.
enum Cue: UInt8, Sendable {
    /// An NHS, CHI or H&C number ("NHS No", "CHI", "H&C number").
    case healthNumber
    /// Something about a patient ("patient", "/patients/").
    case patient
    /// Something that is not a health number: a phone, order, invoice, account, reference…
    case other
    /// A hospital number ("MRN", "Hospital No", "Unit number", "PAS ID").
    case hospitalNumber
    /// A date of birth ("DOB", "Date of birth", "born").
    case dateOfBirth
    /// A person's name ("Name", "Surname", "Mrs").
    case name
    /// A postcode.
    case postcode
    /// A date that is not a date of birth ("Appointment date", "Admitted").
    case otherDate
}

/// The words Vigil looks for beside values, matched case-insensitively at the start of a word (a camelCase hump
/// counts as a start). In a keyword, a space stands for one optional separator (` `, `_`, `-`, `.`, `/`) or none, so
/// `date of birth` matches `Date of Birth`, `date_of_birth` and `dateOfBirth`.
struct Vocabulary: Sendable {
    struct Keyword: Sendable {
        /// Lower-case words.
        var words: [[UInt8]]
        var cue: Cue
        /// Whether the last word may run on into more letters (`order` matches `orders`, `orderId`).
        var prefix: Bool
    }

    /// Keywords by the lower-case letter they start with (index 0–25), `&` and others in bucket 26.
    private let buckets: [[Keyword]]

    init(_ entries: [(String, Cue, Bool)]) {
        var buckets = [[Keyword]](repeating: [], count: 27)
        for (text, cue, prefix) in entries {
            let words = text.split(separator: " ").map { Array($0.utf8) }
            let first = words[0][0]
            buckets[Byte.isLower(first) ? Int(first - 0x61) : 26].append(
                Keyword(words: words, cue: cue, prefix: prefix))
        }
        self.buckets = buckets
    }

    /// The cue of the keyword ending closest to `end` within `base[start..<end]` (a window before a value), and how
    /// far before `end` it ends; `nil` when none occurs. `floor` is where the segment really begins (a byte before the
    /// window start decides whether the window starts mid-word).
    func nearestCue(_ base: UnsafePointer<UInt8>, floor: Int, start: Int, end: Int) -> (cue: Cue, distance: Int)? {
        var best: (cue: Cue, end: Int)?
        var index = start
        while index < end {
            let byte = base[index]
            guard Byte.isLetter(byte) || byte == UInt8(ascii: "&") else {
                index += 1
                continue
            }
            let previous: UInt8 = index > floor ? base[index - 1] : 0x20
            let wordStart = !Byte.isLetter(previous) || (Byte.isLower(previous) && Byte.isUpper(byte))
            if wordStart {
                let lowered = Byte.lower(byte)
                let bucket = Byte.isLower(lowered) ? Int(lowered - 0x61) : 26
                for keyword in buckets[bucket] {
                    if let matchEnd = match(keyword, base, at: index, end: end),
                        best == nil || matchEnd > best!.end
                    {
                        best = (keyword.cue, matchEnd)
                    }
                }
            }
            index += 1
        }
        return best.map { ($0.cue, end - $0.end) }
    }

    /// The end of `keyword` matched at `index`, or `nil`.
    private func match(_ keyword: Keyword, _ base: UnsafePointer<UInt8>, at index: Int, end: Int) -> Int? {
        var position = index
        for (number, word) in keyword.words.enumerated() {
            if number > 0, position < end, Self.isSeparator(base[position]) { position += 1 }
            guard position + word.count <= end else { return nil }
            for offset in 0..<word.count where Byte.lower(base[position + offset]) != word[offset] { return nil }
            position += word.count
        }
        if !keyword.prefix, position < end {
            let next = base[position]
            // A whole word: the next byte is not a lower-case continuation (`reference` is not `ref`; `RefNo` is).
            if Byte.isLower(next) || (Byte.isUpper(next) && Byte.isUpper(base[position - 1])) { return nil }
        }
        return position
    }

    @inline(__always)
    static func isSeparator(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "/")
    }

    /// Words near a 10-digit number: what it is, or what it is not.
    static let numbers = Vocabulary([
        ("nhs", .healthNumber, true), ("chi", .healthNumber, false), ("chi no", .healthNumber, true),
        ("community health index", .healthNumber, false), ("h&c", .healthNumber, true),
        ("hcn", .healthNumber, false), ("health and care", .healthNumber, false),
        ("health & care", .healthNumber, false), ("patient", .patient, true), ("pt no", .patient, false),
        ("tel", .other, false), ("tel no", .other, false), ("telephone", .other, true), ("phone", .other, true),
        ("mob", .other, false), ("mobile", .other, true), ("fax", .other, true), ("call", .other, false),
        ("ring", .other, false), ("contact no", .other, false), ("contact number", .other, false),
        ("order", .other, true), ("ord", .other, false), ("invoice", .other, true), ("inv", .other, false),
        ("account", .other, true),
        ("acct", .other, true), ("a/c", .other, false), ("sort code", .other, false), ("ref", .other, false),
        ("ref no", .other, false), ("reference", .other, true), ("transaction", .other, true),
        ("txn", .other, true), ("tracking", .other, true), ("serial", .other, true), ("barcode", .other, true),
        ("policy", .other, true), ("customer", .other, true), ("cust", .other, false), ("isbn", .other, false),
        ("imei", .other, false), ("iban", .other, false), ("card", .other, true), ("payment", .other, true),
        ("receipt", .other, true), ("booking", .other, true), ("ticket", .other, true), ("po", .other, false),
        ("purchase", .other, true), ("shipment", .other, true), ("parcel", .other, true), ("fx", .other, false),
        ("ddi", .other, false), ("ext", .other, false), ("employee", .other, true), ("staff", .other, true),
        ("payroll", .other, true), ("mrn", .hospitalNumber, false), ("hospital", .hospitalNumber, true),
    ])

    /// Labels before a hospital number.
    static let hospitalNumbers = Vocabulary([
        ("mrn", .hospitalNumber, false), ("hospital no", .hospitalNumber, false),
        ("hospital number", .hospitalNumber, false), ("hospital num", .hospitalNumber, false),
        ("hospital id", .hospitalNumber, false), ("hosp no", .hospitalNumber, false),
        ("hosp num", .hospitalNumber, false), ("unit no", .hospitalNumber, false),
        ("unit number", .hospitalNumber, false), ("case note no", .hospitalNumber, false),
        ("case note number", .hospitalNumber, false), ("casenote no", .hospitalNumber, false),
        ("casenote number", .hospitalNumber, false), ("pas no", .hospitalNumber, false),
        ("pas number", .hospitalNumber, false), ("pas id", .hospitalNumber, false),
        ("patient id", .hospitalNumber, false), ("patient no", .hospitalNumber, false),
        ("patient number", .hospitalNumber, false), ("local patient id", .hospitalNumber, false),
        ("medical record number", .hospitalNumber, false), ("record number", .hospitalNumber, false),
    ])

    /// Labels before a date of birth, and words that make a date something else.
    static let dates = Vocabulary([
        ("dob", .dateOfBirth, false), ("d.o.b", .dateOfBirth, false), ("date of birth", .dateOfBirth, false),
        ("birth date", .dateOfBirth, false), ("birthdate", .dateOfBirth, false), ("born", .dateOfBirth, false),
        ("born on", .dateOfBirth, false), ("dateofbirth", .dateOfBirth, false),
        ("appointment", .otherDate, true), ("appt", .otherDate, true), ("admitted", .otherDate, false),
        ("admission", .otherDate, true), ("discharge", .otherDate, true), ("date", .otherDate, false),
        ("dated", .otherDate, false), ("seen", .otherDate, false), ("clinic", .otherDate, true),
        ("referral", .otherDate, true), ("received", .otherDate, false), ("sent", .otherDate, false),
        ("printed", .otherDate, false), ("created", .otherDate, false), ("updated", .otherDate, false),
        ("due", .otherDate, false), ("expires", .otherDate, false), ("expiry", .otherDate, false),
    ])

    /// Signs of a person's name near a date of birth.
    static let names = Vocabulary([
        ("name", .name, false), ("patient name", .name, false), ("surname", .name, false),
        ("forename", .name, true), ("first name", .name, false), ("last name", .name, false),
        ("family name", .name, false), ("given name", .name, false), ("full name", .name, false),
        ("mr", .name, false), ("mrs", .name, false), ("ms", .name, false), ("miss", .name, false),
        ("mx", .name, false), ("master", .name, false), ("dr", .name, false), ("patient", .name, false),
    ])
}
