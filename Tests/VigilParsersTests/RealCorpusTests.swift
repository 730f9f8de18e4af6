import Foundation
import Testing
import VigilCore
import VigilParsers
import VigilTestSupport

/// Real exports published by people unrelated to Vigil (lab write-ups, project documentation), each attributed in
/// `Tests/Fixtures/SOURCES.md`, with its reading worked out by hand in `Tests/Fixtures/real/expected.json`: the format
/// it is recognised as, the accounts (with their kind), hash-dump entries, hosts with their KBs, and every diagnostic
/// with its line.
@Suite("Real corpus: exports as people published them")
struct RealCorpusTests {
    /// One file's expected reading.
    struct Expectation: Decodable, Sendable, CustomTestStringConvertible {
        var file: String
        var format: String
        /// `DOMAIN\name` as the dump writes it.
        var credentials: [String]
        var machineAccounts: [String]
        /// Entries whose NT hash is the empty password's.
        var emptyHashes: [String]
        /// `name:kind`.
        var accounts: [String]
        /// `HOST:KB1,KB2`.
        var hosts: [String]
        /// `code@line`, in the order logged.
        var warnings: [String]
        var rejected: Int
        /// Entries of secretsdump's "local SAM" sections (one computer's accounts, not the domain's), as `credentials`
        /// writes them; absent means none.
        var localAccounts: [String]?
        /// ACL files: `resource|principal:right` per grant, in file order; absent means none.
        var grants: [String]?
        /// Hash dumps: `name:N` for each entry with N previous hashes (`-history`), in file order; absent means none.
        var history: [String]?
        /// Hash dumps: entries whose `-user-status` says `Disabled`, as `credentials` writes them; absent means none.
        var disabled: [String]?
        /// Directories: computer accounts that are domain controllers' (``Account/isDomainController``) and members',
        /// in file order; absent means none.
        var domainControllers: [String]?
        var memberComputers: [String]?

        var testDescription: String { file }
    }

    static let expectations: [Expectation] = {
        guard let data = try? Data(contentsOf: Fixtures.url("real/expected.json")),
            let decoded = try? JSONDecoder().decode([Expectation].self, from: data)
        else { return [] }
        return decoded
    }()

    @Test("the expectation table is there and names every file of the corpus")
    func tableComplete() throws {
        let root = Fixtures.url("real")
        let files = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }
            .filter { $0.contains("/") }.sorted()
        #expect(!Self.expectations.isEmpty)
        #expect(Self.expectations.map(\.file).sorted() == files)
    }

    @Test("each file is recognised and read as worked out by hand", arguments: expectations)
    func reading(_ expected: Expectation) throws {
        let url = Fixtures.url("real/" + expected.file)
        guard case .recognised(let reader) = try FormatSniffer().examine(path: url.path) else {
            Issue.record("\(expected.file) was not recognised")
            return
        }
        #expect(reader.format.id == expected.format)
        let fragment = try reader.read(path: url.path, file: expected.file, progress: nil)
        let qualified = { (record: CredentialRecord) in
            record.domain.map { "\($0)\\\(record.accountName)" } ?? record.accountName
        }
        #expect(fragment.credentials.map(qualified) == expected.credentials)
        #expect(fragment.credentials.filter(\.isMachineAccount).map(qualified) == expected.machineAccounts)
        #expect(fragment.credentials.filter { $0.ntHash == .emptyPassword }.map(qualified) == expected.emptyHashes)
        #expect(fragment.accounts.map { "\($0.name):\($0.kind.rawValue)" } == expected.accounts)
        #expect(
            fragment.hosts.map { "\($0.name):\($0.installedUpdates.map(\.kb).joined(separator: ","))" }
                == expected.hosts)
        #expect(
            fragment.log.diagnostics.map { "\($0.code)@\($0.location.line.map(String.init) ?? "-")" }
                == expected.warnings)
        #expect(fragment.log.recordsRejected == expected.rejected)
        #expect(fragment.credentials.filter(\.isLocalAccount).map(qualified) == (expected.localAccounts ?? []))
        #expect(
            fragment.credentials.filter { !$0.history.isEmpty }.map { "\(qualified($0)):\($0.history.count)" }
                == (expected.history ?? []))
        #expect(fragment.credentials.filter { $0.enabled == false }.map(qualified) == (expected.disabled ?? []))
        #expect(
            fragment.accounts.filter { $0.isDomainController == true }.map(\.name) == (expected.domainControllers ?? [])
        )
        #expect(
            fragment.accounts.filter { $0.isDomainController == false }.map(\.name) == (expected.memberComputers ?? []))
        let resourceNames = Dictionary(fragment.resources.map { ($0.id, $0.name) }) { first, _ in first }
        #expect(
            fragment.grants.map { "\(resourceNames[$0.resourceID] ?? "?")|\($0.principal):\($0.right.rawValue)" }
                == (expected.grants ?? []))
    }
}
