public import Foundation
import VigilCore

/// The index in a compact binary form, so that an advisory database can keep it ready for matching: an assessment
/// then loads the tables of its hosts' products instead of reading every advisory and building the index again.
///
/// Layout (little-endian): the magic `VGLAIX` and a format version; the advisories (without fixes); the supersedence
/// edges; the known updates; a directory of products (lower-case name, offset and length of its table); the tables.
/// A snapshot that does not decode is refused whole, never half-used. Version 2: WES-NG service-pack markers are no
/// entries (a version 1 index listed them as vulnerabilities), so a version 1 index is not used until an import compiles it again.
extension AdvisoryIndex {
    /// A snapshot that is not one this version of Vigil wrote, or is damaged.
    public struct SnapshotError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    static let snapshotMagic = Array("VGLAIX".utf8)
    static let snapshotVersion: UInt32 = 2

    /// The index as bytes.
    public func snapshot() -> [UInt8] {
        var writer = SnapshotWriter()
        writer.bytes(Self.snapshotMagic)
        writer.u32(Self.snapshotVersion)
        writer.u32(UInt32(exploitationOnly))
        writer.u32(UInt32(advisories.count))
        for advisory in advisories { writer.advisory(advisory) }
        let edges = supersedes.sorted { $0.key < $1.key }
        writer.u32(UInt32(edges.count))
        for (newer, olders) in edges {
            writer.u32(newer)
            writer.numbers(olders)
        }
        writer.numbers(known.sorted())
        var tables: [[UInt8]] = []
        for table in products {
            var body = SnapshotWriter()
            body.table(table)
            tables.append(body.output)
        }
        writer.u32(UInt32(products.count))
        var offset = 0
        for (table, body) in zip(products, tables) {
            writer.string(table.name.lowercased())
            writer.u64(UInt64(offset))
            writer.u64(UInt64(body.count))
            offset += body.count
        }
        for body in tables { writer.bytes(body) }
        return writer.output
    }

    /// Decodes a snapshot; with `wanted` (lower-case product names, ``products(for:)``), only those products' tables.
    public init(snapshot: some ContiguousBytes, products wanted: Set<String>? = nil) throws(SnapshotError) {
        let decoded = snapshot.withUnsafeBytes { bytes in
            Result { () throws(SnapshotError) in try Self.decode(bytes, products: wanted) }
        }
        self = try decoded.get()
    }

    private static func decode(_ snapshot: UnsafeRawBufferPointer, products wanted: Set<String>?) throws(SnapshotError)
        -> AdvisoryIndex
    {
        var reader = SnapshotReader(snapshot)
        guard reader.bytes(Self.snapshotMagic.count)?.elementsEqual(Self.snapshotMagic) == true else {
            throw SnapshotError(description: "not an advisory index snapshot")
        }
        guard let version = reader.u32(), version == Self.snapshotVersion else {
            throw SnapshotError(description: "advisory index snapshot of another version")
        }
        guard let exploitationOnly = reader.u32(), let count = reader.count() else { throw reader.failure }
        var advisories: [Advisory] = []
        advisories.reserveCapacity(count)
        for _ in 0..<count {
            guard let advisory = reader.advisory() else { throw reader.failure }
            advisories.append(advisory)
        }
        guard let edgeCount = reader.count() else { throw reader.failure }
        var supersedes: [UInt32: [UInt32]] = [:]
        supersedes.reserveCapacity(edgeCount)
        for _ in 0..<edgeCount {
            guard let newer = reader.u32(), let olders = reader.numbers() else { throw reader.failure }
            supersedes[newer] = olders
        }
        guard let known = reader.numbers(), let productCount = reader.count() else { throw reader.failure }
        var directory: [(name: String, offset: Int, length: Int)] = []
        for _ in 0..<productCount {
            guard let name = reader.string(), let offset = reader.u64(), let length = reader.u64() else {
                throw reader.failure
            }
            directory.append((name, Int(offset), Int(length)))
        }
        let base = reader.position
        var tables: [ProductTable] = []
        for entry in directory where wanted?.contains(entry.name) ?? true {
            guard entry.offset >= 0, entry.length >= 0, base + entry.offset + entry.length <= snapshot.count else {
                throw reader.failure
            }
            var body = SnapshotReader(snapshot, from: base + entry.offset, to: base + entry.offset + entry.length)
            guard let table = body.table(advisories: advisories.count) else { throw body.failure }
            tables.append(table)
        }
        return AdvisoryIndex(
            advisories: advisories, products: tables, supersedes: supersedes, known: Set(known),
            exploitationOnly: Int(exploitationOnly))
    }
}

