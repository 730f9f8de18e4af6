import Foundation
import VigilSubmission

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension SubmitCommand {
    /// Stage 2: send the canonical document to `server` with the token in `tokenFile`, and print the receipt.
    func send(_ submission: Submission, server: String, tokenFile: String) async throws {
        guard let base = URL(string: server), base.scheme == "https" || base.scheme == "http", base.host != nil else {
            Terminal.error("vigil: --server is an http:// or https:// address")
            throw VigilExit.dataError
        }
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
        } catch {
            Terminal.error("vigil: \(tokenFile): the token file could not be read")
            throw VigilExit.noInput
        }
        guard !token.isEmpty, token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            Terminal.error("vigil: \(tokenFile): not a submission token")
            throw VigilExit.dataError
        }
        var request = URLRequest(url: base.appending(path: "api/v1/submissions"))
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try submission.canonicalJSON()
        request.timeoutInterval = 300
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            Terminal.error("vigil: the service at \(base.host ?? "the server") could not be reached")
            throw VigilExit.unavailable
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 || status == 201 else {
            Terminal.error("vigil: the service refused the submission (HTTP \(status)): \(Self.problem(in: data))")
            throw VigilExit.unavailable
        }
        print(Self.receiptLine(data, duplicate: status == 200))
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
