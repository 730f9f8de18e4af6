import ArgumentParser
import VigilParsers

/// `vigil formats`: the evidence formats Vigil reads and how to produce each.
struct FormatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formats",
        abstract: "List the evidence formats Vigil reads and the command that produces each."
    )

    func run() {
        for reader in ReaderCatalogue.all {
            let format = reader.format
            print("\(format.id): \(format.name)")
            print("  produce with: \(format.producedBy)")
        }
    }
}
