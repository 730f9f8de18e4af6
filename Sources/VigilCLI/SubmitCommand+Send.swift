import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import VigilSubmission

extension SubmitCommand {
    /// The most of a response Vigil reads: a receipt or an error is a few hundred bytes.
    static let responseLimit = 1 << 20

    /// Stage 2: send the canonical document to `server` with the token in `tokenFile`, and print the receipt.
    ///
    /// The request goes through AsyncHTTPClient (SwiftNIO, TLS from BoringSSL built in), not URLSession, so the binary
    /// needs no libcurl. Redirects are refused rather than followed: a redirect would carry the token to wherever it
    /// points.
    static func send(_ submission: Submission, server: String, tokenFile: String, quiet: Bool = false) async throws {
        let base = try serverAddress(server)
        let token = try readToken(tokenFile)
        var request = HTTPClientRequest(url: base.appending(path: "api/v1/submissions").absoluteString)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try submission.canonicalJSON()))
        let (status, data) = try await execute(request, host: base.host ?? "the server")
        guard status == 200 || status == 201 else {
            Terminal.error("vigil: the service refused the submission (HTTP \(status)): \(problem(in: data))")
            throw VigilExit.unavailable
        }
        if !quiet { print(receiptLine(data, duplicate: status == 200)) }
    }

    /// The service's address: `https://…`, or `http://` to this machine only (a service behind a local TLS proxy, the
    /// demo), since plain HTTP would carry the token and the submission readable to anyone on the way. Anything else
    /// is a usage error (64).
    static func serverAddress(_ server: String) throws -> URL {
        guard let base = URL(string: server), base.scheme == "https" || base.scheme == "http", let host = base.host,
            !host.isEmpty
        else {
            Terminal.error("vigil: --server is an https:// address (http:// only to this machine)")
            throw ExitCode.validationFailure
        }
        guard base.scheme == "https" || isLoopback(host) else {
            Terminal.error(
                "vigil: --server: plain http:// would send the token unencrypted; use https:// (http:// only to 127.0.0.1, ::1 or localhost)"
            )
            throw ExitCode.validationFailure
        }
        return base
    }

    /// Whether `host` is this machine: `localhost`, 127.0.0.0/8 or ::1.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The token in `path`: one line of printable ASCII.
    static func readToken(_ path: String) throws -> String {
        let token: String
        do {
            token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            Terminal.error("vigil: \(path): the token file could not be read")
            throw VigilExit.noInput
        }
        guard !token.isEmpty, token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            Terminal.error("vigil: \(path): not a submission token")
            throw VigilExit.dataError
        }
        return token
    }

    /// Sends `request` on a client of its own (no redirects, five minutes at most) and returns the status and at most
    /// ``responseLimit`` bytes of the body; an unreachable service or an unreadable answer exits 69.
    static func execute(_ request: HTTPClientRequest, host: String) async throws -> (status: Int, body: Data) {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(30), read: .seconds(300))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let outcome: Result<(Int, Data), any Error>
        do {
            let response = try await client.execute(request, timeout: .seconds(300))
            let body = try await response.body.collect(upTo: responseLimit)
            outcome = .success((Int(response.status.code), Data(body.readableBytesView)))
        } catch {
            outcome = .failure(error)
        }
        try? await client.shutdown()
        guard case .success(let answer) = outcome else {
            Terminal.error("vigil: the service at \(host) could not be reached or its answer could not be read")
            throw VigilExit.unavailable
        }
        return answer
    }

    /// The service's error message, or a placeholder: printed only after checking it is one line of plain text.
    static func problem(in data: Data) -> String {
        struct Problem: Decodable {
            struct Detail: Decodable {
                var code: String
                var message: String
                var position: String?
            }
            var error: Detail
        }
        guard let problem = try? JSONDecoder().decode(Problem.self, from: data) else { return "no explanation" }
        let text = "\(problem.error.position.map { "\($0): " } ?? "")\(problem.error.message) [\(problem.error.code)]"
        return String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(300))
    }

    /// One line saying what the receipt says.
    static func receiptLine(_ data: Data, duplicate: Bool) -> String {
        struct Receipt: Decodable {
            var submission: Int64
            var opened: Int
            var fixed: Int
            var reopened: Int
            var unverified: Int
            var applied: Bool
        }
        guard let receipt = try? JSONDecoder().decode(Receipt.self, from: data) else {
            return "Submitted; the receipt could not be read."
        }
        if duplicate { return "Already received as submission \(receipt.submission); nothing changed." }
        guard receipt.applied else {
            return
                "Received as submission \(receipt.submission); older than evidence already applied, so kept without changing tickets."
        }
        return
            "Received as submission \(receipt.submission): \(receipt.opened) opened, \(receipt.fixed) fixed by this evidence, \(receipt.reopened) reopened, \(receipt.unverified) not covered (unverified)."
    }
}
