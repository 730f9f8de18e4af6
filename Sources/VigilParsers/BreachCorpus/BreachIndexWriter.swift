import Glibc
import VigilCore

/// Writes the final index file from the sorted keys and counts of a build: header, prefix table, keys, counts; then
/// renames it into place, so that a reader never sees a half-written index.
enum BreachIndexWriter {
    static func assemble(
        keysPath: String, countsPath: String, entries: Int, kind: BreachHashKind, description: String, output: String
    ) throws(BinaryWriter.Failure) {
        let keys = try MappedFile(path: keysPath)
        let counts = try MappedFile(path: countsPath)
        guard keys.bytes.count == entries * 8, counts.bytes.count == entries * 4 else {
            throw BinaryWriter.Failure(path: keysPath, errno: EIO)
        }
        let bits = BreachIndexLayout.prefixBits(for: entries)
        var table = [UInt32](repeating: 0, count: (1 << bits) + 1)
        var checksum = SectionChecksum()
        for index in 0..<entries {
            let key = UInt64(littleEndian: keys.bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            table[Int(key >> UInt64(64 - bits)) + 1] += 1
            checksum.add(key)
        }
        for slot in 1..<table.count { table[slot] += table[slot - 1] }
        checksum.add(bytes: counts.bytes)

        let tableBytes = BreachIndexLayout.tableBytes(bits: bits)
        let keysOffset = BreachIndexLayout.headerSize + tableBytes
        let countsOffset = keysOffset + entries * 8
        let fileSize = countsOffset + entries * 4
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
        put(UInt64(BreachIndexLayout.headerSize), at: O.tableOffset)
        put(UInt64(keysOffset), at: O.keysOffset)
        put(UInt64(countsOffset), at: O.countsOffset)
        put(UInt64(fileSize), at: O.fileSize)
        put(checksum.value, at: O.dataChecksum)
        let text = Array(description.utf8.prefix(BreachIndexLayout.descriptionCapacity))
        put(UInt32(text.count), at: O.descriptionLength)
        header.replaceSubrange(O.description..<O.description + text.count, with: text)
        var headerChecksum = SectionChecksum()
        header.withUnsafeBytes { headerChecksum.add(bytes: UnsafeRawBufferPointer(rebasing: $0[0..<O.headerChecksum])) }
        put(headerChecksum.value, at: O.headerChecksum)

        let temporary = output + ".partial.index"
        unlink(temporary)
        let writer = try BinaryWriter(path: temporary)
        try header.withUnsafeBytes { bytes in
            Result { () throws(BinaryWriter.Failure) in try writer.append(bytes: bytes) }
        }.get()
        var padded = table.map(\.littleEndian).withUnsafeBytes { Array($0) }
        padded += [UInt8](repeating: 0, count: tableBytes - padded.count)
        try padded.withUnsafeBytes { bytes in
            Result { () throws(BinaryWriter.Failure) in try writer.append(bytes: bytes) }
        }.get()
        try writer.append(bytes: keys.bytes)
        try writer.append(bytes: counts.bytes)
        try writer.close()
        guard rename(temporary, output) == 0 else { throw BinaryWriter.Failure(path: output, errno: errno) }
    }
}
