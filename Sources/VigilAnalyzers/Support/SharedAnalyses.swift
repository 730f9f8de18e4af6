public import Foundation
import Synchronization
public import VigilCore

/// Analyses that several stages of one assessment need, each computed once, on first use: the directory as an access
/// graph, the clinical-role user index and the access analysis (``AccessReach``). The access analyzer, the weak-password
/// join and the engine's cross-checks all read them.
///
/// Why it exists: at national size (1.5 million accounts) each of those stages built its own string-keyed indexes of
/// every account, and the access analysis ran twice; sharing them removed most of the analysis time.
public final class SharedAnalyses: Sendable {
    private let estate: Estate
    private let asOf: Date
    private let directoryAccess = Mutex<DirectoryAccess?>(nil)
    private let roleUsers = Mutex<ClinicalRoleUsers?>(nil)
    private let reach = Mutex<AccessReach?>(nil)
    private let ids = Mutex<[String]?>(nil)

    /// Analyses of `estate` as of `asOf`, none computed yet.
    public init(estate: Estate, asOf: Date) {
        self.estate = estate
        self.asOf = asOf
    }

    /// The directory's accounts and groups as an access graph with its name and SID look-ups.
    public func directory() -> DirectoryAccess {
        directoryAccess.withLock { cached in
            if let cached { return cached }
            let made = DirectoryAccess(accounts: estate.accounts, groups: estate.groups)
            cached = made
            return made
        }
    }

    /// The index joining role-export users to accounts.
    func clinicalRoleUsers() -> ClinicalRoleUsers {
        roleUsers.withLock { cached in
            if let cached { return cached }
            let made = ClinicalRoleUsers(estate.accounts, users: estate.roleAssignments)
            cached = made
            return made
        }
    }

    /// Each account's ``Account/id`` (its SID as text, else its qualified name), in estate order: the join and the
    /// covered subjects both look every account up by it, and a national directory's 1.5 million SIDs take a while to
    /// write out, so they are written once, on every core.
    public func accountIDs() -> [String] {
        ids.withLock { cached in
            if let cached { return cached }
            let accounts = estate.accounts
            let sliceSize = 65_536
            let made = parallelMap((accounts.count + sliceSize - 1) / sliceSize) { slice in
                accounts[slice * sliceSize..<min(accounts.count, (slice + 1) * sliceSize)].map(\.id)
            }.flatMap { $0 }
            cached = made
            return made
        }
    }

    /// Who can read patient data (call only when ``AccessAnalyzer`` has the evidence it needs). Computed under its
    /// own lock, so that a caller arriving while it is being built waits for it rather than building it again; the
    /// other two locks are taken inside this one and never the other way round.
    public func accessReach() -> AccessReach {
        reach.withLock { cached in
            if let cached { return cached }
            let made = AccessReach(
                estate: estate, asOf: asOf, directory: directory(), roleUsers: clinicalRoleUsers())
            cached = made
            return made
        }
    }

    /// Starts building the access analysis on a thread of its own and returns at once: the engine calls this while it
    /// joins the directory's credentials on another core, so that the access analyzer finds most of its work done.
    public func startAccessReach() {
        startThread { [self] in _ = accessReach() }
    }
}
