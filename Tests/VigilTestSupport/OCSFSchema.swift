public import Foundation

/// An OCSF event validator that reads the schema's own source files (`events/`, `objects/`, `profiles/`,
/// `dictionary.json`, `categories.json`), so that what an event must look like comes from the schema, not from this
/// code: a class's attributes are the merge of its `extends` chain and the profiles it `$include`s, each attribute's
/// type and enum come from the dictionary with the class's refinements, and objects are resolved the same way.
///
/// It checks what a consumer relies on: required attributes present (those of a profile only when the event names the
/// profile in `metadata.profiles`), no attribute the class or object does not define, no deprecated attribute, types
/// (primitive types with their regex, length and range limits; objects recursively; arrays), enum values, captions
/// (`severity`) matching their `_id` sibling, objects' `at_least_one`/`just_one` constraints, and the class, category
/// and type numbers derived as OCSF derives them.
public struct OCSFSchema {
    /// The schema's version (`version.json`).
    public let version: String
    private let root: URL
    private let dictionary: [String: [String: Any]]
    private let types: [String: [String: Any]]
    private let categories: [String: Int]
    private let categoryCaptions: [String: String]
    /// Class files by their class uid (`category * 1000 + uid`).
    private let classes: [Int: URL]

    /// Loads the schema in `directory` (a copy of the ocsf-schema repository's layout).
    public init(directory: URL) throws {
        root = directory
        let dictionaryFile = try Self.object(at: directory.appendingPathComponent("dictionary.json"))
        dictionary = dictionaryFile["attributes"] as? [String: [String: Any]] ?? [:]
        types = (dictionaryFile["types"] as? [String: Any])?["attributes"] as? [String: [String: Any]] ?? [:]
        let categoryFile = try Self.object(at: directory.appendingPathComponent("categories.json"))
        var categories: [String: Int] = [:]
        var captions: [String: String] = [:]
        for (name, value) in categoryFile["attributes"] as? [String: [String: Any]] ?? [:] {
            categories[name] = value["uid"] as? Int
            captions[name] = value["caption"] as? String
        }
        self.categories = categories
        categoryCaptions = captions
        version = try Self.object(at: directory.appendingPathComponent("version.json"))["version"] as? String ?? ""
        var classes: [Int: URL] = [:]
        let files = FileManager.default.enumerator(
            at: directory.appendingPathComponent("events"), includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "json", let definition = try? Self.object(at: file),
                let uid = definition["uid"] as? Int,
                let category = definition["category"] as? String
                    ?? Self.inheritedCategory(definition, in: directory),
                let categoryUID = categories[category]
            else { continue }
            classes[categoryUID * 1_000 + uid] = file
        }
        self.classes = classes
    }

    /// The problems with `event` (a decoded JSON object), each naming the attribute's path; empty when it is valid.
    public func problems(in event: [String: Any]) -> [String] {
        var problems: [String] = []
        guard let classUID = event["class_uid"] as? Int, let file = classes[classUID] else {
            return ["class_uid: not a class of OCSF \(version)"]
        }
        guard var definition = try? definition(of: file, kind: "events") else { return ["\(file.path): unreadable"] }
        // The OCSF server gives `class_uid` and `category_uid` the one value of the class (its base event's enums list
        // only 0); the type's values are checked below as `class_uid * 100 + activity_id`.
        definition.attributes["class_uid"]?["enum"] = [String(classUID): ["caption": definition.caption]]
        if let category = definition.category, let categoryUID = categories[category] {
            definition.attributes["category_uid"]?["enum"] = [
                String(categoryUID): ["caption": categoryCaptions[category] ?? category]
            ]
        }
        let profiles = Set(((event["metadata"] as? [String: Any])?["profiles"] as? [String]) ?? [])
        check(event, against: definition, profiles: profiles, at: "", problems: &problems)
        if let category = definition.category, let categoryUID = categories[category] {
            if event["category_uid"] as? Int != categoryUID { problems.append("category_uid: expected \(categoryUID)") }
        }
        if let activity = event["activity_id"] as? Int, event["type_uid"] as? Int != classUID * 100 + activity {
            problems.append("type_uid: expected class_uid * 100 + activity_id")
        }
        return problems
    }

    // MARK: Definitions

