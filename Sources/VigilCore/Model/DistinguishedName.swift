/// Helpers for LDAP distinguished names as AD exports write them.
public enum DistinguishedName {
    /// A canonical form for comparing DNs: RDNs split on unescaped commas, whitespace around `,`, `=` and `+` removed,
    /// lower-cased. `CN=Domain Admins, CN=Users,DC=x` and `cn=domain admins,cn=users,dc=x` compare equal.
    public static func normalised(_ dn: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(dn.utf8.count)
        var escaped = false
        var pendingSpaces = 0
        for byte in dn.utf8 {
            if escaped {
                output.append(lowered(byte))
                escaped = false
                continue
            }
            switch byte {
            case UInt8(ascii: "\\"):
                output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: pendingSpaces))
                pendingSpaces = 0
                output.append(byte)
                escaped = true
            case UInt8(ascii: " "):
                if output.isEmpty || [UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: "+")].contains(output.last!) {
                    continue
                }
                pendingSpaces += 1
            case UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: "+"):
                pendingSpaces = 0
                output.append(byte)
            default:
                output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: pendingSpaces))
                pendingSpaces = 0
                output.append(lowered(byte))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The values of the `DC=` components, in order (`["trust", "nhs", "uk"]`).
    public static func domainComponents(_ dn: String) -> [String] {
        rdns(dn).compactMap { rdn in
            let parts = rdn.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingSpaces.lowercased() == "dc" else { return nil }
            return String(parts[1].trimmingSpaces)
        }
    }

    /// The DNS name from the `DC=` components (`trust.nhs.uk`).
    public static func dnsName(_ dn: String) -> String {
        domainComponents(dn).joined(separator: ".")
    }

    /// The usual NetBIOS domain name: the first `DC=` label upper-cased. AD lets administrators choose another, which
    /// an LDIF of users does not show; hash dumps carry the real one.
    public static func netBIOSGuess(_ dn: String) -> String? {
        domainComponents(dn).first.map { $0.uppercased() }
    }

    /// The value of the first RDN (`Domain Admins` for `CN=Domain Admins,CN=Users,…`), unescaped.
    public static func firstValue(_ dn: String) -> String {
        guard let first = rdns(dn).first else { return dn }
        let parts = first.split(separator: "=", maxSplits: 1)
        return parts.count == 2 ? unescape(String(parts[1].trimmingSpaces)) : first
    }

    private static func lowered(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    /// Splits on commas not escaped by a backslash.
    static func rdns(_ dn: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in dn {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "," {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    /// Removes `\,`-style escapes and decodes `\C4\8D`-style hex escapes.
    static func unescape(_ value: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(value.utf8)[...]
        while let byte = iterator.popFirst() {
            guard byte == UInt8(ascii: "\\"), let next = iterator.first else {
                bytes.append(byte)
                continue
            }
            if let high = HexDigit.value(next), iterator.count >= 2,
                let low = HexDigit.value(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(next)
                iterator = iterator.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    /// The substring without leading and trailing spaces.
    var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
