// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "ledger",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ledger", targets: ["ledger"]),
        .executable(name: "ledgerd", targets: ["ledgerd"]),
        .executable(name: "ledger-bench", targets: ["ledger-bench"]),
        .executable(name: "ledger-stress", targets: ["ledger-stress"]),
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
        .library(name: "LedgerStore", targets: ["LedgerStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.24.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.12.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "LMDB",
            dependencies: ["CLMDB"]
        ),
        .target(
            name: "LedgerCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "LedgerStore",
            dependencies: ["LMDB", "LedgerCore"]
        ),
        .target(
            name: "LedgerSystemd",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "LedgerProtocol",
            dependencies: ["LedgerCore"]
        ),
        .target(
            name: "LedgerServer",
            dependencies: [
                "LedgerCore",
                "LedgerStore",
                "LedgerProtocol",
                "LedgerSystemd",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The read-only HTTP interface that ledgerd serves beside its Unix socket (`--http`).
        .target(
            name: "LedgerWeb",
            dependencies: [
                "LedgerCore",
                "LedgerStore",
                "LedgerProtocol",
                "LedgerServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // Compiled into the binary: ledgerd is installed alone, without a resource bundle beside it.
            resources: [.embedInCode("Templates")]
        ),
        .target(
            name: "LedgerClient",
            dependencies: ["LedgerCore", "LedgerProtocol"]
        ),
        .target(
            name: "LedgerHarness",
            dependencies: [
                "LedgerCore",
                "LedgerClient",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "LedgerCommands",
            dependencies: [
                "LedgerCore",
                "LedgerStore",
                "LedgerProtocol",
                "LedgerClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "ledger",
            dependencies: ["LedgerCommands"]
        ),
        .executableTarget(
            name: "ledgerd",
            dependencies: [
                "LedgerCore",
                "LedgerServer",
                "LedgerWeb",
                "LedgerSystemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "ledger-bench",
            dependencies: ["LedgerCore", "LedgerStore", "LedgerProtocol", "LedgerClient", "LedgerHarness", "CSQLite"]
        ),
        .executableTarget(
            name: "ledger-stress",
            dependencies: [
                "LedgerCore",
                "LedgerStore",
                "LedgerClient",
                "LedgerProtocol",
                "LedgerHarness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "LedgerFuzzing",
            dependencies: ["LedgerCore", "LedgerProtocol", "LedgerStore"],
            path: "Tests/LedgerFuzzing"
        ),
        // Starts a program under a unit's User=, LimitNICE= and SystemCallFilter= without systemd,
        // for the tests that run the daemon under the shipped unit's filter.
        .executableTarget(
            name: "service-sandbox",
            path: "Tests/ServiceSandbox"
        ),
        .target(
            name: "LedgerTestSupport",
            dependencies: ["LedgerCore", "LedgerProtocol", "LedgerClient", "LedgerHarness", "LMDB"],
            path: "Tests/LedgerTestSupport"
        ),
        .testTarget(
            name: "LedgerCoreTests",
            dependencies: ["LedgerCore", "LedgerProtocol", "LedgerTestSupport"],
            exclude: ["Resources"]
        ),
        .testTarget(
            name: "LedgerProtocolTests",
            dependencies: ["LedgerCore", "LedgerProtocol", "LedgerTestSupport"]
        ),
        .testTarget(
            name: "LedgerStoreTests",
            dependencies: ["LedgerStore", "LedgerCore", "LMDB", "LedgerTestSupport"],
            exclude: ["Resources"]
        ),
        .testTarget(
            name: "LedgerCommandsTests",
            dependencies: ["LedgerCore", "LedgerTestSupport", "ledger", "ledgerd", "ledger-bench"]
        ),
        .testTarget(
            name: "LedgerSystemdTests",
            dependencies: ["LedgerSystemd", "LedgerTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "LedgerServerTests",
            dependencies: [
                "LedgerCore", "LedgerProtocol", "LedgerClient", "LedgerServer", "LedgerTestSupport", "ledger", "ledgerd", "service-sandbox",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
            ]
        ),
        .testTarget(
            name: "LedgerWebTests",
            dependencies: [
                "LedgerCore", "LedgerStore", "LedgerProtocol", "LedgerServer", "LedgerWeb", "LedgerTestSupport", "LedgerHarness", "LedgerClient", "ledgerd",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The independent OpenAPI checker, run with python3, not built.
            exclude: ["Resources"]
        ),
        .testTarget(
            name: "LedgerReliabilityTests",
            dependencies: [
                "LedgerCore", "LedgerStore", "LedgerProtocol", "LedgerClient", "LedgerFuzzing", "LedgerTestSupport", "ledger", "ledgerd",
                "ledger-stress",
            ],
            exclude: ["Resources"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer targets exist only in a fuzzing build (`LEDGER_FUZZ=1 swift build --sanitize=fuzzer`,
// as Tests/Reliability/fuzz.sh runs it): libFuzzer supplies their `main`, so an ordinary build
// could not link them.
if Context.environment["LEDGER_FUZZ"] != nil {
    for name in ["fuzz-request-line", "fuzz-canonical-json"] {
        package.targets.append(.executableTarget(name: name, dependencies: ["LedgerFuzzing"], path: "Tests/Fuzz/\(name)"))
    }
}
