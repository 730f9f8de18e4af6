import VigilIO

@testable import VigilScan

extension Harness {
    /// The scanner's extractors: one harness per kind of content, chosen as the scanner chooses (by the file's opening
    /// and its extension), plus the XML tokenizer on its own with the input cut into two chunks at a point the input's
    /// first byte picks, so that tags, entities and character references split between chunks are exercised.
    nonisolated(unsafe) static let scanner: [Harness] =
        [
            ("scan-text", "notes.txt"), ("scan-csv", "patients.csv"), ("scan-xlsx", "book.xlsx"),
            ("scan-docx", "letter.docx"),
        ]
        .map { name, fileName in
            let file = ScratchFile(name: fileName)
            // Smaller than the defaults so that a legitimate large inflation is not mistaken for a hang.
            let limits = ArchiveLimits(maxEntries: 1_000, maxPartBytes: 8 << 20, maxTotalBytes: 32 << 20, maxRatio: 250)
            let scanner = FileContentScanner(
                detector: IdentifierDetector(currentYear: 2026), limits: limits, hashSeed: 0x5EED)
            return Harness(name: name) { bytes in
                file.write(bytes)
                _ = scanner.scan(path: file.path, name: fileName)
            }
        } + [Harness(name: "scan-xml", run: tokenize)]

    /// Feeds `bytes` to the XML tokenizer in two chunks.
    static func tokenize(_ bytes: [UInt8]) {
        var tokenizer = XMLTokenizer()
        var handler = TouchingHandler()
        let split = bytes.first.map { Int($0) * bytes.count / 256 } ?? 0
        bytes.withUnsafeBytes { raw in
            tokenizer.feed(UnsafeRawBufferPointer(rebasing: raw[..<split]), to: &handler)
            tokenizer.feed(UnsafeRawBufferPointer(rebasing: raw[split...]), to: &handler)
        }
        tokenizer.finish(to: &handler)
    }
}

/// Reads every byte the tokenizer hands over, so that AddressSanitizer sees any buffer it points past.
struct TouchingHandler: XMLEventHandler {
    var sum: UInt64 = 0

    mutating func start(name: UnsafeBufferPointer<UInt8>, tag: UnsafeBufferPointer<UInt8>, empty: Bool) {
        for byte in name { sum &+= UInt64(byte) }
        for byte in tag { sum &+= UInt64(byte) }
    }

    mutating func end(name: UnsafeBufferPointer<UInt8>) {
        for byte in name { sum &+= UInt64(byte) }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes { sum &+= UInt64(byte) }
    }
}
