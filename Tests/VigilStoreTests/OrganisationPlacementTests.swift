import Foundation
import Testing
import VigilCore

@testable import VigilStore

/// Where an organisation is filed decides who may see it: parents that contradict the stored hierarchy are refused,
/// naming the placement the others have (the national audit filed an ICB under another region, and that region's
/// viewers saw the organisation while the ICB's own page broke).
@Suite("organisation placement")
struct OrganisationPlacementTests {
    @Test(
        "parents contradicting the hierarchy, an organisation as a parent and an area's code as an organisation are refused; consistent ones are accepted"
    )
    func placement() async throws {
        try await Backend.sqlite.withStore { store in
            func create(
                _ code: String, _ parents: [String], kind: Organisation.Kind = .gpPractice
            ) async throws -> OrganisationRecord {
                try await store.createOrganisation(
                    NewOrganisation(code: code, name: "Org \(code)", kind: kind, parents: parents))
            }
            _ = try await create("RAA", ["Y56", "QMJ"])
            let refused: [(String, [String], String)] = [
                ("RX5", ["Y61", "QMJ"], "QMJ is under Y56 for the other organisations: give --parents Y56,QMJ"),
                ("RX5", ["QMJ", "Y56"], "QMJ is under Y56"),
                ("RX5", ["RAA"], "RAA is under Y56/QMJ"),
                ("RX8", ["Y56", "QMJ", "RX8"], "other than itself"),
                ("QMJ", ["Y61"], "QMJ is under Y56 for the other organisations: give --parents Y56"),
                // An organisation is not an area: nothing is filed under a practice, and an area's code is not made
                // a practice (the audit's Y90021 under Y90003, and QMJ made an organisation of another kind).
                ("Y90021", ["Y56", "QMJ", "RAA"], "RAA is an organisation (gp-practice), not a region or ICB"),
                ("QMJ", ["Y56"], "QMJ is an ICB: only the ICB itself may be an organisation under its code"),
                ("Y56", [], "Y56 is a region: a region is not an organisation"),
            ]
            for (code, parents, message) in refused {
                await #expect {
                    _ = try await create(code, parents)
                } throws: { error in
                    (error as? StoreError)?.message.contains(message) == true
                }
            }
            #expect(try await create("RX6", ["Y56", "QMJ"]).path == "Y56/QMJ/RX6")
            // An ICB submitting its own assessments is an organisation where it stands, and still the ICB of others.
            #expect(try await create("QMJ", ["Y56"], kind: .commissioningBody).path == "Y56/QMJ")
            #expect(try await create("RX9", ["Y56", "QMJ"]).path == "Y56/QMJ/RX9")
            // An organisation directly under a region, beside others under ICBs.
            #expect(try await create("RY1", ["Y56"]).path == "Y56/RY1")
            #expect(try await create("RX7", ["Y61", "QMK"]).path == "Y61/QMK/RX7")
            // An ICB made an organisation of a kind not said (the default), before anything stood under it, is
            // still an ICB for those filed under it later.
            #expect(try await create("QMZ", ["Y61"], kind: .other).path == "Y61/QMZ")
            #expect(try await create("RZ1", ["Y61", "QMZ"]).path == "Y61/QMZ/RZ1")
            #expect(try await store.organisation(code: "RX5") == nil)
            #expect(try await store.organisation(code: "Y90021") == nil)
            // A region is never an organisation, even as a commissioning body.
            await #expect(throws: StoreError.self) { _ = try await create("Y61", [], kind: .commissioningBody) }
        }
    }
}
