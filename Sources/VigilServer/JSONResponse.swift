import Foundation
import Hummingbird

/// JSON bodies for the API: keys sorted, dates ISO 8601, so responses are stable and can be checked against the
/// OpenAPI document.
enum JSONResponse {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// `value` as a JSON response with `status`.
    static func make(_ value: some Encodable, status: HTTPResponse.Status) -> Response {
        let data =
            (try? encoder().encode(value))
            ?? Data(#"{"error":{"code":"server.encoding","message":"the response could not be encoded"}}"#.utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func ok(_ value: some Encodable) -> Response { make(value, status: .ok) }

    /// The API's error body: `{"error": {"code", "message", "position"?}}`, never echoing the request.
    struct Problem: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var position: String?
        }
        var error: Detail
    }

    static func problem(_ status: HTTPResponse.Status, code: String, message: String, position: String? = nil)
        -> Response
    {
        make(Problem(error: .init(code: code, message: message, position: position)), status: status)
    }
}
