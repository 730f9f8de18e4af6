// swift-tools-version: 6.2
import PackageDescription

/// Side-by-side benchmark drivers, kept out of the main package so that its build stays fast. `bench/*.sh` runs them
/// next to the peer tools on the same inputs.
let package = Package(
    name: "VigilBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "vigil-bench",
            dependencies: [
                .product(name: "VigilCore", package: "main"),
                .product(name: "VigilParsers", package: "main"),
                .product(name: "VigilAnalyzers", package: "main"),
            ],
            path: "Sources/vigil-bench",
            swiftSettings: [.treatAllWarnings(as: .error)]
        )
    ]
)
