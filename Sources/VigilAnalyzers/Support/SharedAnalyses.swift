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

    /// Who can read patient data (call only when ``AccessAnalyzer`` has the evidence it needs).
    public func accessReach() -> AccessReach {
        if let cached = reach.withLock({ $0 }) { return cached }
        // Computed outside the lock: it takes the other two, which lock on their own.
        let made = AccessReach(
            estate: estate, asOf: asOf, directory: directory(), roleUsers: clinicalRoleUsers())
        return reach.withLock { cached in
            if let cached { return cached }
            cached = made
            return made
        }
    }
}
