import Foundation
import Hummingbird
import Logging
import NIOCore
import VigilStore
import VigilSubmission

/// `POST /api/v1/submissions`: an organisation's findings-only submission, authorised by its bearer token. The body
/// is bounded before it is read, validated entirely before anything is stored, and stored in one transaction; the
/// receipt (201, or 200 for a document received before) is sent only after commit. Malformed or oversized bodies get a
/// 4xx naming the position, never echoing content, and change nothing.
struct SubmissionRoutes: Sendable {
    let store: SQLNationalStore
    let configuration: ServerConfiguration

    func register(on router: Router<VigilRequestContext>) {
        router.post("api/v1/submissions") { request, context in
            try await submit(request, address: context.clientAddress, logger: context.logger)
        }
    }

    func submit(_ request: Request, address: String, logger: Logger) async throws -> Response {
        let organisation: OrganisationRecord
        switch try await BearerAuthentication.organisation(request, store: store) {
        case .success(let found): organisation = found
        case .failure(let unauthorised): return unauthorised.response
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: configuration.bodyLimit)
        } catch is NIOTooManyBytesError {
            return JSONResponse.problem(
                .contentTooLarge, code: SubmissionError.Code.tooLarge.rawValue,
                message: "a submission is at most \(configuration.bodyLimit) bytes")
        }
        let submission: Submission
        do throws(SubmissionError) {
            submission = try Submission.decode(Data(buffer: body))
        } catch {
            return JSONResponse.problem(
                error.code == .tooLarge ? .contentTooLarge : .unprocessableContent, code: error.code.rawValue,
                message: error.message, position: error.position)
        }
        // Evidence from the future would be the organisation's latest until that date, every real submission before
        // it kept without being applied, and an alert's deadline counted from it: a day's allowance for clocks.
        let now = configuration.now()
        guard submission.assessedAt <= now.addingTimeInterval(Self.clockAllowance) else {
            return JSONResponse.problem(
                .unprocessableContent, code: SubmissionError.Code.invalid.rawValue,
                message:
                    "assessed later than the service's clock allows (more than a day ahead): check the clock, or the --as-of, of the machine that assessed",
                position: "assessedAt")
        }
        // An assessment made without naming the organisation says UNKNOWN; any other code must be the token's.
        guard submission.organisation == organisation.code || submission.organisation == "UNKNOWN" else {
            // A live token used for another organisation: audited against the token's own, as the attempt it is.
            // (Requests without a live token are not: an unauthenticated flood must not fill the append-only log.)
            try? await store.audit(
                AuditEntry(
                    .submitRefused, actor: "token", organisation: organisation.id,
                    origin: Origin(address: address, at: now), detail: "names another organisation"))
            return JSONResponse.problem(
                .forbidden, code: "auth.wrong-organisation",
                message: "the submission names another organisation than the token's", position: "organisation")
        }
        // Audited in the submission's own transaction: a submission is never stored without its audit entry.
        let receipt: Receipt
        do {
            receipt = try await store.ingest(
                submission, organisation: organisation.id, receivedAt: now, origin: address)
        } catch let error as StoreError where error.code == .undone {
            // Undone with the writes committed together with it (SQLite's group commit): nothing is stored, and the
            // same document sent again is applied as if for the first time.
            return JSONResponse.problem(
                .serviceUnavailable, code: "submission.undone",
                message: "the submission was not stored, through no fault of its own: send it again")
        } catch let error as StoreError where error.code == .keyChanged {
            // Keyed by another key than the organisation's: every subject would be new to the service. Nothing was
            // stored; audited against the organisation as the refusal it is, and said so with both fingerprints
            // (neither reveals a key), so the organisation can find its key file or ask for the new one's acceptance.
            try? await store.audit(
                AuditEntry(
                    .submitRefused, actor: "token", organisation: organisation.id,
                    origin: Origin(address: address, at: now),
                    detail: submission.keyFingerprint == nil
                        ? "pseudonymisation key not named" : "pseudonymisation key changed"))
            return JSONResponse.problem(
                .conflict, code: "submission.key-changed", message: error.message, position: "keyFingerprint")
        } catch let error as StoreError {
            // The store refused what it found (a stored row it cannot read): sending again would meet the same, so
            // not a 503. Logged by its code, never its content.
            logger.error("a submission was not stored", metadata: ["store_error": "\(error.code.rawValue)"])
            return JSONResponse.problem(
                .internalServerError, code: "server.store",
                message: "the service could not store the submission; nothing was stored: tell the national team")
        } catch {
            // The database failed or is down: the transaction did not commit, so nothing is stored and the same
            // document sent later is applied as new. Said so, rather than an empty 500.
            logger.error("a submission was not stored: the database failed", metadata: ["error": "\(type(of: error))"])
            return JSONResponse.problem(
                .serviceUnavailable, code: "submission.unavailable",
                message:
                    "the service's database could not store the submission; nothing was stored: send it again later"
            )
        }
        return JSONResponse.make(receipt, status: receipt.duplicate ? .ok : .created)
    }

    /// How far ahead of the service's clock an assessment may be dated: time zones and a drifting clock, no more.
    static let clockAllowance: TimeInterval = 86_400

    /// The token of an `Authorization: Bearer …` header, when well formed (printable ASCII, at most 200 bytes).
    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard (1...200).contains(token.utf8.count), token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return nil
        }
        return token
    }
}
