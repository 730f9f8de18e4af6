import VigilCore

/// Passwords shared between enabled accounts: the same current NT hash (one finding per account, privileged members
/// first in each other's lists), and current passwords that other accounts used before (their password history).
enum SharedPasswords {
    static func findings(people: [Int], directory: DirectoryIndex) -> [Finding] {
        var byHash: [NTHash: [Int]] = [:]
        byHash.reserveCapacity(people.count)
        for index in people {
            guard let hash = directory.credentialOfAccount[index]?.ntHash, hash != .emptyPassword else { continue }
            byHash[hash, default: []].append(index)
        }
        let name = { (index: Int) in directory.accounts[index].qualifiedName }
        let groups = byHash.values.filter { $0.count > 1 }.map { $0.sorted { name($0) < name($1) } }.sorted {
            name($0[0]) < name($1[0])
        }
        var findings: [Finding] = []
        for (number, members) in groups.enumerated() {
            findings += currentGroup(members, label: "shared-password group \(number + 1)", directory: directory)
        }
        findings += history(people: people, current: byHash, directory: directory)
        return findings
    }

    private static func currentGroup(_ members: [Int], label: String, directory: DirectoryIndex) -> [Finding] {
        let privileged = Set(members.filter(directory.isPrivileged))
        let subjects = Dictionary(uniqueKeysWithValues: members.map { ($0, Subject.account(directory.accounts[$0])) })
        let relatedOrder = members.filter(privileged.contains) + members.filter { !privileged.contains($0) }
        return members.map { index in
            let account = directory.accounts[index]
            let others = members.count - 1
            let isPrivileged = privileged.contains(index)
            let privilegedOthers = privileged.count - (isPrivileged ? 1 : 0)
            var detail = "This account has the same password as \(Wording.count(others, "other enabled account"))"
            if isPrivileged, let reason = directory.privilege[index] {
                detail += "; it is privileged (\(reason.explanation)), so each of them holds administrative control."
            } else if privilegedOthers > 0 {
                detail +=
                    ", \(privilegedOthers == 1 ? "one of them" : "\(Wording.number(privilegedOthers)) of them") privileged: whoever knows this password controls the domain."
            } else {
                detail += "."
            }
            var evidence = [account.source]
            if let source = directory.credentialOfAccount[index]?.source { evidence.append(source) }
            return Finding(
                rule: isPrivileged ? .privilegedSharedPassword : .sharedPassword,
                escalation: isPrivileged || privileged.isEmpty ? nil : .privileged,
                subject: subjects[index]!,
                detail: detail,
                evidence: evidence,
                related: relatedOrder.lazy.filter { $0 != index }.prefix(Finding.relatedLimit).map { subjects[$0]! },
                facts: [
                    "sharedGroup": label, "groupSize": String(members.count),
                    "privilegedInGroup": String(privileged.count),
                ]
            )
        }
    }

    /// Accounts whose current password is in other accounts' history (and not their current password too).
    private static func history(people: [Int], current: [NTHash: [Int]], directory: DirectoryIndex) -> [Finding] {
        var previousOwners: [NTHash: [Int]] = [:]
        previousOwners.reserveCapacity(directory.credentialOfAccount.values.reduce(0) { $0 + $1.history.count })
        for index in directory.accounts.indices where directory.accounts[index].kind != .computer {
            guard let history = directory.credentialOfAccount[index]?.history else { continue }
            // Each earlier password once per account. Windows keeps 24 at most, and looking back along so few is
            // cheaper than a set per account (a national directory holds 1.5 million); a longer history (a dump
            // that says otherwise) takes a set, so that it cannot make this quadratic.
            if history.count > 32 {
                for hash in Set(history) where hash != .emptyPassword {
                    previousOwners[hash, default: []].append(index)
                }
                continue
            }
            for (position, hash) in history.enumerated()
            where hash != .emptyPassword && !history[..<position].contains(hash) {
                previousOwners[hash, default: []].append(index)
            }
        }
        var findings: [Finding] = []
        for index in people {
            guard let hash = directory.credentialOfAccount[index]?.ntHash, let owners = previousOwners[hash] else {
                continue
            }
            let sharingNow = Set(current[hash] ?? [])
            let others = owners.filter { $0 != index && !sharingNow.contains($0) }.sorted {
                directory.accounts[$0].qualifiedName < directory.accounts[$1].qualifiedName
            }
            guard !others.isEmpty else { continue }
            let account = directory.accounts[index]
            let privilegedInvolved = directory.isPrivileged(index) || others.contains(where: directory.isPrivileged)
            findings.append(
                Finding(
                    rule: .sharedHistoryPassword,
                    escalation: privilegedInvolved ? .privileged : nil,
                    subject: .account(account),
                    detail:
                        "This account's current password was previously the password of \(Wording.count(others.count, "other account"))\(privilegedInvolved ? ", and a privileged account is involved" : "").",
                    evidence: [account.source] + [directory.credentialOfAccount[index]?.source].compactMap { $0 },
                    related: others.prefix(Finding.relatedLimit).map { .account(directory.accounts[$0]) },
                    facts: ["previousOwners": String(others.count)]
                )
            )
        }
        return findings
    }
}
