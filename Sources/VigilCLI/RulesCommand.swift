import ArgumentParser
import Foundation
import VigilCore
import VigilReport

/// `vigil rules`: the rule catalogue.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List every rule Vigil checks.",
        discussion: "`--format markdown` writes the text of docs/rules.md; `--format json` the catalogue as data."
    )

    enum Output: String, ExpressibleByArgument, CaseIterable {
        case text, markdown, json
    }

    @Option(help: "Output format: text, markdown or json.")
    var format: Output = .text

    func run() throws {
        switch format {
        case .text: print(RuleCatalogueRenderer.text(), terminator: "")
        case .markdown: print(RuleCatalogueRenderer.markdown(), terminator: "")
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(RuleCatalogue.all), as: UTF8.self))
        }
    }
}
