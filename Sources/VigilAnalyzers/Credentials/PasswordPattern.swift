/// What a recovered password is like, described without ever giving the password: the kind of word it starts from, how
/// that word was changed, and what was added.
public struct PasswordPattern: Sendable, Hashable {
    /// The kind of word a guessable password is built on.
    public enum Base: String, Sendable, Hashable, CaseIterable {
        case commonPassword = "common password"
        case listedWord = "word from a supplied list"
        case organisationWord = "organisation word"
        case season, month
        case keyboardWalk = "keyboard pattern"
        case personName = "person's name"
        case username
        case machineName = "computer name"
    }

    /// What was appended to the word.
    public enum Ending: String, Sendable, Hashable, CaseIterable {
        case none, digits, year, symbol
        case yearAndSymbol = "year and symbol"
        case digitsAndSymbol = "digits and symbol"
    }

    /// How the word's letters were cased.
    public enum Capitalisation: String, Sendable, Hashable {
        case asListed = "as listed"
        case capitalised
        case upper = "upper case"
    }

    /// The kind of word.
    public var base: Base
    /// The base word, lower-cased: kept in memory to tell whether a name is the account holder's own; never output.
    var baseWord: String
    /// Letter case.
    public var capitalisation: Capitalisation
    /// Letters swapped for look-alike digits or symbols (`a`→`@`, `o`→`0`…).
    public var substitutions: Bool
    /// What was appended.
    public var ending: Ending
    /// The password's length in characters.
    public var length: Int
    /// The character classes it uses.
    public var classes: CharacterClasses

    /// Plain words such as "season + year + symbol" or "own name + year"; `ownName` says whether a person's name is the
    /// account holder's.
    public func description(ownName: Bool) -> String {
        var parts: [String]
        switch base {
        case .personName: parts = [ownName ? "own name" : "a person's name"]
        case .commonPassword: parts = ["common password"]
        default: parts = [base.rawValue]
        }
        if substitutions { parts[0] += " with look-alike substitutions" }
        switch ending {
        case .none: break
        case .digits: parts.append("digits")
        case .year: parts.append("year")
        case .symbol: parts.append("symbol")
        case .yearAndSymbol: parts += ["year", "symbol"]
        case .digitsAndSymbol: parts += ["digits", "symbol"]
        }
        return parts.joined(separator: " + ")
    }
}

/// Character classes present in a password, for checking what a policy's complexity rule let through.
public struct CharacterClasses: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let lower = CharacterClasses(rawValue: 1)
    public static let upper = CharacterClasses(rawValue: 2)
    public static let digit = CharacterClasses(rawValue: 4)
    public static let symbol = CharacterClasses(rawValue: 8)

    /// The classes of UTF-16 code units.
    init(_ units: some Sequence<UInt16>) {
        var classes: CharacterClasses = []
        for unit in units {
            switch unit {
            case 0x61...0x7A: classes.insert(.lower)
            case 0x41...0x5A: classes.insert(.upper)
            case 0x30...0x39: classes.insert(.digit)
            default: classes.insert(.symbol)
            }
        }
        self = classes
    }

    /// How many classes (Windows complexity asks for three of four).
    public var count: Int { rawValue.nonzeroBitCount }
}
