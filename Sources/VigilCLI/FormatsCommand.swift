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
        print("")
        print("Reference data, made usable once by a command and then named by every assessment:")
        print("Pwned Passwords corpus (NTLM or SHA-1, one file or the per-prefix folder)")
        print("  make usable with: vigil corpus build SRC -o pwned-passwords.vbi")
        print("  then: vigil assess --breach-index, or vigil.yaml reference: breach-index:")
        print("WES-NG definitions.zip (CSAF, CVRF, OSV and KEV files are also read when in the bundle)")
        print("  make usable with: vigil advisories import SRC... -o advisories.db")
        print("  then: vigil assess --advisories, or vigil.yaml reference: advisories:")
    }
}
