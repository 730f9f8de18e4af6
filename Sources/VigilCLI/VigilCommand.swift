public import ArgumentParser
import VigilCore

/// `vigil`: the root command.
public struct VigilCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Assess a health organisation's security from its own exports, offline.",
        discussion: """
            Vigil reads the exports an organisation already has (directory export, hash dump, host inventories, \
            advisories, scans) and reports weak and shared passwords, stale and unprotected accounts, and the other \
            failings a security review looks for, with the evidence behind each one. Nothing leaves the machine \
            unless you run `vigil submit`, which sends the national service findings only: rules, severities, \
            counts and pseudonymous keys, never a name, path, hash, password or patient identifier.

            Start with `vigil demo` to see a full run on a synthetic estate.

            EXIT CODES
              0   success (no findings at or above --fail-on, when given)
              1   findings at or above the --fail-on severity exist (scan: a file of the
                  --fail-on class or worse)
              64  usage error: unknown option, bad value
              65  evidence unusable: no recognised evidence, invalid vigil.yaml, a file
                  holding nothing Vigil could read, or (with --strict) rejected records
              66  input not found: the bundle folder or a named input does not exist
              69  service unavailable: the national service refused or could not be
                  reached (submit), or its database or address could not be opened (serve)
              70  internal error: Vigil stopped on a fault (a bug; nothing from memory
                  is printed)
              73  an output file or folder could not be created
              74  an input could not be read or opened (I/O error, permissions)
              130 interrupted (corpus build: Ctrl-C; it says how to go on)
            """,
        version: ToolIdentity.current.version,
        subcommands: [
            AssessCommand.self, ScanCommand.self, DemoCommand.self, InspectCommand.self, CorpusCommand.self,
            AdvisoriesCommand.self, SubmitCommand.self, ServeCommand.self, AdminCommand.self,
            GenerateCommand.self, GenerateShareCommand.self, RulesCommand.self, FormatsCommand.self,
        ]
    )

    public init() {}
}
