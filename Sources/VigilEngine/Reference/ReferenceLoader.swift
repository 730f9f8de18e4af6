import Foundation
import VigilAnalyzers
import VigilCore
import VigilParsers

/// Loads the reference data an assessment uses: the breach index, the common-password list, extra word lists, the
/// organisation's own words, Vigil's built-in advisory catalogue and an imported advisory database. Paths in
/// `vigil.yaml` are relative to the bundle.
enum ReferenceLoader {
    static func load(bundle: EvidenceBundle, options: AssessmentEngine.Options, estate: Estate) throws -> ReferenceData
    {
        let manifest = bundle.manifest
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : bundle.root.appendingPathComponent(path).standardizedFileURL.path
        }
        var reference = ReferenceData()
        if let path = options.breachIndex ?? manifest.reference.breachIndex.map(resolve) {
            reference.breachCorpus = try BreachIndex(path: path)
        }
        reference.commonPasswords = try PasswordListReader.builtInCommonPasswords()
        for path in manifest.wordlists.map(resolve) + options.wordlists {
            guard FileManager.default.fileExists(atPath: path) else {
                throw EvidenceError(code: .wordListNotFound, path: path, message: "word list not found")
            }
            reference.listedWords += try PasswordListReader.read(path: path)
        }
        reference.organisationWords = organisationWords(estate: estate, extra: manifest.organisationWords)
        let builtIn = try BuiltInAdvisories.load()
        reference.advisories = builtIn
        reference.updateReleases = UpdateReleases.dated(by: builtIn)
        reference.advisorySources = [
            "built-in catalogue of \(Wording.count(builtIn.count, "advisory", plural: "advisories"))"
                + ((try? BuiltInAdvisories.info()).map { " as of \($0.summary)" } ?? "")
        ]
        reference.onlyBuiltInAdvisories = true
        if let path = options.advisories ?? manifest.reference.advisories.map(resolve) {
            reference.onlyBuiltInAdvisories = false
            let database = try AdvisoryDatabase(path: path)
            let name = (path as NSString).lastPathComponent
            // The compiled index already holds the built-in catalogue; advisories in the bundle need the full join.
            if estate.advisories.isEmpty,
                let compiled = try CompiledAdvisories.load(
                    database, builtIn: builtIn, products: AdvisoryIndex.products(for: estate.hosts))
            {
                reference.advisoryIndex = compiled.index
                reference.advisorySources.append(
                    "\(Wording.count(compiled.advisories, "advisory", plural: "advisories")) from \(name)")
            } else {
                let imported = try database.advisories()
                reference.advisories += imported
                reference.advisorySources.append(
                    "\(Wording.count(imported.count, "advisory", plural: "advisories")) from \(name)")
            }
        }
        reference.guessing =
            options.guessing ?? manifest.guessing.flatMap(GuessingRules.Level.init(rawValue:)) ?? .standard
        return reference
    }

    /// Words of the organisation's name and code, its domains' names and the manifest's extra words, as written, with
    /// the compounds people make of them: the first two name words together, and each word with "NHS" before or after
    /// ("RiversideNHS").
    static func organisationWords(estate: Estate, extra: [String]) -> [String] {
        let generic: Set<String> = [
            "nhs", "local", "uk", "com", "org", "net", "the", "and", "of", "foundation", "trust", "practice", "surgery",
        ]
        let nameWords = estate.organisation.name.split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let significant = nameWords.filter { $0.count >= 3 && !generic.contains($0.lowercased()) }
        var words = nameWords + [estate.organisation.code]
        for domain in estate.domains { words += domain.dnsName.split(separator: ".").map(String.init) }
        words += extra
        words = words.filter { $0.count >= 3 && !generic.contains($0.lowercased()) }
        if significant.count >= 2 { words.append(significant[0] + significant[1]) }
        for word in significant.prefix(2) + extra { words += [word + "NHS", "NHS" + word] }
        var seen: Set<String> = []
        return words.filter { seen.insert($0).inserted }
    }
}
