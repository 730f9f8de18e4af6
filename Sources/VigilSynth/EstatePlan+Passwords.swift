import VigilCore

/// The passwords a synthetic estate is seeded with: weak ones an audit must find, each recorded in the ground truth, and
/// the breach corpus that knows some of them.
extension EstatePlan {
    /// Common passwords the generator uses; every one is near the top of Vigil's built-in list (a test checks it).
    static let commonPasswords = EstatePlanWords.common
}

/// The words the generator seeds weak passwords from.
public enum EstatePlanWords {
    /// Common passwords, each near the top of Vigil's built-in list.
    public static let common = [
        "password", "welcome", "letmein", "qwerty", "monkey", "football", "dragon", "iloveyou", "sunshine", "princess",
        "trustno1", "baseball", "shadow", "master", "superman", "michael", "jennifer", "hunter", "buster", "soccer",
        "harley", "batman", "andrew", "tigger", "charlie", "robert", "thomas", "hockey", "ranger", "daniel", "starwars",
        "liverpool", "chelsea", "arsenal", "cheese", "flower", "freedom", "computer", "secret", "whatever", "pepper",
        "ginger", "hello", "orange", "cookie", "chocolate", "purple", "matrix", "maggie",
    ]
}

extension EstatePlan {
    static let seasons = ["Spring", "Summer", "Autumn", "Winter"]
    static let keyboardWalks = ["qwerty", "1qaz2wsx", "zaq12wsx", "1q2w3e4r", "qazwsx", "asdfgh"]

    /// The organisation's own word: the first word of its name.
    var organisationWord: String {
        String(specification.organisation.name.split(separator: " ").first ?? "Vigil")
    }

    /// Chooses every seeded password, avoiding repeats where the pattern leaves room (a large estate does repeat
    /// "Summer2024!"; the generator then records those accounts as sharing a password, as an audit must find them).
    mutating func planPasswords(random: inout SeededRandom) {
        var used: Set<String> = []
        func unique(_ make: (inout SeededRandom) -> String) -> String {
            var password = make(&random)
            for _ in 0..<32 where !used.insert(password).inserted { password = make(&random) }
            return password
        }
        func year(_ random: inout SeededRandom, from: Int = 2015, to: Int = 2026) -> String {
            String(from + Int(random.next() % UInt64(to - from + 1)))
        }
        func pick<T>(_ items: [T], _ random: inout SeededRandom) -> T {
            items[Int(random.next() % UInt64(items.count))]
        }

        starterPassword = unique { "\(organisationWord)\(year(&$0))!" }
        starterHash = NTHash(password: starterPassword)
        let strongAlphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%&*?")
        for index in conditions.indices {
            let password: String?
            switch conditions[index] {
            case .breachedOnly, .sharedHistory:
                password = unique { random in
                    String((0..<12).map { _ in strongAlphabet[Int(random.next() % UInt64(strongAlphabet.count))] })
                }
            case .commonPassword:
                password = unique { random in
                    let word = pick(Self.commonPasswords, &random)
                    switch random.next() % 5 {
                    case 0: return word
                    case 1: return word.prefix(1).uppercased() + word.dropFirst()
                    case 2: return word + String(random.next() % 10)
                    case 3: return word + "123"
                    default: return word.prefix(1).uppercased() + word.dropFirst() + year(&random) + "!"
                    }
                }
            case .organisationWord:
                password = unique { random in organisationWord + year(&random) + (random.chance(0.5) ? "!" : "") }
            case .seasonYear:
                password = unique { random in
                    pick(Self.seasons, &random) + year(&random) + (random.chance(0.5) ? "!" : "")
                }
            case .ownNameYear:
                password = unique { random in person(index).given + year(&random, from: 1960, to: 2005) }
            case .keyboardWalk:
                password = unique { random in
                    let walk = pick(Self.keyboardWalks, &random)
                    return random.chance(0.5) ? walk : walk.prefix(1).uppercased() + walk.dropFirst() + "123"
                }
            case .usernamePassword:
                password = person(index).sam
            default:
                password = nil
            }
            weakPasswords[index] = password
        }
        // Another account once had each shared-history password: put it in a clean donor's history.
        let clean = conditions.indices.filter { conditions[$0] == .clean }
        for (offset, receiver) in conditions.indices.filter({ conditions[$0] == .sharedHistory }).enumerated()
        where !clean.isEmpty {
            let donor = clean[(offset * 7_919 + 13) % clean.count]
            historyGifts[donor] = NTHash(password: weakPasswords[receiver]!)
        }
        let defaults = Int((Double(specification.computers) * specification.rates.machineDefault).rounded())
        for offset in 0..<min(defaults, specification.computers) {
            let index = (offset * 977 + 3) % specification.computers
            guard machineDefaults.insert(index).inserted else { continue }
            expect(.machineDefaultPassword, computer(index).samAccountName)
        }
    }

