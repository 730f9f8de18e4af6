import Foundation
import VigilTestSupport
import Yams

/// Response bodies checked against docs/api/openapi.yaml: a component schema of the document becomes the root of a JSON
/// Schema (its siblings under `$defs`), so what the API sends and what the document promises cannot drift apart.
enum OpenAPIContract {
    /// The document has no component schemas.
    struct MissingComponents: Error {}

    /// The document's component schemas (read on each call: a few kilobytes).
    static func components() throws -> [String: Any] {
        let url = Fixtures.repository.appending(path: "docs/api/openapi.yaml")
        let document = try Yams.load(yaml: try String(contentsOf: url, encoding: .utf8)) as? [String: Any]
        guard let schemas = (document?["components"] as? [String: Any])?["schemas"] as? [String: Any] else {
            throw MissingComponents()
        }
        return schemas
    }

    /// Validates `body` against the component `name`, or against an array of them when `array`.
    static func validate(_ body: Data, component name: String, array: Bool = false) throws {
        let reference: [String: Any] = ["$ref": "#/$defs/\(name)"]
        var root: [String: Any] = array ? ["type": "array", "items": reference] : reference
        root["$defs"] = try components()
        let data = try JSONSerialization.data(withJSONObject: root)
        // The document's references point into components; here they live under $defs.
        let rewritten = String(decoding: data, as: UTF8.self)
            .replacingOccurrences(of: "#\\/components\\/schemas\\/", with: "#/$defs/")
            .replacingOccurrences(of: "#/components/schemas/", with: "#/$defs/")
        try JSONSchemaValidator(schema: Data(rewritten.utf8)).validate(body)
    }
}
