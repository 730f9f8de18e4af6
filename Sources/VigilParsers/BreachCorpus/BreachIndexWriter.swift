import Foundation
import VigilCore
import VigilIO

/// Finishes an index whose entries a build has streamed into a partial file after a blank header: appends the prefix
/// table, writes the header with the checksums, and renames the file into place, so that a reader never sees a
/// half-written index.
enum BreachIndexWriter {
    static func finish(
        _ file: BinaryWriter, entries: Int, kind: BreachHashKind, description: String, output: String
    ) throws(FileError) {
        try file.flush()
        let mapped: MappedFile
        mapped = try MappedFile(path: file.path)
        let entryBytes = entries * BreachIndexLayout.entrySize
        guard mapped.bytes.count == BreachIndexLayout.headerSize + entryBytes else {
            // Shorter or longer than what was written: something else wrote to the partial file.
            throw FileError(code: .writeFailed, path: file.path, errno: nil)
        }
        let data = UnsafeRawBufferPointer(rebasing: mapped.bytes[BreachIndexLayout.headerSize...])
        let bits = BreachIndexLayout.prefixBits(for: entries)
        let (table, dataSum) = prefixTableAndChecksum(data, entries: entries, bits: bits)
        let tableBytes = table.withUnsafeBytes { Array($0) }
        try tableBytes.withUnsafeBytes { bytes in
            Result { () throws(FileError) in try file.append(bytes: bytes) }
        }.get()
        try file.flush()
        var checksum = SectionChecksum()
        checksum.add(dataSum)
        checksum.add(tableBytes.withUnsafeBytes { SectionChecksum.of($0) })

        let tableOffset = BreachIndexLayout.tableOffset(entries: entries)
        let fileSize = tableOffset + tableBytes.count
        var header = [UInt8](repeating: 0, count: BreachIndexLayout.headerSize)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) {
                header.replaceSubrange(offset..<offset + MemoryLayout<T>.size, with: $0)
            }
        }
        typealias O = BreachIndexLayout.Offset
        header.replaceSubrange(0..<8, with: BreachIndexLayout.magic)
        put(BreachIndexLayout.version, at: O.version)
        put(BreachIndexLayout.hashKindCode(kind), at: O.hashKind)
        put(UInt64(entries), at: O.entryCount)
        put(UInt32(bits), at: O.prefixBits)
        put(UInt64(BreachIndexLayout.headerSize), at: O.entriesOffset)
        put(UInt64(tableOffset), at: O.tableOffset)
        put(UInt64(fileSize), at: O.fileSize)
        put(checksum.value, at: O.dataChecksum)
        let text = Array(description.utf8.prefix(BreachIndexLayout.descriptionCapacity))
        put(UInt32(text.count), at: O.descriptionLength)
        header.replaceSubrange(O.description..<O.description + text.count, with: text)
        var headerChecksum = SectionChecksum()
        header.withUnsafeBytes { headerChecksum.add(bytes: UnsafeRawBufferPointer(rebasing: $0[0..<O.headerChecksum])) }
        put(headerChecksum.value, at: O.headerChecksum)
        try header.withUnsafeBytes { bytes in
            Result { () throws(FileError) in try file.write(bytes, at: 0) }
        }.get()
        try FileSystem.rename(file.path, to: output)
    }

    /// The prefix table of sorted entries — slot `i` is the first entry whose key's top `bits` bits are at least `i` —
    /// and the checksum of the entries, in one pass on every core. Each worker takes whole checksum chunks and the
    /// entries that start in them; a slot belongs to the worker holding the first entry at or past it.
    static func prefixTableAndChecksum(_ data: UnsafeRawBufferPointer, entries: Int, bits: Int) -> ([UInt32], UInt64) {
        let slots = (1 << bits) + 1
        let shift = UInt64(64 - bits)
        let table = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: slots)
        defer { table.deallocate() }
        let shared = SharedTable(slots: table, data: data)
        let chunkSize = SectionChecksum.chunkSize
        let chunks = (data.count + chunkSize - 1) / chunkSize
        let workers = max(1, min(chunks, ProcessInfo.processInfo.activeProcessorCount * 2))
        let size = BreachIndexLayout.entrySize
        let sums = parallelMap(workers) { (worker: Int) -> [UInt64] in
            let chunkRange = (chunks * worker / workers)..<(chunks * (worker + 1) / workers)
            let firstEntry = (chunkRange.lowerBound * chunkSize + size - 1) / size
            let endEntry = worker == workers - 1 ? entries : (chunkRange.upperBound * chunkSize + size - 1) / size
            let base = shared.data.baseAddress!
            func bucket(_ index: Int) -> Int {
                Int(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index * size, as: UInt64.self)) >> shift)
            }
            var next = firstEntry == 0 ? 0 : bucket(firstEntry - 1) + 1
            let slots = shared.slots.baseAddress!
            for index in firstEntry..<max(firstEntry, endEntry) {
                let current = bucket(index)
                while next <= current {
                    slots[next] = UInt32(truncatingIfNeeded: index).littleEndian
                    next += 1
                }
            }
            if worker == workers - 1 {
                while next < shared.slots.count {
                    slots[next] = UInt32(truncatingIfNeeded: entries).littleEndian
                    next += 1
                }
            }
            return chunkRange.map { chunk in
                let start = chunk * chunkSize
                return SectionChecksum.chunkSum(
                    UnsafeRawBufferPointer(rebasing: shared.data[start..<min(start + chunkSize, shared.data.count)]))
            }
        }
        return (Array(table), SectionChecksum.combine(Array(sums.joined()), length: data.count))
    }
}

/// The table being filled and the entries it indexes, shared by the workers of ``BreachIndexWriter/prefixTable(_:entries:bits:)``.
private struct SharedTable: @unchecked Sendable {
    // @unchecked: workers write disjoint slots and only read the entries; the table outlives the parallel step.
    let slots: UnsafeMutableBufferPointer<UInt32>
    let data: UnsafeRawBufferPointer
}
