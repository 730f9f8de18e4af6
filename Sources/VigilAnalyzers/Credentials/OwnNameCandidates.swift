/// The passwords an account's own name suggests: for people the user name as written, lower case, upper case,
/// capitalised, or with each dotted part capitalised (`Amy.Hall`); for computers the default a pre-created computer
/// account gets (its name in lower case, without `$`, at most 14 characters).
enum OwnNameCandidates {
    /// The candidates for an account named `name`, each once, in no particular order.
    static func candidates(name: String, computer: Bool) -> [String] {
        if computer {
            return [String(name.lowercased().dropLast(name.hasSuffix("$") ? 1 : 0).prefix(14))]
        }
        let titled = name.lowercased().split(separator: ".", omittingEmptySubsequences: false)
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: ".")
        return Array(
            Set([
                name, name.lowercased(), name.uppercased(), name.prefix(1).uppercased() + name.dropFirst().lowercased(),
                titled,
            ]))
    }

    /// The same candidates for a person whose name is ASCII, as UTF-16 code units without building a string: all of
    /// them, each once, in `units`, candidate `i` ending at `ends[i]` (both emptied first). `false`, with nothing
    /// written, for a name holding anything else, whose case mapping needs ``candidates(name:computer:)``. A national
    /// directory asks this of 1.5 million names.
    static func asciiPerson(name: String, units: inout [UInt16], ends: inout [Int]) -> Bool {
        units.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        var name = name
        return name.withUTF8 { bytes in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
            func lower(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
            func upper(_ byte: UInt8) -> UInt8 { (0x61...0x7A).contains(byte) ? byte & 0xDF : byte }
            func add(_ transform: (Int, UInt8) -> UInt8) {
                let start = units.count
                for (position, byte) in bytes.enumerated() { units.append(UInt16(transform(position, byte))) }
                var earlier = 0
                for end in ends {
                    if units[earlier..<end].elementsEqual(units[start...]) {
                        units.removeLast(units.count - start)
                        return
                    }
                    earlier = end
                }
                ends.append(units.count)
            }
            add { _, byte in byte }
            add { _, byte in lower(byte) }
            add { _, byte in upper(byte) }
            add { position, byte in position == 0 ? upper(byte) : lower(byte) }
            add { position, byte in position == 0 || bytes[position - 1] == 0x2E ? upper(byte) : lower(byte) }
            return true
        }
    }
}
