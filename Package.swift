// swift-tools-version: 6.2
import PackageDescription

/// Settings every Vigil target shares: Swift 6 language mode (the tools-version default) and no tolerated warnings.
let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The readers, the generator and the hashing and password-guessing code are optimised even in debug builds: unoptimised
/// they are up to a hundred times slower, which would make `swift run vigil demo` and the tests that run real dictionary
/// attacks take minutes.
let optimisedInDebug: [SwiftSetting] = strict + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        // Libraries for the benchmark and fuzzing packages in Benchmarks/ and Fuzz/ (and anyone embedding Vigil).
        .library(name: "VigilCore", targets: ["VigilCore"]),
        .library(name: "VigilParsers", targets: ["VigilParsers"]),
        .library(name: "VigilAnalyzers", targets: ["VigilAnalyzers"]),
        .library(name: "VigilScan", targets: ["VigilScan"]),
        .library(name: "VigilIO", targets: ["VigilIO"]),
        .library(name: "VigilSubmission", targets: ["VigilSubmission"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Tests write zips with it; Vigil reads zips itself (VigilIO's BoundedZipArchive).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The national service (docs/decisions/0001): only VigilStore and VigilServer link these.
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // People's passwords (issue 14): only VigilStore links HummingbirdBcrypt (no Hummingbird in it).
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    ],
    targets: [
        .target(
            name: "VigilCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: optimisedInDebug
        ),
        // The foundation for reading bytes (issue 13): file primitives, tokenizers and byte helpers every reader shares.
        // Its one dependency is the system's zlib, which inflates zip parts (the zip structure is its own reading).
        .target(
            name: "VigilIO",
            dependencies: ["CVigilZlib"],
            swiftSettings: optimisedInDebug
        ),
        .systemLibrary(name: "CVigilZlib", path: "Sources/CVigilZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "VigilParsers",
            dependencies: ["VigilCore", "VigilIO", .product(name: "Yams", package: "Yams")],
            exclude: ["Resources/SOURCES.md"],
            resources: [
                .copy("Resources/common-passwords.txt"), .copy("Resources/builtin-advisories.csv"),
                .copy("Resources/builtin-kev.json"), .copy("Resources/builtin-advisories-info.json"),
            ],
            swiftSettings: optimisedInDebug
        ),
        .target(name: "VigilAnalyzers", dependencies: ["VigilCore"], swiftSettings: optimisedInDebug),
        .target(
            name: "VigilScan",
            dependencies: [
                "VigilCore", "VigilIO",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: optimisedInDebug
        ),
        .target(name: "VigilReport", dependencies: ["VigilCore", "VigilIO"], swiftSettings: strict),
        .target(
            name: "VigilEngine",
            dependencies: [
                // Synth and Report for the demo (`SyntheticDemo`): generating, assessing and checking against the
                // ground truth belong together, and only the engine assesses.
                "VigilCore", "VigilIO", "VigilParsers", "VigilAnalyzers", "VigilScan", "VigilSynth", "VigilReport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .target(name: "VigilSynth", dependencies: ["VigilCore", "VigilIO"], swiftSettings: optimisedInDebug),
        .target(
            name: "VigilCLI",
            dependencies: [
                "VigilCore", "VigilIO", "VigilParsers", "VigilAnalyzers", "VigilReport", "VigilEngine", "VigilSynth",
                "VigilScan", "VigilSubmission", "VigilStore", "VigilServer", "VigilNationalDemo",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The national service (docs/decisions/0001-national-service.md): the findings-only submission is pure and
        // light; the store and the server carry the database drivers and the HTTP stack.
        .target(
            name: "VigilSubmission",
            dependencies: ["VigilCore", "VigilIO", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "VigilStore",
            dependencies: [
                "VigilSubmission", "VigilCore", "VigilIO",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "VigilServer",
            dependencies: [
                "VigilStore", "VigilSubmission", "VigilCore", "VigilReport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // `vigil demo --serve`'s synthetic year of weekly submissions, built on the store's public API.
        .target(
            name: "VigilNationalDemo", dependencies: ["VigilCore", "VigilSubmission", "VigilStore"],
            swiftSettings: strict),
        .executableTarget(name: "vigil", dependencies: ["VigilCLI"], swiftSettings: strict),

        .target(
            name: "VigilTestSupport",
            dependencies: ["VigilCore", "VigilSynth", "VigilParsers"],
            path: "Tests/VigilTestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "VigilCoreTests", dependencies: ["VigilCore", "VigilTestSupport"], swiftSettings: strict),
        // zlib's deflate makes real compressed parts for the zip reader's tests.
        .testTarget(name: "VigilIOTests", dependencies: ["VigilIO", "CVigilZlib"], swiftSettings: strict),
        .testTarget(
            name: "VigilParsersTests",
            dependencies: ["VigilParsers", "VigilCore", "VigilIO", "VigilSynth", "VigilTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "VigilAnalyzersTests",
            dependencies: [
                "VigilAnalyzers", "VigilEngine", "VigilParsers", "VigilSynth", "VigilCore", "VigilTestSupport",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VigilReportTests",
            dependencies: [
                "VigilReport", "VigilEngine", "VigilIO", "VigilParsers", "VigilSynth", "VigilCore", "VigilTestSupport",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VigilEngineTests",
            dependencies: [
                "VigilEngine", "VigilParsers", "VigilCore", "VigilReport", "VigilScan", "VigilSynth",
                "VigilTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VigilSynthTests", dependencies: ["VigilSynth", "VigilParsers", "VigilCore", "VigilTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "VigilScanTests",
            dependencies: [
                "VigilScan", "VigilIO", "VigilCore", "VigilSynth", "VigilTestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VigilSubmissionTests", dependencies: ["VigilSubmission", "VigilCore", "VigilTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "VigilStoreTests",
            dependencies: [
                "VigilStore", "VigilSubmission", "VigilCore", "VigilNationalDemo", "VigilTestSupport",
                // Scores recomputed from raw ticket rows, independently of the store's own queries.
                .product(name: "SQLKit", package: "sql-kit"),
                // The store's PostgreSQL database compared with postgres-kit's own.
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // A real database wrapped to count the statements sent to it.
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "VigilServerTests",
            dependencies: [
                "VigilServer", "VigilStore", "VigilSubmission", "VigilCore", "VigilTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "VigilCLITests",
            dependencies: [
                "VigilCLI", "VigilReport", "VigilCore", "VigilTestSupport", "VigilStore", "VigilSubmission",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strict),
    ]
)
