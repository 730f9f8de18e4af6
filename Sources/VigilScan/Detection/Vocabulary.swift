import VigilIO

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
    /// Every keyword's bytes, one after another; a space inside a keyword stands for an optional separator.
    private let text: [UInt8]
    /// Per keyword: where its bytes start and end in `text`, its cue, whether it may run on.
    private let starts: [Int]
    private let ends: [Int]
    private let cues: [Cue]
    private let prefixes: [Bool]
    /// Keyword indexes by first letter (0–25), `&` and others at 26.
    private let buckets: [Range<Int>]

    init(_ entries: [(String, Cue, Bool)]) {
        func bucket(_ byte: UInt8) -> Int { Byte.isLower(byte) ? Int(byte - 0x61) : 26 }
        let sorted = entries.enumerated().sorted { lhs, rhs in
            let (a, b) = (bucket(lhs.element.0.utf8.first!), bucket(rhs.element.0.utf8.first!))
            return a != b ? a < b : lhs.offset < rhs.offset
        }.map(\.element)
        var text: [UInt8] = []
        var starts: [Int] = []
        var ends: [Int] = []
        var buckets = [Range<Int>](repeating: 0..<0, count: 27)
        for (index, entry) in sorted.enumerated() {
            starts.append(text.count)
            text += Array(entry.0.utf8)
            ends.append(text.count)
            let first = bucket(entry.0.utf8.first!)
            buckets[first] = buckets[first].isEmpty ? index..<(index + 1) : buckets[first].lowerBound..<(index + 1)
        }
        self.text = text
        self.starts = starts
        self.ends = ends
        cues = sorted.map(\.1)
        prefixes = sorted.map(\.2)
        self.buckets = buckets
    }

    /// The cue of the keyword ending closest to `end` within `base[start..<end]` (a window before a value), and how
    /// far before `end` it ends; `nil` when none occurs. `floor` is where the segment really begins (a byte before the
    /// window start decides whether the window starts mid-word).
    func nearestCue(_ base: UnsafePointer<UInt8>, floor: Int, start: Int, end: Int) -> (cue: Cue, distance: Int)? {
        text.withUnsafeBufferPointer { text in
            starts.withUnsafeBufferPointer { starts in
                ends.withUnsafeBufferPointer { ends in
                    prefixes.withUnsafeBufferPointer { prefixes in
                        var bestEnd = -1
                        var bestIndex = 0
                        var index = start
                        while index < end {
                            let byte = base[index]
                            guard Byte.isLetter(byte) || byte == UInt8(ascii: "&") else {
                                index += 1
                                continue
                            }
                            let previous: UInt8 = index > floor ? base[index - 1] : 0x20
                            if !Byte.isLetter(previous) || (Byte.isLower(previous) && Byte.isUpper(byte)) {
                                let lowered = Byte.lower(byte)
                                for keyword in buckets[Byte.isLower(lowered) ? Int(lowered - 0x61) : 26] {
                                    let matchEnd = Self.match(
                                        text, starts[keyword], ends[keyword], prefixes[keyword], base, at: index,
                                        end: end)
                                    if matchEnd > bestEnd {
                                        bestEnd = matchEnd
                                        bestIndex = keyword
                                    }
                                }
                            }
                            index += 1
                        }
                        return bestEnd < 0 ? nil : (cues[bestIndex], end - bestEnd)
                    }
                }
            }
        }
    }

    /// The end of keyword `text[from..<to]` matched at `index`, or -1.
    @inline(__always)
    private static func match(
        _ text: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ prefix: Bool, _ base: UnsafePointer<UInt8>,
        at index: Int, end: Int
    ) -> Int {
        var position = index
        var cursor = from
        while cursor < to {
            let expected = text[cursor]
            if expected == 0x20 {
                // An optional separator.
                if position < end, isSeparator(base[position]) { position += 1 }
                cursor += 1
                continue
            }
            guard position < end, Byte.lower(base[position]) == expected else { return -1 }
            position += 1
            cursor += 1
        }
        if !prefix, position < end {
            let next = base[position]
            // A whole word: the next byte is not a lower-case continuation (`reference` is not `ref`; `RefNo` is).
            if Byte.isLower(next) || (Byte.isUpper(next) && Byte.isUpper(base[position - 1])) { return -1 }
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
        // Machine-made identifiers beside a record's NHS number (an XML or JSON export's MessageId, correlationId).
        // Whole words: `Batchelor` is a surname, "clinical correlation" a radiologist's words.
        ("message id", .other, false), ("msg id", .other, false), ("correlation id", .other, false),
        ("request id", .other, false), ("trace id", .other, false), ("session id", .other, false),
        ("batch", .other, false), ("batch no", .other, false), ("batch number", .other, false),
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
