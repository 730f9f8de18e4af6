extension Finding {
    /// What a fact's value is, declared once per fact name so that `assessment.json` can give each value its JSON
    /// type. Analyzers keep writing facts as text (one dictionary type every renderer and branch already uses); the
    /// kind says how that text reads, and a test holds every fact of the demo estates to its declared kind.
    public enum FactKind: Sendable, Hashable {
        /// A whole number written in decimal (`"412"` → `412`).
        case integer
        /// A calendar day, ISO 8601 (`2025-09-15`); JSON has no date type, so it stays a string of that shape.
        case date
        /// `"true"` or `"false"` → a JSON boolean.
        case boolean
        /// A list written with `separator` between its elements (`"CVE-1,CVE-2"` → `["CVE-1", "CVE-2"]`).
        case list(separator: String)
        /// Free text.
        case text

        /// The JSON Schema type of a value of this kind.
        public var jsonType: String {
            switch self {
            case .integer: "integer"
            case .boolean: "boolean"
            case .list: "array"
            case .date, .text: "string"
            }
        }
    }

    /// Every fact an analyzer writes, with its kind. A fact not listed here is written as a string; a test checks that
    /// the demo estates produce none that is not listed, and that `schemas/assessment.schema.json` declares the same
    /// types.
    public static let factKinds: [String: FactKind] = [
        // Accounts and passwords.
        "accounts": .integer, "breachCount": .integer, "daysSinceLogon": .integer, "groupSize": .integer,
        "historyPosition": .integer, "length": .integer, "lockoutThreshold": .integer, "maximumAgeDays": .integer,
        "minimumLength": .integer, "passwordAgeDays": .integer, "previousOwners": .integer,
        "privilegedInGroup": .integer, "spns": .integer, "thresholdDays": .integer,
        "pattern": .text, "privilege": .text, "sharedGroup": .text, "summary": .text,
        // Patient data.
        "patients": .integer, "identifiers": .list(separator: "; "), "readableBy": .list(separator: ", "),
        "aclPath": .text, "classification": .text, "confidence": .text, "host": .text,
        // Access to patient data.
        "staff": .integer, "staffTotal": .integer, "files": .integer, "credentialRules": .list(separator: ", "),
        "path": .text, "principal": .text, "right": .text, "reachThrough": .text,
        "staffUnused": .integer, "staffUsed": .integer, "windowDays": .integer, "coveredDays": .integer,
        "permissions": .list(separator: "; "), "role": .text, "scope": .text, "application": .text,
        // Updates and support.
        "daysExposed": .integer, "daysUnsupported": .integer, "possiblyMissing": .integer,
        "possiblyMissingExploited": .integer, "vulnerabilities": .integer,
        "endOfSupport": .date, "exploitedSince": .date, "installBy": .date,
        "ransomware": .boolean,
        "listed": .list(separator: ","), "named": .list(separator: "; "),
        "build": .text, "closes": .text, "edition": .text, "install": .text, "os": .text, "product": .text,
        "reason": .text, "release": .text,
        // Every rule.
        Finding.escalationFact: .text,
    ]

    /// The declared kind of the fact `name`: text when undeclared.
    public static func factKind(_ name: String) -> FactKind {
        factKinds[name] ?? .text
    }
}

/// A fact's value as `assessment.json` holds it: typed by its declared ``Finding/FactKind`` when its text is in that
/// kind's canonical form, else the text itself, so that nothing is ever lost or altered by typing. Reading it back
/// gives exactly the text it was made from.
public enum FactValue: Sendable, Hashable, Codable {
    case integer(Int)
    case boolean(Bool)
    case list([String])
    case text(String)

    /// The value of fact `name` whose text is `text`.
    public init(name: String, text: String) {
        switch Finding.factKind(name) {
        case .integer:
            // Only the canonical form is typed ("0012" would come back as "12").
            if let number = Int(text), String(number) == text {
                self = .integer(number)
                return
            }
        case .boolean:
            if text == "true" || text == "false" {
                self = .boolean(text == "true")
                return
            }
        case .list(let separator):
            self = .list(text.isEmpty ? [] : text.components(separatedBy: separator))
            return
        case .date, .text:
            break
        }
        self = .text(text)
    }

    /// The text this value was made from, for fact `name`.
    public func text(name: String) -> String {
        switch self {
        case .integer(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .text(let text): text
        case .list(let elements):
            if case .list(let separator) = Finding.factKind(name) {
                elements.joined(separator: separator)
            } else {
                // An undeclared list (a later version's fact): its elements as a comma-separated text.
                elements.joined(separator: ",")
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .boolean(flag)
        } else if let number = try? container.decode(Int.self) {
            self = .integer(number)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .list(try container.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let number): try container.encode(number)
        case .boolean(let flag): try container.encode(flag)
        case .list(let elements): try container.encode(elements)
        case .text(let text): try container.encode(text)
        }
    }
}
