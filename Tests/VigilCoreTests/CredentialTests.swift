import Testing
import VigilCore

@Suite("MD4 and NT hashes")
struct CredentialTests {
    @Test(
        "MD4 matches the RFC 1320 test suite",
        arguments: [
            ("", "31d6cfe0d16ae931b73c59d7e0c089c0"),
            ("a", "bde52cb31de33e46245e05fbdbd6fb24"),
            ("abc", "a448017aaf21d8525fc10ae87aa6729d"),
            ("message digest", "d9130a8164549fe818874806e1c7014b"),
            ("abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "043f8582f241db351ce627e153e7f0e4"),
            (String(repeating: "1234567890", count: 8), "e33b4ddc9c38f2199c3e7b164fcc0536"),
        ]
    )
    func md4(message: String, digest: String) {
        #expect(HexDigit.encode(MD4.digest(Array(message.utf8))) == digest)
    }

    @Test("NT hash is MD4 of the UTF-16LE password")
    func ntHash() {
        #expect(NTHash(password: "password").unredactedHex == "8846f7eaee8fb117ad06bdd830b7586c")
        #expect(NTHash(password: "") == .emptyPassword)
        #expect(NTHash(password: "Pa55word!") != NTHash(password: "pa55word!"))
        // Non-ASCII: one UTF-16 unit per character, so "é" hashes as E9 00.
        #expect(NTHash(password: "é").bytes == MD4.digest([0xE9, 0x00]))
    }

    @Test("hex parsing accepts either case and rejects anything else")
    func hexParsing() {
        let lower = NTHash(hex: "8846f7eaee8fb117ad06bdd830b7586c")
        #expect(lower == NTHash(hex: "8846F7EAEE8FB117AD06BDD830B7586C"))
        #expect(lower == NTHash(password: "password"))
        #expect(NTHash(hex: "8846f7eaee8fb117ad06bdd830b7586") == nil)
        #expect(NTHash(hex: "8846f7eaee8fb117ad06bdd830b7586cc") == nil)
        #expect(NTHash(hex: "8846f7eaee8fb117ad06bdd830b7586g") == nil)
    }

    @Test("an NT hash never prints itself")
    func redaction() {
        let hash = NTHash(password: "Summer2024!")
        #expect("\(hash)" == "<NT hash>")
        #expect(String(reflecting: hash) == "<NT hash>")
        #expect(!"\([hash])".contains(hash.unredactedHex))
        let record = CredentialRecord(
            accountName: "amy", rid: 1001, ntHash: hash, hasLMHash: false, source: .init(file: "f"))
        #expect(!"\(record)".contains(hash.unredactedHex))
    }

    @Test("ordering follows the hex text")
    func ordering() throws {
        let small = try #require(NTHash(hex: "00000000000000000000000000000001"))
        let large = try #require(NTHash(hex: "f0000000000000000000000000000000"))
        #expect(small < large)
    }
}

@Suite("Batched NT hashing")
struct NTHashBatchTests {
    @Test("every lane agrees with the scalar NT hash, for every length a batch takes")
    func agreesWithScalar() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<40 {
            var batch = NTHashBatch()
            var passwords: [String] = []
            while !batch.isFull {
                let length = Int.random(in: 0...NTHashBatch.maximumLength, using: &random)
                let password = String(
                    (0..<length).map { _ in Character(Unicode.Scalar(UInt8.random(in: 32...126, using: &random))) })
                let added = batch.add(utf16: password.utf16)
                #expect(added)
                passwords.append(password)
            }
            batch.forEachDigest { lane, hash in #expect(hash == NTHash(password: passwords[lane])) }
        }
    }

    @Test("non-ASCII code units, split prefix and suffix, partial batches")
    func variants() {
        var batch = NTHashBatch()
        let prefix = Array("Zoë".utf16)
        let suffix = Array("2024!".utf16)
        let added = prefix.withUnsafeBufferPointer { p in
            suffix.withUnsafeBufferPointer { s in batch.add(prefix: p, suffix: s) }
        }
        #expect(added)
        let empty = batch.add(utf16: "".utf16)
        let tooLong = batch.add(utf16: String(repeating: "x", count: 28).utf16)
        #expect(empty && !tooLong)
        var seen = 0
        batch.forEachDigest { lane, hash in
            seen += 1
            #expect(hash == NTHash(password: lane == 0 ? "Zoë2024!" : ""))
        }
        #expect(seen == 2)
    }
}
