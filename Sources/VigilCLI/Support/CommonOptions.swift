import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilIO
import VigilReport

/// `--as-of YYYY-MM-DD`: the date "now" means, for reproducible output.
struct AsOfOption: ParsableArguments {
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "The date the run is as of, from which every 'days since' is counted (YYYY-MM-DD, UTC). Default: today.",
            valueName: "date"))
    var asOf: String?

    /// A date that does not parse is a usage error of the subcommand that was given, with its usage.
    func validate() throws {
        _ = try date()
    }

    /// The chosen date, or today (midnight UTC, as `assessedAt` and every "days since" take it).
    func date() throws -> Date {
        guard let asOf else { return CivilDate.day(of: Date()) }
        return try DateArgument.day(asOf, option: "--as-of")
    }
}

/// `--mode 640`: the permissions of the reports a command writes, owner-only (600) unless widened deliberately.
struct OutputModeOption: ParsableArguments {
    @Option(
        name: .customLong("mode"),
        help: ArgumentHelp(
            "Permissions of the reports written, in octal: 640 lets the owner's group read them (folders created for them get 750). Default 600, owner only: reports say where patient data lies (and an assessment's name weak and privileged accounts). World-writable modes are refused.",
            valueName: "octal"))
    var mode: String?

    func validate() throws {
        _ = try permissions()
    }

    /// The permissions chosen, or owner-only; a usage error (exit 64) for a mode Vigil refuses.
    func permissions() throws -> OutputPermissions {
        guard let mode else { return .ownerOnly }
        do {
            return try OutputPermissions(octal: mode)
        } catch {
            throw ValidationError(String(describing: error))
        }
    }
}

/// `--format html,json,csv`.
struct ReportFormats: ExpressibleByArgument {
    var formats: [ReportFormat]

    init(formats: [ReportFormat]) {
        self.formats = formats
    }

    init?(argument: String) {
        var formats: [ReportFormat] = []
        for part in argument.split(separator: ",") {
            guard let format = ReportFormat(rawValue: part.trimmingCharacters(in: .whitespaces).lowercased()) else {
                return nil
            }
            formats.append(format)
        }
        guard !formats.isEmpty else { return nil }
        self.formats = formats
    }

    var defaultValueDescription: String { formats.map(\.rawValue).joined(separator: ",") }

    static var allValueStrings: [String] { ReportFormat.allCases.map(\.rawValue) }
}

/// `--fail-on SEVERITY`.
struct SeverityThreshold: ExpressibleByArgument {
    var severity: Severity

    init?(argument: String) {
        guard let severity = Severity(rawValue: argument.lowercased()) else { return nil }
        self.severity = severity
    }

    static var allValueStrings: [String] { Severity.allCases.map(\.rawValue) }
}

extension Logger {
    /// A logger for a command: debug level with `--verbose`, warnings otherwise.
    static func vigil(_ label: String, verbose: Bool) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = verbose ? .debug : .warning
        return logger
    }
}