/// Appends the snapshot's values.
private struct SnapshotWriter {
    private(set) var output: [UInt8] = []

    mutating func bytes(_ bytes: [UInt8]) { output += bytes }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { output += $0 } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { output += $0 } }
    mutating func f64(_ value: Double?) { u64((value ?? .nan).bitPattern) }
    mutating func date(_ value: Date?) { f64(value?.timeIntervalSince1970) }

    mutating func string(_ value: String) {
        u32(UInt32(value.utf8.count))
        output += value.utf8
    }

    /// An optional string: a flag byte, then the string.
    mutating func optional(_ value: String?) {
        output.append(value == nil ? 0 : 1)
        if let value { string(value) }
    }

    mutating func numbers(_ values: [UInt32]) {
        u32(UInt32(values.count))
        for value in values { u32(value) }
    }

    mutating func advisory(_ advisory: Advisory) {
        string(advisory.id)
        string(advisory.title)
        u32(UInt32(advisory.cves.count))
        for cve in advisory.cves { string(cve) }
        date(advisory.published)
        f64(advisory.cvssScore)
        optional(advisory.vendorSeverity)
        optional(advisory.impact)
        output.append(advisory.exploitation == nil ? 0 : 1)
        if let exploited = advisory.exploitation {
            date(exploited.dateAdded)
            date(exploited.dueDate)
            output.append(exploited.knownRansomwareUse ? 1 : 0)
            optional(exploited.requiredAction)
        }
        string(advisory.source.file)
        u64(UInt64(bitPattern: Int64(advisory.source.line ?? -1)))
    }

    mutating func table(_ table: AdvisoryIndex.ProductTable) {
        string(table.name)
        u32(table.newestKnown)
        numbers(table.cumulative.sorted())
        u32(UInt32(table.components.count))
        for component in table.components { string(component.name) }
        u32(UInt32(table.entries.count))
        for entry in table.entries {
            u32(UInt32(entry.advisory))
            numbers(entry.kbs)
            numbers(entry.parts.flatMap { [$0.kb, UInt32($0.component)] })
            u32(UInt32(entry.fixedBuilds.count))
            for build in entry.fixedBuilds {
                u32(UInt32(clamping: build.build))
                u32(UInt32(clamping: build.revision))
            }
        }
    }
}

/// Reads the snapshot's values, bounds-checked: each read returns `nil` past the end.
private struct SnapshotReader {
    private let storage: UnsafeRawBufferPointer
    private(set) var position: Int
    private let end: Int

    init(_ storage: UnsafeRawBufferPointer, from start: Int = 0, to end: Int? = nil) {
        self.storage = storage
        position = start
        self.end = end ?? storage.count
    }

    var failure: AdvisoryIndex.SnapshotError {
        AdvisoryIndex.SnapshotError(description: "damaged advisory index snapshot (at byte \(position))")
    }

