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
        /// What the corpus could not check, for the coverage: set for a SHA-1 corpus.
        var corpusLimit: String?
        /// What the dictionary attack tried, in plain words.
        var candidatesDescription = ""
    }

    func run() -> Result {
        let directory = context.directory
        var result = Result()
        var remaining: [NTHash: [Int]] = [:]
        remaining.reserveCapacity(people.count)
        for index in people {
            let hash = directory.credentialOfAccount[index]!.ntHash!
            if hash == .emptyPassword {
                result.weakness[index] = .empty
            } else {
                remaining[hash, default: []].append(index)
            }
        }
        let rules = GuessingRules(level: context.reference.guessing)
        // The own-name checks and the word list do not depend on each other: side by side.
        let unresolved = people.filter { result.weakness[$0] == nil }
        let ((usernames, machineDefaults), words) = parallelPair(
            { [self] in (ownNameMatches(unresolved), ownNameMatches(enabledComputers())) },
            { [context] in CandidateWords.all(reference: context.reference, rules: rules, estate: context.estate) })
        for index in usernames {
            result.weakness[index] = .username
            remaining[directory.credentialOfAccount[index]!.ntHash!]?.removeAll { $0 == index }
        }
        result.machineDefaults = machineDefaults
        let guesser = PasswordGuesser(rules: rules)
        let targets = remaining.filter { !$0.value.isEmpty }.map(\.key)
        let recovered = guesser.recover(targets: targets, words: words)
        let corpus = context.reference.breachCorpus
        result.corpusName = corpus?.sourceDescription
        // A SHA-1 corpus names passwords, not NT hashes: only the passwords recovered here can be looked up in it,
        // which the coverage must say rather than claim every hash was checked.
        result.corpusLimit =
            corpus.map { $0.hashKind == .ntlm } == false
            ? " (a SHA-1 corpus: only passwords this assessment recovered could be looked up; an NTLM corpus checks every hash)"
            : nil
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
        // Slices hashed on every core; each account is in one slice, so the matches stay in order and distinct.
        let sliceSize = 16_384
        let slices = (indices.count + sliceSize - 1) / sliceSize
        return parallelMap(slices) { slice in
            ownNameMatches(indices[slice * sliceSize..<min(indices.count, (slice + 1) * sliceSize)])
        }.flatMap { $0 }
    }

    /// The enabled computer accounts whose hashes were read.
    private func enabledComputers() -> [Int] {
        let directory = context.directory
        return directory.accounts.indices.filter { index in
            directory.accounts[index].kind == .computer && directory.accounts[index].isEnabled(at: context.asOf)
                && directory.credentialOfAccount[index]?.ntHash != nil
        }
    }

    private func ownNameMatches(_ indices: ArraySlice<Int>) -> [Int] {
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
        var units: [UInt16] = []
        var ends: [Int] = []
        for index in indices {
            let name = directory.accounts[index].name
            let computer = directory.accounts[index].kind == .computer
            if !computer, OwnNameCandidates.asciiPerson(name: name, units: &units, ends: &ends) {
                var start = 0
                for end in ends {
                    let added = units.withUnsafeBufferPointer {
                        batch.add(
                            prefix: UnsafeBufferPointer(rebasing: $0[start..<end]),
                            suffix: UnsafeBufferPointer(start: nil, count: 0))
                    }
                    start = end
                    guard added else { continue }
                    owners.append(index)
                    if batch.isFull { flush() }
                }
                continue
            }
            for candidate in OwnNameCandidates.candidates(name: name, computer: computer)
            where batch.add(utf16: candidate.utf16) {
                owners.append(index)
                if batch.isFull { flush() }
            }
        }
        flush()
        return matches
    }
}
