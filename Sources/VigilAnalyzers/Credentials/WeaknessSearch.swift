import VigilCore

/// Finds each enabled account's password weakness: empty, its own name, recoverable by the dictionary attack, or in the
/// breach corpus; and computer accounts still on their default password.
struct WeaknessSearch {
    let context: AnalysisContext
    let people: [Int]

    /// What the search found.
    struct Result: Sendable {
        var weakness: [Int: Weakness] = [:]
        /// Breach-corpus prevalence of each account's current password (guessable ones included).
        var prevalence: [Int: Int] = [:]
        var machineDefaults: [Int] = []
        /// The corpus's description, when one was supplied.
        var corpusName: String?
        /// What the dictionary attack tried, in plain words.
        var candidatesDescription = ""
    }

    func run() -> Result {
        let directory = context.directory
        var result = Result()
        var remaining: [NTHash: [Int]] = [:]
        for index in people {
            let hash = directory.credentialOfAccount[index]!.ntHash!
            if hash == .emptyPassword {
                result.weakness[index] = .empty
            } else {
                remaining[hash, default: []].append(index)
            }
        }
        for index in ownNameMatches(people.filter { result.weakness[$0] == nil }) {
            result.weakness[index] = .username
            remaining[directory.credentialOfAccount[index]!.ntHash!]?.removeAll { $0 == index }
        }
        result.machineDefaults = ownNameMatches(
            directory.accounts.indices.filter { index in
                directory.accounts[index].kind == .computer && directory.accounts[index].isEnabled(at: context.asOf)
                    && directory.credentialOfAccount[index]?.ntHash != nil
            })

        let rules = GuessingRules(level: context.reference.guessing)
        let words = CandidateWords.all(reference: context.reference, rules: rules, estate: context.estate)
        let guesser = PasswordGuesser(rules: rules)
        let targets = remaining.filter { !$0.value.isEmpty }.map(\.key)
        let recovered = guesser.recover(targets: targets, words: words)
        let corpus = context.reference.breachCorpus
        result.corpusName = corpus?.sourceDescription
        for (hash, recovery) in recovered {
            // A SHA-1 corpus can only be consulted for passwords we know; regenerate this one briefly to do so.
            let prevalence = corpus.flatMap {
                $0.hashKind == .ntlm
                    ? $0.prevalence(of: hash) : $0.prevalence(ofPassword: guesser.password(of: recovery, words: words))
            }
            for index in remaining[hash] ?? [] {
                result.weakness[index] = .guessable(recovery.pattern, prevalence: prevalence)
            }
        }
        if let corpus, corpus.hashKind == .ntlm {
            for index in people {
                guard let prevalence = corpus.prevalence(of: directory.credentialOfAccount[index]!.ntHash!) else {
                    continue
                }
                result.prevalence[index] = prevalence
                if result.weakness[index] == nil { result.weakness[index] = .breached(prevalence) }
            }
        } else {
            for (index, weakness) in result.weakness {
                if case .guessable(_, let prevalence?) = weakness { result.prevalence[index] = prevalence }
            }
        }
        let kinds = Set(words.map(\.base))
        result.candidatesDescription =
            "\(Wording.count(words.count, "word")) (\(PasswordPattern.Base.allCases.filter(kinds.contains).map(\.rawValue).joined(separator: ", "))) through the \(context.reference.guessing.rawValue) rules"
        return result
    }

    /// Accounts whose password is their own name: for people the user name as written, lower case, upper case,
    /// capitalised, or with each dotted part capitalised (`Amy.Hall`); for computers
    /// the default a pre-created computer account gets (its name in lower case, without `$`, at most 14 characters).
    private func ownNameMatches(_ indices: [Int]) -> [Int] {
        let directory = context.directory
        var matches: [Int] = []
        var batch = NTHashBatch()
        var owners: [Int] = []
        func flush() {
            batch.forEachDigest { lane, hash in
                let owner = owners[lane]
                if directory.credentialOfAccount[owner]?.ntHash == hash, matches.last != owner { matches.append(owner) }
            }
            batch.reset()
            owners.removeAll(keepingCapacity: true)
        }
        for index in indices {
            let account = directory.accounts[index]
            let candidates: [String]
            if account.kind == .computer {
                candidates = [
                    String(account.name.lowercased().dropLast(account.name.hasSuffix("$") ? 1 : 0).prefix(14))
                ]
            } else {
                let name = account.name
                let titled = name.lowercased().split(separator: ".", omittingEmptySubsequences: false)
                    .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: ".")
                candidates = Array(
                    Set([
                        name, name.lowercased(), name.uppercased(),
                        name.prefix(1).uppercased() + name.dropFirst().lowercased(), titled,
                    ]))
            }
            for candidate in candidates.sorted() where batch.add(utf16: candidate.utf16) {
                owners.append(index)
                if batch.isFull { flush() }
            }
        }
        flush()
        return matches
    }
}
