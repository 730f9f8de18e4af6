import VigilCore

/// The words the dictionary attack starts from, in the order that decides which explanation a password gets.
enum CandidateWords {
    /// Seasons, months, keyboard walks and words health organisations use, beyond the common-password list.
    static let seasons = ["spring", "summer", "autumn", "fall", "winter"]
    static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]
    static let keyboardWalks = [
        "qwerty", "qwertyui", "qwertyuiop", "asdfgh", "asdfghjkl", "zxcvbn", "zxcvbnm", "qazwsx", "1qaz2wsx",
        "zaq12wsx",
        "1q2w3e4r", "1q2w3e4r5t", "q1w2e3r4", "qwe123", "123qwe", "asd123", "1qazxsw2", "zaq1xsw2", "poiuytrewq",
        "!qaz2wsx",
        "qweasdzxc", "abc123", "abcd1234", "123abc",
    ]
    static let healthWords = [
        "nhs", "hospital", "surgery", "health", "healthcare", "doctor", "nurse", "nursing", "clinic", "clinical",
        "patient",
        "ward", "theatre", "pharmacy", "practice", "medical", "trust", "welcome", "changeme", "password", "letmein",
        "temp", "admin", "support", "reception",
    ]

    /// Every word, in precedence order (a password gets the explanation of the first word that produces it): the
    /// organisation's words, seasons, months, keyboard walks, the head of the common list, health words, people's names
    /// from the directory, the rest of the common list, then supplied words.
    static func all(reference: ReferenceData, rules: GuessingRules, estate: Estate) -> [CandidateWord] {
        var words: [CandidateWord] = []
        var seen: Set<String> = []
        func add(_ text: String, _ base: PasswordPattern.Base, full: Bool = true) {
            let text = text.trimmingSpaces
            guard !text.isEmpty, text.utf16.count <= NTHashBatch.maximumLength, seen.insert(text).inserted else {
                return
            }
            words.append(CandidateWord(text, base: base, fullTreatment: full))
        }
        for word in reference.organisationWords {
            add(word.lowercased(), .organisationWord)
            add(word, .organisationWord)
        }
        for word in seasons { add(word, .season) }
        for word in months { add(word, .month) }
        for word in keyboardWalks { add(word, .keyboardWalk) }
        for word in reference.commonPasswords.prefix(rules.fullTreatmentWords) { add(word, .commonPassword) }
        for word in healthWords { add(word, .organisationWord) }
        for name in personNames(estate) { add(name, .personName) }
        for word in reference.commonPasswords.dropFirst(rules.fullTreatmentWords) {
            add(word, .commonPassword, full: false)
        }
        for (position, word) in reference.listedWords.enumerated() {
            add(word, .listedWord, full: position < rules.fullTreatmentWords)
        }
        return words
    }

    /// Distinct given names, surnames and display-name parts of the directory's accounts, lower-cased.
    static func personNames(_ estate: Estate) -> [String] {
        var names: Set<String> = []
        // Names as written, each looked at once: a national directory's 1.5 million accounts share far fewer names.
        var seenParts: Set<String> = []
        var seenDisplayNames: Set<String> = []
        func add(_ part: String) {
            guard seenParts.insert(part).inserted else { return }
            let lowered = part.lowercased()
            if lowered.count >= 2 { names.insert(lowered) }
        }
        for index in estate.accounts.indices where estate.accounts[index].kind != .computer {
            if let given = estate.accounts[index].givenName { add(given) }
            if let surname = estate.accounts[index].surname { add(surname) }
            if let display = estate.accounts[index].displayName, seenDisplayNames.insert(display).inserted {
                nameParts(display).forEach(add)
            }
        }
        return names.sorted()
    }

    /// The words of a name (`Amy Hall (2)` → `amy`, `hall`).
    static func nameParts(_ name: String) -> [String] {
        // Most names are ASCII, whose letters are A–Z and a–z: split on bytes rather than on characters.
        let ascii: [String]? =
            name.utf8.withContiguousStorageIfAvailable { utf8 in
                guard utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
                return utf8.split { byte in !((0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)) }.map {
                    String(decoding: $0, as: UTF8.self)
                }
            } ?? nil
        return ascii ?? name.split { !$0.isLetter }.map(String.init)
    }
}

extension String {
    /// The string without leading and trailing spaces.
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
