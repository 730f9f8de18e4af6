public import Foundation
public import VigilIO
public import VigilSynth

/// `vigil demo`'s work, as a library: synthetic organisations written in the real export formats with their ground
/// truth and a breach corpus that knows their breached passwords, each then assessed by the engine every front end uses
/// and checked against what was seeded.
///
/// It lives in the engine because the check needs an assessment, and only the engine makes one; the generator stays
/// below the engine (it depends on the model alone) so that tests can build estates without linking the engine.
/// Preparing the output folder, writing reports and talking to the user stay with the caller.
public struct SyntheticDemo: Sendable {
    /// The organisations, in order: the acute trust first, then the GP practices.
    public let specifications: [EstateSpecification]
    /// The date every estate is generated and assessed as of.
    public let asOf: Date
    /// The seed every estate and the breach corpus derive from.
    public let seed: UInt64
    /// The folder everything is written under.
    public let root: URL
    /// The permissions of the ground-truth files and folders written.
    public let permissions: OutputPermissions

    /// Passwords in the breach corpus that belong to no generated account, so that finding one is not trivial.
    static let corpusFiller = 200_000

    /// The demo's organisations for `seed`: a trust of `trustStaff` staff and `practices` GP practices.
    public init(
        seed: UInt64, trustStaff: Int, practices: Int, asOf: Date, root: URL,
        permissions: OutputPermissions = .ownerOnly
    ) {
        self.specifications = EstateSpecification.demo(seed: seed, trustStaff: trustStaff, practices: practices)
        self.asOf = asOf
        self.seed = seed
        self.root = root
        self.permissions = permissions
    }

    /// The evidence bundle written for `specification`: `estates/<code>`.
    public func estate(of specification: EstateSpecification) -> URL {
        root.appendingPathComponent("estates").appendingPathComponent(specification.organisation.code)
    }

    /// The ground truth written for `specification`: `ground-truth/<code>.json`.
    public func groundTruth(of specification: EstateSpecification) -> URL {
        root.appendingPathComponent("ground-truth").appendingPathComponent("\(specification.organisation.code).json")
    }

    /// The folder holding the breach corpus and its index: `reference`.
    public var reference: URL { root.appendingPathComponent("reference") }
}
