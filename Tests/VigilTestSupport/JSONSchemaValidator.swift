public import Foundation

/// A validator for the subset of JSON Schema (draft 2020-12) that Vigil's schemas use. A keyword it does not know is
/// itself reported as an error, so a schema can never pass by being misunderstood.
public struct JSONSchemaValidator {
    private let root: [String: Any]
    private static let known: Set<String> = [
        "$schema", "$id", "title", "description", "type", "required", "additionalProperties", "properties", "items",
        "$ref", "$defs", "enum", "const", "pattern", "minimum", "minLength", "maxLength", "format", "if", "then",
    ]

    public init(schema: Data) throws {
        guard let object = try JSONSerialization.jsonObject(with: schema) as? [String: Any] else {
            throw ValidationFailure(errors: ["schema is not an object"])
        }
        root = object
    }

    /// The failure of a document to validate.
    public struct ValidationFailure: Error, CustomStringConvertible {
        public var errors: [String]
        public var description: String { errors.prefix(20).joined(separator: "\n") }
    }

    /// Validates `document`; throws listing every violation.
    public func validate(_ document: Data) throws {
        let instance = try JSONSerialization.jsonObject(with: document, options: [.fragmentsAllowed])
        var errors: [String] = []
        check(instance, against: root, at: "$", errors: &errors)
        if !errors.isEmpty { throw ValidationFailure(errors: errors) }
    }

    private func resolve(_ reference: String) -> [String: Any]? {
        guard reference.hasPrefix("#/") else { return nil }
        var current: Any = root
        for part in reference.dropFirst(2).split(separator: "/") {
            guard let object = current as? [String: Any], let next = object[String(part)] else { return nil }
            current = next
        }
        return current as? [String: Any]
    }

    private func check(_ value: Any, against schema: [String: Any], at path: String, errors: inout [String]) {
        for key in schema.keys where !Self.known.contains(key) {
            errors.append("\(path): schema keyword '\(key)' is not supported by the validator")
        }
        if let reference = schema["$ref"] as? String {
            guard let target = resolve(reference) else {
                errors.append("\(path): unresolvable $ref \(reference)")
                return
            }
            check(value, against: target, at: path, errors: &errors)
        }
        // `then` applies when the value meets `if` (an `if` without `then` asserts nothing).
        if let condition = schema["if"] as? [String: Any], let consequence = schema["then"] as? [String: Any] {
            var unmet: [String] = []
            check(value, against: condition, at: path, errors: &unmet)
            if unmet.isEmpty { check(value, against: consequence, at: path, errors: &errors) }
        }
        if let type = schema["type"] as? String, !matches(value, type: type) {
            errors.append("\(path): expected \(type)")
            return
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { equal($0, value) }) {
            errors.append("\(path): value not in enum")
        }
        if let constant = schema["const"], !equal(constant, value) {
            errors.append("\(path): expected constant \(constant)")
        }
        if let pattern = schema["pattern"] as? String, let text = value as? String {
            let regex = try? NSRegularExpression(pattern: pattern)
            if regex?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                errors.append("\(path): '\(text.prefix(60))' does not match \(pattern)")
            }
        }
        if let text = value as? String {
            if let maximum = (schema["maxLength"] as? NSNumber)?.intValue, text.count > maximum {
                errors.append("\(path): longer than \(maximum) characters")
            }
            if let minimum = (schema["minLength"] as? NSNumber)?.intValue, text.count < minimum {
                errors.append("\(path): shorter than \(minimum) characters")
            }
            // Of the formats, only date-time is asserted (the others, such as int64, are annotations here).
            if schema["format"] as? String == "date-time", ISO8601DateFormatter().date(from: text) == nil {
                errors.append("\(path): not an ISO 8601 date-time")
            }
        }
        if let minimum = schema["minimum"] as? Double, let number = value as? NSNumber, number.doubleValue < minimum {
            errors.append("\(path): below minimum \(minimum)")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                errors.append("\(path): missing required '\(name)'")
            }
            for (name, member) in object {
                if let propertySchema = properties[name] as? [String: Any] {
                    check(member, against: propertySchema, at: "\(path).\(name)", errors: &errors)
                } else if let additional = schema["additionalProperties"] {
                    if let allowed = additional as? Bool {
                        if !allowed { errors.append("\(path): unexpected property '\(name)'") }
                    } else if let additionalSchema = additional as? [String: Any] {
                        check(member, against: additionalSchema, at: "\(path).\(name)", errors: &errors)
                    }
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() {
                check(element, against: items, at: "\(path)[\(index)]", errors: &errors)
            }
        }
    }

    private func matches(_ value: Any, type: String) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "integer":
            guard let number = value as? NSNumber, !Self.isBoolean(number) else { return false }
            return number.doubleValue == number.doubleValue.rounded()
        case "number":
            guard let number = value as? NSNumber else { return false }
            return !Self.isBoolean(number)
        case "boolean":
            guard let number = value as? NSNumber else { return false }
            return Self.isBoolean(number)
        case "null": return value is NSNull
        default: return false
        }
    }

    /// Whether `number` was read from `true` or `false`: `JSONSerialization` gives booleans and numbers alike as
    /// `NSNumber`, a boolean's stored as a char (`c`), a JSON number's never.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    private func equal(_ lhs: Any, _ rhs: Any) -> Bool {
        switch (lhs, rhs) {
        case (let a as String, let b as String): a == b
        case (let a as NSNumber, let b as NSNumber): a == b
        default: false
        }
    }
}