    /// The password-policy findings the seeded estate must produce: against the standards (from the domain policy the
    /// generator writes) and against the evidence (seeded passwords shorter than the minimum, failing complexity, reused).
    mutating func recordPolicyExpectations() {
        let policy = domainPolicy
        let domain = specification.domain
        func expectDomain(_ rule: RuleID) { expectations.append(GroundTruth.Expectation(rule: rule, subject: domain)) }
        if policy.minimumLength < 12 { expectDomain(.policyMinimumLength) }
        if policy.lockoutThreshold == 0 || policy.lockoutThreshold > 10 { expectDomain(.policyLockout) }
        if policy.maximumAgeDays > 0 { expectDomain(.policyForcedExpiry) }
        if policy.complexity { expectDomain(.policyComposition) }
        if policy.history == 0 { expectDomain(.policyHistory) }
        // Passwords an audit recovers (empty, user name, guessable) and their plaintexts.
        var recovered: [String] = []
        for (index, condition) in conditions.enumerated() {
            switch condition {
            case .emptyPassword: recovered.append("")
            case .commonPassword, .organisationWord, .seasonYear, .ownNameYear, .keyboardWalk, .usernamePassword:
                recovered.append(weakPasswords[index]!)
            case .sharedStarter: recovered.append(starterPassword)
            default: break
            }
        }
        if recovered.contains(where: { $0.count < policy.minimumLength }) { expectDomain(.policyLengthBypassed) }
        if policy.complexity, recovered.contains(where: { Self.characterClasses($0) < 3 }) {
            expectDomain(.policyComplexityBypassed)
        }
        if policy.history > 0, conditions.contains(.reusedPassword) { expectDomain(.policyHistoryBypassed) }
    }

    /// The number of character classes (lower, upper, digit, other) in a password.
    static func characterClasses(_ password: String) -> Int {
        var classes = Set<Int>()
        for scalar in password.unicodeScalars {
            switch scalar.value {
            case 0x61...0x7A: classes.insert(0)
            case 0x41...0x5A: classes.insert(1)
            case 0x30...0x39: classes.insert(2)
            default: classes.insert(3)
            }
        }
        return classes.count
    }

    /// The domain password policy the generator writes.
    var domainPolicy: (minimumLength: Int, lockoutThreshold: Int, history: Int, maximumAgeDays: Int, complexity: Bool) {
        specification.layout == .trust ? (8, 10, 24, 91, true) : (6, 0, 0, 42, false)
    }

    /// The breach corpus entries that concern this estate: every breached-only password, and the common passwords (and
    /// their usual variants) that real corpora hold, with a prevalence count each.
    func breachCorpusEntries() -> [(NTHash, Int)] {
        var random = SeededRandom(seed: specification.seed, stream: 0xB7EAC4)
        var entries: [(NTHash, Int)] = []
        for (index, condition) in conditions.enumerated() where condition == .breachedOnly {
            entries.append((NTHash(password: weakPasswords[index]!), 1 + Int(random.next() % 500)))
        }
        for word in Self.commonPasswords {
            for variant in [word, word.prefix(1).uppercased() + word.dropFirst(), word + "1", word + "123"] {
                entries.append((NTHash(password: variant), 10_000 + Int(random.next() % 5_000_000)))
            }
        }
        return entries
    }
}
