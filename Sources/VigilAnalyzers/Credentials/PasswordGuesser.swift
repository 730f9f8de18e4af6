public import VigilCore

/// A word the dictionary attack starts from.
public struct CandidateWord: Sendable {
    /// UTF-16 code units as written in its list.
    var units: [UInt16]
    /// What kind of word it is.
    var base: PasswordPattern.Base
    /// Whether it gets every variant and ending, or only the short tail list.
    var fullTreatment: Bool

    public init(_ text: String, base: PasswordPattern.Base, fullTreatment: Bool = true) {
        units = Array(text.utf16)
        self.base = base
        self.fullTreatment = fullTreatment
    }
}

/// Recovers passwords from NT hashes the way an attacker would: words (common passwords, the organisation's own words,
/// names, seasons, keyboard walks) through mangling rules, hashed eight at a time and compared with every target hash
/// at once (NT hashes are unsalted). Returns patterns, never passwords.
public struct PasswordGuesser: Sendable {
    /// The rules: which variants and endings to try.
    public let rules: GuessingRules

    public init(rules: GuessingRules) {
        self.rules = rules
    }

    /// How many candidates an attack with `words` hashes (variants and endings that fit a batch).
    public func candidateCount(_ words: [CandidateWord]) -> Int {
        words.reduce(0) { total, word in
            let endings = word.fullTreatment ? rules.endings : rules.tailEndings
            var count = 0
            for (capitalisation, cased) in Worker.capitalisations(word.units).enumerated() {
                guard let cased else { continue }
                let variants =
                    word.fullTreatment && rules.substitutions && capitalisation < 2
                    ? Worker.substitutions(cased) : [cased]
                for variant in variants {
                    count += endings.filter { variant.count + $0.units.count <= NTHashBatch.maximumLength }.count
                }
            }
            return total + count
        }
    }

    /// A recovered password: its pattern, and how to regenerate it briefly (to look it up in a SHA-1 corpus).
    public struct Recovery: Sendable {
        /// What the password is like.
        public var pattern: PasswordPattern
        fileprivate var attempt: Attempt
    }

    /// The recovery of each target hash whose password was found; the first word (in `words` order) and variant to
    /// produce a hash wins, so results do not depend on scheduling.
    public func recover(targets: [NTHash], words: [CandidateWord]) -> [NTHash: Recovery] {
        guard !targets.isEmpty, !words.isEmpty else { return [:] }
        let table = TargetTable(targets)
        let chunks = min(words.count, 256)
        let found = parallelMap(chunks) { (chunk: Int) -> [(NTHash, Attempt)] in
            var results: [(NTHash, Attempt)] = []
            var worker = Worker(rules: rules, table: table)
            for index in stride(from: chunk, to: words.count, by: chunks) {
                worker.attack(words[index], index: index) { results.append(($0, $1)) }
            }
            worker.finish { results.append(($0, $1)) }
            return results
        }
        var best: [NTHash: Attempt] = [:]
        for (hash, attempt) in found.joined() where best[hash].map({ attempt < $0 }) ?? true { best[hash] = attempt }
        return best.mapValues { attempt in
            Recovery(pattern: attempt.pattern(words[attempt.word], rules: rules), attempt: attempt)
        }
    }

    /// The password a recovery stands for, as UTF-16 code units. Use it only transiently; never store or print it.
    func password(of recovery: Recovery, words: [CandidateWord]) -> [UInt16] {
        Self.password(of: recovery.attempt, word: words[recovery.attempt.word], rules: rules)
    }

    fileprivate static func password(of attempt: Attempt, word: CandidateWord, rules: GuessingRules) -> [UInt16] {
        let cased = Worker.capitalisations(word.units)[attempt.capitalisation] ?? word.units
        let variant = attempt.substitution == 0 ? cased : Worker.substitutions(cased)[attempt.substitution]
        return variant + (attempt.tail ? rules.tailEndings : rules.endings)[attempt.ending].units
    }