    /// A class or object with its attributes merged through `extends` and `$include`.
    struct Definition {
        var name: String
        var caption: String
        var category: String?
        var attributes: [String: [String: Any]]
        var constraints: [String: [String]]
    }

    /// The merged definition in `file`, `kind` being `events` or `objects` (where `extends` names are looked up).
    private func definition(of file: URL, kind: String) throws -> Definition {
        let source = try Self.object(at: file)
        var merged = Definition(
            name: source["name"] as? String ?? "", caption: source["caption"] as? String ?? "",
            category: source["category"] as? String, attributes: [:],
            constraints: [:])
        if let parent = source["extends"] as? String {
            let parentFile = try self.file(named: parent, kind: kind)
            if let parentFile {
                let inherited = try definition(of: parentFile, kind: kind)
                merged.attributes = inherited.attributes
                merged.constraints = inherited.constraints
                merged.category = merged.category ?? inherited.category
            }
        }
        let own = source["attributes"] as? [String: Any] ?? [:]
        for include in own["$include"] as? [String] ?? [] {
            let profile = try Self.object(at: root.appendingPathComponent(include))
            let profileName = profile["name"] as? String ?? include
            for (name, value) in profile["attributes"] as? [String: [String: Any]] ?? [:] {
                var attribute = value
                attribute["profile"] = attribute["profile"] ?? profileName
                merged.attributes[name] = Self.merge(merged.attributes[name], attribute)
            }
        }
        for (name, value) in own where name != "$include" {
            guard let attribute = value as? [String: Any] else { continue }
            merged.attributes[name] = Self.merge(merged.attributes[name], attribute)
        }
        for (kind, names) in source["constraints"] as? [String: [String]] ?? [:] { merged.constraints[kind] = names }
        return merged
    }

