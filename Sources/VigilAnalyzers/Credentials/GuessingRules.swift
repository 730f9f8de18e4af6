/// How hard to try: which word variants and endings the dictionary attack generates. Modelled on what password
/// crackers try first (capitalisation, look-alike substitutions, appended digits, years and symbols).
public struct GuessingRules: Sendable, Hashable {
    /// The named rule sets a manifest or option chooses between.
    public enum Level: String, Sendable, CaseIterable {
        case quick, standard, thorough
    }

    /// One ending to append, with its kind.
    struct Ending: Sendable, Hashable {
        var units: [UInt16]
        var kind: PasswordPattern.Ending
    }

    /// Endings tried on every word variant of the full treatment.
    let endings: [Ending]
    /// Endings tried on the long tail of a word list.
    let tailEndings: [Ending]
    /// How many words of each list get the full treatment (substitutions and all endings); the rest get the tail's.
    let fullTreatmentWords: Int
    /// Whether to try look-alike substitutions.
    let substitutions: Bool

    /// The rules for `level`.
    public init(level: Level) {
        func ending(_ text: String, _ kind: PasswordPattern.Ending) -> Ending {
            Ending(units: Array(text.utf16), kind: kind)
        }
        let symbols = ["!", "?", "#", "$", "@", "*", ".", "!!"]
        var full = [ending("", .none)]
        var tail = [ending("", .none)]
        let years: ClosedRange<Int>
        switch level {
        case .quick:
            full += (0...9).map { ending(String($0), .digits) } + ["12", "123", "1234"].map { ending($0, .digits) }
            full += ["!", "#"].map { ending($0, .symbol) } + ["1!", "123!"].map { ending($0, .digitsAndSymbol) }
            years = 1990...2030
            tail += ["1", "123"].map { ending($0, .digits) }
            fullTreatmentWords = 1_000
        case .standard:
            full += (0...99).map { ending(String($0), .digits) } + (0...9).map { ending("0\($0)", .digits) }
            full += ["123", "1234", "12345", "321"].map { ending($0, .digits) }
            full +=
                symbols.map { ending($0, .symbol) }
                + ["1!", "12!", "123!", "1?", "1#"].map { ending($0, .digitsAndSymbol) }
            years = 1950...2035
            tail +=
                (0...9).map { ending(String($0), .digits) }
                + ["12", "123", "!", "1!"].map {
                    ending($0, $0.contains("!") ? ($0 == "!" ? .symbol : .digitsAndSymbol) : .digits)
                }
            tail += (2015...2030).map { ending(String($0), .year) }
            fullTreatmentWords = 3_000
        case .thorough:
            full +=
                (0...999).map { ending(String($0), .digits) }
                + (0...99).map { ending($0 < 10 ? "00\($0)" : "0\($0)", .digits) }
            full += ["1234", "12345", "123456", "321", "4321"].map { ending($0, .digits) }
            full += symbols.map { ending($0, .symbol) }
            full += (0...99).flatMap { number in
                ["!", "?", "#", "$"].map { ending("\(number)\($0)", .digitsAndSymbol) }
            }
            years = 1900...2040
            tail += (0...99).map { ending(String($0), .digits) } + symbols.map { ending($0, .symbol) }
            tail += (1980...2035).map { ending(String($0), .year) }
            fullTreatmentWords = 20_000
        }
        for year in years {
            full.append(ending(String(year), .year))
            for symbol in ["!", "#", "?", "$"] where level != .quick || symbol == "!" {
                full.append(ending("\(year)\(symbol)", .yearAndSymbol))
            }
        }
        endings = full
        tailEndings = tail
        substitutions = true
    }

    /// Custom rules: every word tried as listed, capitalised and in upper case, with each of `endings` appended, and
    /// look-alike substitutions when `substitutions` is set.
    public init(endings: [String], substitutions: Bool) {
        let classified = endings.map { text in
            let digits = text.allSatisfy(\.isNumber)
            let kind: PasswordPattern.Ending =
                text.isEmpty
                ? .none
                : digits
                    ? (text.count == 4 && (text.hasPrefix("19") || text.hasPrefix("20")) ? .year : .digits)
                    : text.allSatisfy({ !$0.isLetter && !$0.isNumber }) ? .symbol : .digitsAndSymbol
            return Ending(units: Array(text.utf16), kind: kind)
        }
        self.endings = classified
        tailEndings = classified
        fullTreatmentWords = .max
        self.substitutions = substitutions
    }

    /// Look-alike substitutions tried one at a time, then all together.
    static let lookAlikes: [(UInt16, UInt16)] = [("a", "@"), ("o", "0"), ("e", "3"), ("i", "1"), ("s", "$")].map {
        (Array($0.0.utf16)[0], Array($0.1.utf16)[0])
    }
}