    /// Which word, variant and ending produced a candidate; ordered so that the simplest explanation wins.
    struct Attempt: Comparable, Sendable {
        var word: Int
        var capitalisation: Int
        var substitution: Int
        var ending: Int
        var tail: Bool

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.word, lhs.ending, lhs.capitalisation, lhs.substitution) < (
                rhs.word, rhs.ending, rhs.capitalisation, rhs.substitution
            )
        }

        /// The pattern of the password this attempt stands for (regenerated briefly for its length and classes).
        func pattern(_ word: CandidateWord, rules: GuessingRules) -> PasswordPattern {
            let password = PasswordGuesser.password(of: self, word: word, rules: rules)
            return PasswordPattern(
                base: word.base,
                baseWord: String(decoding: word.units, as: UTF16.self).lowercased(),
                capitalisation: [.asListed, .capitalised, .upper][capitalisation],
                substitutions: substitution > 0,
                ending: (tail ? rules.tailEndings : rules.endings)[ending].kind,
                length: password.count,
                classes: CharacterClasses(password)
            )
        }
    }

    /// One thread's batch and pending lanes.
    private struct Worker {
        let rules: GuessingRules
        let table: TargetTable
        var batch = NTHashBatch()
        var lanes: [Attempt] = []
        /// Every ending's code units back to back, with each ending's range: the inner loop then touches no arrays of
        /// arrays (and no reference counts).
        let fullEndings: FlatEndings
        let tailEndings: FlatEndings

        init(rules: GuessingRules, table: TargetTable) {
            self.rules = rules
            self.table = table
            fullEndings = FlatEndings(rules.endings)
            tailEndings = FlatEndings(rules.tailEndings)
            lanes.reserveCapacity(NTHashBatch.width)
        }

        mutating func attack(_ word: CandidateWord, index: Int, found: (NTHash, Attempt) -> Void) {
            let endings = word.fullTreatment ? fullEndings : tailEndings
            for (capitalisation, cased) in Self.capitalisations(word.units).enumerated() {
                guard let cased else { continue }
                let variants =
                    word.fullTreatment && rules.substitutions && capitalisation < 2
                    ? Self.substitutions(cased) : [cased]
                for (substitution, variant) in variants.enumerated() {
                    variant.withUnsafeBufferPointer { prefix in
                        endings.units.withUnsafeBufferPointer { units in
                            for position in endings.ranges.indices {
                                let suffix = UnsafeBufferPointer(rebasing: units[endings.ranges[position]])
                                guard batch.add(prefix: prefix, suffix: suffix) else { continue }
                                lanes.append(
                                    Attempt(
                                        word: index, capitalisation: capitalisation, substitution: substitution,
                                        ending: position, tail: !word.fullTreatment))
                                if batch.isFull { flush(found) }
                            }
                        }
                    }
                }
            }
        }

        mutating func finish(_ found: (NTHash, Attempt) -> Void) {
            if batch.count > 0 { flush(found) }
        }

        private mutating func flush(_ found: (NTHash, Attempt) -> Void) {
            let digests = batch.digests()
            for lane in 0..<batch.count {
                let hash = digests[lane]
                if table.contains(hash) { found(hash, lanes[lane]) }
            }
            batch.reset()
            lanes.removeAll(keepingCapacity: true)
        }

        /// As listed, capitalised, upper case; `nil` where a variant repeats an earlier one.
        static func capitalisations(_ units: [UInt16]) -> [[UInt16]?] {
            func upper(_ unit: UInt16) -> UInt16 { (0x61...0x7A).contains(unit) ? unit - 0x20 : unit }
            var capitalised = units
            if let first = capitalised.first { capitalised[0] = upper(first) }
            let upperCased = units.map(upper)
            return [
                units, capitalised == units ? nil : capitalised,
                upperCased == units || upperCased == capitalised ? nil : upperCased,
            ]
        }

        /// The word, each single look-alike substitution that changes it, and all of them together.
        static func substitutions(_ units: [UInt16]) -> [[UInt16]] {
            var variants = [units]
            var all = units
            for (letter, replacement) in GuessingRules.lookAlikes where units.contains(letter) {
                variants.append(units.map { $0 == letter ? replacement : $0 })
                all = all.map { $0 == letter ? replacement : $0 }
            }
            if variants.count > 2 { variants.append(all) }
            return variants
        }
    }
}

/// Endings' code units in one array, with each ending's range.
struct FlatEndings: Sendable {
    let units: [UInt16]
    let ranges: [Range<Int>]

    init(_ endings: [GuessingRules.Ending]) {
        var units: [UInt16] = []
        var ranges: [Range<Int>] = []
        for ending in endings {
            ranges.append(units.count..<units.count + ending.units.count)
            units += ending.units
        }
        self.units = units
        self.ranges = ranges
    }
}

/// Target hashes in an open-addressing table keyed by their first 64 bits (already uniformly random), with a bitmap in
/// front so that most misses cost one cache line.
struct TargetTable: Sendable {
    private let slots: [NTHash?]
    private let mask: Int
    private let filter: [UInt64]
    private let filterMask: Int

    init(_ hashes: [NTHash]) {
        var size = 16
        while size < hashes.count * 2 { size *= 2 }
        var slots = [NTHash?](repeating: nil, count: size)
        var filterBits = 1 << 12
        while filterBits < hashes.count * 16 { filterBits *= 2 }
        var filter = [UInt64](repeating: 0, count: filterBits / 64)
        for hash in Set(hashes) {
            var slot = Int(truncatingIfNeeded: hash.high) & (size - 1)
            while slots[slot] != nil { slot = (slot + 1) & (size - 1) }
            slots[slot] = hash
            let bit = Int(truncatingIfNeeded: hash.high >> 32) & (filterBits - 1)
            filter[bit >> 6] |= 1 << UInt64(bit & 63)
        }
        self.slots = slots
        mask = size - 1
        self.filter = filter
        filterMask = filterBits - 1
    }

    @inline(__always)
    func contains(_ hash: NTHash) -> Bool {
        let bit = Int(truncatingIfNeeded: hash.high >> 32) & filterMask
        guard filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { return false }
        var slot = Int(truncatingIfNeeded: hash.high) & mask
        while let candidate = slots[slot] {
            if candidate == hash { return true }
            slot = (slot + 1) & mask
        }
        return false
    }
}