    mutating func bytes(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, end - position >= count else { return nil }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: storage[position..<(position + count)])
    }

    mutating func byte() -> UInt8? { bytes(1)?.first }

    mutating func u32() -> UInt32? {
        guard end - position >= 4 else { return nil }
        defer { position += 4 }
        return UInt32(littleEndian: storage.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    mutating func u64() -> UInt64? {
        guard end - position >= 8 else { return nil }
        defer { position += 8 }
        return UInt64(littleEndian: storage.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    /// A count of items, each at least one byte long, that the remaining bytes can hold.
    mutating func count() -> Int? {
        guard let value = u32(), Int(value) <= end - position else { return nil }
        return Int(value)
    }

    mutating func f64() -> Double?? {
        guard let bits = u64() else { return nil }
        let value = Double(bitPattern: bits)
        return .some(value.isNaN ? nil : value)
    }

    mutating func date() -> Date?? {
        guard let seconds = f64() else { return nil }
        return .some(seconds.map(Date.init(timeIntervalSince1970:)))
    }

    mutating func string() -> String? {
        guard let length = count(), let bytes = bytes(length) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func optional() -> String?? {
        guard let flag = byte() else { return nil }
        if flag == 0 { return .some(nil) }
        return string().map { .some($0) }
    }

    mutating func numbers() -> [UInt32]? {
        guard let value = u32(), Int(value) <= (end - position) / 4 else { return nil }
        var numbers: [UInt32] = []
        numbers.reserveCapacity(Int(value))
        for _ in 0..<value {
            guard let number = u32() else { return nil }
            numbers.append(number)
        }
        return numbers
    }

    mutating func advisory() -> Advisory? {
        guard let id = string(), let title = string(), let cveCount = count() else { return nil }
        var cves: [String] = []
        for _ in 0..<cveCount {
            guard let cve = string() else { return nil }
            cves.append(cve)
        }
        guard let published = date(), let score = f64(), let severity = optional(), let impact = optional(),
            let exploited = byte()
        else { return nil }
        var exploitation: Exploitation?
        if exploited != 0 {
            guard let added = date(), let addedDate = added, let due = date(), let ransomware = byte(),
                let action = optional()
            else { return nil }
            exploitation = Exploitation(
                dateAdded: addedDate, dueDate: due, knownRansomwareUse: ransomware != 0, requiredAction: action)
        }
        guard let file = string(), let line = u64() else { return nil }
        let number = Int64(bitPattern: line)
        return Advisory(
            id: id, title: title, cves: cves, published: published, cvssScore: score, vendorSeverity: severity,
            impact: impact, exploitation: exploitation,
            source: EvidenceReference(file: file, line: number < 0 ? nil : Int(number)))
    }

    mutating func table(advisories: Int) -> AdvisoryIndex.ProductTable? {
        guard let name = string(), let newestKnown = u32(), let cumulative = numbers(),
            let componentCount = count(), componentCount < 64
        else { return nil }
        var components: [InstallableComponent] = []
        for _ in 0..<componentCount {
            guard let name = string(), let component = InstallableComponent(name) else { return nil }
            components.append(component)
        }
        guard let entryCount = count() else { return nil }
        var entries: [AdvisoryIndex.ProductAdvisory] = []
        entries.reserveCapacity(entryCount)
        for _ in 0..<entryCount {
            guard let advisory = u32(), Int(advisory) < advisories, let kbs = numbers(), let parts = numbers(),
                parts.count % 2 == 0,
                stride(from: 1, to: parts.count, by: 2).allSatisfy({ parts[$0] <= componentCount }),
                let buildCount = count()
            else { return nil }
            var builds: [BuildNumber] = []
            for _ in 0..<buildCount {
                guard let build = u32(), let revision = u32() else { return nil }
                builds.append(BuildNumber(build: Int(build), revision: Int(revision)))
            }
            entries.append(
                AdvisoryIndex.ProductAdvisory(
                    advisory: Int(advisory), kbs: kbs,
                    parts: stride(from: 0, to: parts.count, by: 2).map {
                        AdvisoryIndex.Part(kb: parts[$0], component: UInt16(parts[$0 + 1]))
                    }, fixedBuilds: builds))
        }
        return AdvisoryIndex.ProductTable(
            name: name, entries: entries, cumulative: Set(cumulative), newestKnown: newestKnown,
            components: components)
    }
}
