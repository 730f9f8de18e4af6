// swift-tools-version: 6.2
import PackageDescription

/// libFuzzer harnesses for Vigil's readers, scanner extractors, breach index, scan state store and the service's
/// submission reader, in a package of their
/// own so that the main package's `swift build` and `swift test` never see them. Build and run with `scripts/fuzz.sh`
/// (it passes `-sanitize=fuzzer,address`, and `-enable-testing` so that the harnesses reach the scanner's internals).
let package = Package(
    name: "VigilFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Vigil", path: "..")],
    targets: [
        .executableTarget(
            name: "VigilFuzz",
            dependencies: [
                .product(name: "VigilCore", package: "Vigil"),
                .product(name: "VigilParsers", package: "Vigil"),
                .product(name: "VigilScan", package: "Vigil"),
                .product(name: "VigilIO", package: "Vigil"),
                .product(name: "VigilSubmission", package: "Vigil"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ]
)