    /// The file defining `name` among `kind`, searched recursively (classes sit in category folders).
    private func file(named name: String, kind: String) throws -> URL? {
        if kind == "objects" {
            let url = root.appendingPathComponent("objects/\(name).json")
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
        let files = FileManager.default.enumerator(
            at: root.appendingPathComponent(kind), includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            if file.pathExtension == "json", (try? Self.object(at: file))?["name"] as? String == name { return file }
        }
        return nil
    }

    /// `refinement` over `base`, key by key; enums are united, as the OCSF server unites a class's values with its
    /// parent's and the dictionary's.
    private static func merge(_ base: [String: Any]?, _ refinement: [String: Any]) -> [String: Any] {
        var merged = base ?? [:]
        for (key, value) in refinement {
            if key == "enum", let values = value as? [String: Any], let existing = merged["enum"] as? [String: Any] {
                merged["enum"] = existing.merging(values) { _, new in new }
            } else {
                merged[key] = value
            }
        }
        return merged
    }

    // MARK: Checking

    private func check(
        _ value: [String: Any], against definition: Definition, profiles: Set<String>, at path: String,
        problems: inout [String]
    ) {
        for (name, attribute) in definition.attributes where attribute["requirement"] as? String == "required" {
            if let profile = attribute["profile"] as? String, !profiles.contains(profile) { continue }
            if value[name] == nil { problems.append("\(path)\(name): required by \(definition.name), missing") }
        }
        for (name, item) in value {
            let location = path + name
            guard let local = definition.attributes[name] else {
                problems.append("\(location): not an attribute of \(definition.name)")
                continue
            }
            let attribute = Self.merge(dictionary[name], local)
            if attribute["@deprecated"] != nil { problems.append("\(location): deprecated") }
            check(item, attribute: attribute, profiles: profiles, at: location, problems: &problems)
            if let sibling = attribute["sibling"] as? String, let caption = value[sibling] as? String,
                let id = item as? Int, id != 99,
                let expected = (attribute["enum"] as? [String: [String: Any]])?[String(id)]?["caption"] as? String,
                caption != expected
            {
                problems.append("\(path)\(sibling): \"\(caption)\" is not the caption of \(name) \(id)")
            }
        }
        let object = path.hasSuffix(".") ? String(path.dropLast()) : path
        if let names = definition.constraints["at_least_one"], !names.contains(where: { value[$0] != nil }) {
            problems.append("\(object): \(definition.name) needs at least one of \(names)")
        }
        if let names = definition.constraints["just_one"], names.filter({ value[$0] != nil }).count != 1 {
            problems.append("\(object): \(definition.name) needs exactly one of \(names)")
        }
    }

    private func check(
        _ item: Any, attribute: [String: Any], profiles: Set<String>, at path: String, problems: inout [String]
    ) {
        let type = attribute["type"] as? String ?? "?"
        if attribute["is_array"] as? Bool == true {
            guard let array = item as? [Any] else {
                problems.append("\(path): expected an array of \(type)")
                return
            }
            var element = attribute
            element["is_array"] = false
            for (index, value) in array.enumerated() {
                check(value, attribute: element, profiles: profiles, at: "\(path)[\(index)]", problems: &problems)
            }
            return
        }
        if let values = attribute["enum"] as? [String: Any] {
            let key = (item as? Int).map(String.init) ?? (item as? String) ?? ""
            if values[key] == nil { problems.append("\(path): \(key) is not a value of the enum") }
        }
        if types[type] != nil || type == "object" {
            checkPrimitive(item, type: type, at: path, problems: &problems)
        } else if let file = try? file(named: type, kind: "objects"),
            let object = try? definition(of: file, kind: "objects")
        {
            guard let value = item as? [String: Any] else {
                problems.append("\(path): expected a \(type) object")
                return
            }
            check(value, against: object, profiles: profiles, at: path + ".", problems: &problems)
        } else {
            problems.append("\(path): type \(type) is not in the schema")
        }
    }

    /// Checks a value of a dictionary type, following the type's base (`timestamp_t` → `long_t`) and its limits.
    private func checkPrimitive(_ item: Any, type: String, at path: String, problems: inout [String]) {
        let definition = types[type] ?? [:]
        if let regex = definition["regex"] as? String, let text = item as? String,
            text.range(of: regex, options: .regularExpression) == nil
        {
            problems.append("\(path): does not match \(type)")
        }
        if let maximum = definition["max_len"] as? Int, let text = item as? String, text.utf8.count > maximum {
            problems.append("\(path): longer than \(maximum)")
        }
        if let range = definition["range"] as? [Int], range.count == 2, let number = item as? Int,
            number < range[0] || number > range[1]
        {
            problems.append("\(path): outside \(range)")
        }
        if let base = definition["type"] as? String, base != type {
            checkPrimitive(item, type: base, at: path, problems: &problems)
            return
        }
        let valid: Bool =
            switch type {
            case "string_t": item is String
            case "integer_t", "long_t": item is Int
            case "float_t": item is Double || item is Int
            case "boolean_t": item is Bool
            case "object": item is [String: Any]
            case "json_t": true
            default: false
            }
        if !valid { problems.append("\(path): expected \(type)") }
    }

    // MARK: Files

    /// Decodes one event (a line of JSON) into native values: `Bool`, `Int`, `Double`, `String`, arrays and
    /// dictionaries, so that a number where a boolean belongs (or the reverse) is told apart, which
    /// `JSONSerialization`'s `NSNumber`s do not allow.
    public static func decodeEvent(_ line: Data) throws -> [String: Any] {
        guard let object = try JSONDecoder().decode(JSONValue.self, from: line).native as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }

    /// A JSON value, decoded strictly by kind.
    private enum JSONValue: Decodable {
        case bool(Bool)
        case integer(Int)
        case number(Double)
        case string(String)
        case array([JSONValue])
        case object([String: JSONValue])
        case null

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int.self) {
                self = .integer(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([JSONValue].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: JSONValue].self))
            }
        }

        var native: Any {
            switch self {
            case .bool(let value): value
            case .integer(let value): value
            case .number(let value): value
            case .string(let value): value
            case .array(let values): values.map(\.native)
            case .object(let values): values.mapValues(\.native)
            case .null: NSNull()
            }
        }
    }

    private static func object(at url: URL) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        return object
    }

    /// The category of a class that names none, from the class it extends (classes within `events/<category>/`).
    private static func inheritedCategory(_ definition: [String: Any], in directory: URL) -> String? {
        guard let parent = definition["extends"] as? String else { return nil }
        let files = FileManager.default.enumerator(
            at: directory.appendingPathComponent("events"), includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard let candidate = try? object(at: file), candidate["name"] as? String == parent else { continue }
            return candidate["category"] as? String ?? inheritedCategory(candidate, in: directory)
        }
        return nil
    }
}
