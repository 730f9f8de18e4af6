import Foundation
import VigilCore
import Yams

/// Reads `vigil.yaml`. Unknown keys are errors, so a typo (`inptus:`) is caught rather than silently ignored.
public struct ManifestReader: Sendable {
    public init() {}

    /// Parses manifest text; `file` names it in errors.
    public func parse(_ text: String, file: String) throws(EvidenceError) -> BundleManifest {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw EvidenceError(
                code: .manifestInvalidYAML, path: file, message: "not valid YAML: \(Self.describe(error))")
        } catch {
            throw EvidenceError(code: .manifestInvalidYAML, path: file, message: "not valid YAML")
        }
        guard let node else { return BundleManifest() }
        let root = try mapping(
            node, at: "top level", file: file,
            keys: ["organisation", "inputs", "reference", "settings", "scan", "resources"])
        var manifest = BundleManifest()

        if let organisation = root["organisation"] {
            let fields = try mapping(organisation, at: "organisation", file: file, keys: ["code", "name", "kind"])
            let code = try scalar(fields["code"], at: "organisation.code", file: file, required: true)!
            let name = try scalar(fields["name"], at: "organisation.name", file: file, required: true)!
            let kindText = try scalar(fields["kind"], at: "organisation.kind", file: file, required: false) ?? "other"
            guard let kind = Organisation.Kind(rawValue: kindText) else {
                let allowed = Organisation.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                throw error(file, fields["kind"], "organisation.kind must be one of: \(allowed)")
            }
            manifest.organisation = Organisation(code: code, name: name, kind: kind)
        }
        if let inputs = root["inputs"] {
            guard let sequence = inputs.sequence else { throw error(file, inputs, "inputs must be a list") }
            for item in sequence {
                let line = item.mark.map(\.line)
                if let path = item.scalar?.string {
                    manifest.inputs.append(.init(path: path, line: line))
                    continue
                }
                let fields = try mapping(item, at: "inputs[]", file: file, keys: ["path", "format"])
                let path = try scalar(fields["path"], at: "inputs[].path", file: file, required: true)!
                let format = try scalar(fields["format"], at: "inputs[].format", file: file, required: false)
                if let format, ReaderCatalogue.reader(for: format) == nil {
                    let known = ReaderCatalogue.all.map(\.format.id).joined(separator: ", ")
                    throw error(
                        file, fields["format"], "inputs[].format is not a known format; known formats: \(known)")
                }
                manifest.inputs.append(.init(path: path, format: format, line: line))
            }
        }
        if let reference = root["reference"] {
            let fields = try mapping(reference, at: "reference", file: file, keys: ["breach-index", "advisories"])
            manifest.reference.breachIndex = try scalar(
                fields["breach-index"], at: "reference.breach-index", file: file, required: false)
            manifest.reference.advisories = try scalar(
                fields["advisories"], at: "reference.advisories", file: file, required: false)
        }
        if let settings = root["settings"] {
            let fields = try mapping(
                settings, at: "settings", file: file,
                keys: ["stale-days", "wordlists", "organisation-words", "guessing", "access-window"])
            manifest.wordlists = try list(fields["wordlists"], at: "settings.wordlists", file: file)
            manifest.organisationWords = try list(
                fields["organisation-words"], at: "settings.organisation-words", file: file)
            if let level = try scalar(fields["guessing"], at: "settings.guessing", file: file, required: false) {
                guard ["quick", "standard", "thorough"].contains(level) else {
                    throw error(file, fields["guessing"], "settings.guessing must be quick, standard or thorough")
                }
                manifest.guessing = level
            }
            if let text = try scalar(fields["stale-days"], at: "settings.stale-days", file: file, required: false) {
                guard let days = Int(text), (1...36_500).contains(days) else {
                    throw error(
                        file, fields["stale-days"], "settings.stale-days must be a whole number of days from 1 to 36500"
                    )
                }
                manifest.staleDays = days
            }
            if let text = try scalar(
                fields["access-window"], at: "settings.access-window", file: file, required: false)
            {
                guard let days = Int(text), (1...3660).contains(days) else {
                    throw error(
                        file, fields["access-window"],
                        "settings.access-window must be a whole number of days from 1 to 3660")
                }
                manifest.accessWindowDays = days
            }
        }
        if let scan = root["scan"] { manifest.scan = try scanSection(scan, file: file) }
        if let resources = root["resources"] { manifest.resources = try resourcesSection(resources, file: file) }
        return manifest
    }

    /// `resources:` — confidential resources the scan cannot find: a folder or share by its Windows path (as the ACL
    /// exports name it), or an application, each with a classification (`confidential`, `patient-confidential`…).
    private func resourcesSection(_ node: Node, file: String) throws(EvidenceError) -> [Resource] {
        guard let sequence = node.sequence else {
            throw error(file, node, "resources must be a list of entries with path or application, and classification")
        }
        var resources: [Resource] = []
        for item in sequence {
            let entry = try mapping(
                item, at: "resources[]", file: file, keys: ["path", "application", "classification", "name"])
            let path = try scalar(entry["path"], at: "resources[].path", file: file, required: false)
            let application = try scalar(
                entry["application"], at: "resources[].application", file: file, required: false)
            guard (path == nil) != (application == nil), let id = path ?? application else {
                throw error(file, item, "each entry of resources needs exactly one of path or application")
            }
            let text = try scalar(
                entry["classification"], at: "resources[].classification", file: file, required: true)!
            guard let classification = Resource.Classification(rawValue: text), classification != .unclassified else {
                throw error(
                    file, entry["classification"],
                    "resources[].classification must be one of \(Resource.Classification.allCases.dropFirst().map(\.rawValue).joined(separator: ", "))"
                )
            }
            let kind: Resource.Kind =
                application != nil
                ? .application : id.hasPrefix("\\\\") && id.split(separator: "\\").count == 2 ? .share : .folder
            resources.append(
                Resource(
                    id: id, name: try scalar(entry["name"], at: "resources[].name", file: file, required: false) ?? id,
                    kind: kind, classification: classification,
                    source: EvidenceReference(file: file, line: item.mark.map(\.line))))
        }
        return resources
    }

    /// `scan:` — folders to scan for patient identifiers, with their ACL paths and hosts, patterns, state and jobs.
    private func scanSection(_ node: Node, file: String) throws(EvidenceError) -> BundleManifest.Scan {
        let fields = try mapping(node, at: "scan", file: file, keys: ["paths", "include", "exclude", "state", "jobs"])
        guard let paths = fields["paths"] else {
            throw EvidenceError(code: .manifestMissingKey, path: file, message: "scan.paths is required")
        }
        guard let sequence = paths.sequence, !sequence.isEmpty else {
            throw error(file, paths, "scan.paths must be a list of folders")
        }
        var roots: [BundleManifest.Scan.Root] = []
        for item in sequence {
            let line = item.mark.map(\.line)
            if let path = item.scalar?.string {
                roots.append(.init(path: path, line: line))
                continue
            }
            let entry = try mapping(item, at: "scan.paths[]", file: file, keys: ["path", "acl-path", "host"])
            roots.append(
                .init(
                    path: try scalar(entry["path"], at: "scan.paths[].path", file: file, required: true)!,
                    aclPath: try scalar(entry["acl-path"], at: "scan.paths[].acl-path", file: file, required: false),
                    host: try scalar(entry["host"], at: "scan.paths[].host", file: file, required: false),
                    line: line))
        }
        func patterns(_ key: String) throws(EvidenceError) -> [String] {
            guard let node = fields[key] else { return [] }
            if let single = node.scalar?.string { return [single] }
            guard let sequence = node.sequence else {
                throw error(file, node, "scan.\(key) must be a list of patterns")
            }
            var result: [String] = []
            for item in sequence {
                guard let text = item.scalar?.string else {
                    throw error(file, item, "scan.\(key) must be a list of patterns")
                }
                result.append(text)
            }
            return result
        }
        var scan = BundleManifest.Scan(roots: roots, include: try patterns("include"), exclude: try patterns("exclude"))
        scan.state = try scalar(fields["state"], at: "scan.state", file: file, required: false)
        if let text = try scalar(fields["jobs"], at: "scan.jobs", file: file, required: false) {
            guard let jobs = Int(text), jobs > 0 else {
                throw error(file, fields["jobs"], "scan.jobs must be a positive whole number")
            }
            scan.jobs = jobs
        }
        return scan
    }

    private func mapping(_ node: Node, at path: String, file: String, keys: Set<String>) throws(EvidenceError)
        -> [String: Node]
    {
        guard let mapping = node.mapping else { throw error(file, node, "\(path) must be a mapping of keys to values") }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw error(file, key, "\(path) has a key that is not text") }
            guard keys.contains(name) else {
                throw error(
                    file, key,
                    "unknown key '\(name)' in \(path); expected one of: \(keys.sorted().joined(separator: ", "))")
            }
            result[name] = value
        }
        return result
    }

    private func list(_ node: Node?, at path: String, file: String) throws(EvidenceError) -> [String] {
        guard let node else { return [] }
        guard let sequence = node.sequence else { throw error(file, node, "\(path) must be a list") }
        var values: [String] = []
        for item in sequence {
            guard let text = item.scalar?.string else {
                throw error(file, item, "\(path) must be a list of single values")
            }
            values.append(text)
        }
        return values
    }

    private func scalar(_ node: Node?, at path: String, file: String, required: Bool) throws(EvidenceError) -> String? {
        guard let node else {
            if required {
                throw EvidenceError(code: .manifestMissingKey, path: file, message: "\(path) is required")
            }
            return nil
        }
        guard let text = node.scalar?.string else { throw error(file, node, "\(path) must be a single value") }
        return text
    }

    private func error(_ file: String, _ node: Node?, _ message: String) -> EvidenceError {
        let line = node?.mark.map { ":\($0.line)" } ?? ""
        return EvidenceError(code: .manifestInvalid, path: file + line, message: message)
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            "\(problem) at line \(mark.line), column \(mark.column)"
        default:
            "the document could not be parsed"
        }
    }
}
