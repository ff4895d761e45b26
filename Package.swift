// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "ledger",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ledger", targets: ["ledger"]),
        .executable(name: "ledger-bench", targets: ["ledger-bench"]),
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
        .library(name: "LedgerStore", targets: ["LedgerStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
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
            name: "LedgerCommands",
            dependencies: [
                "LedgerCore",
                "LedgerStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "ledger",
            dependencies: ["LedgerCommands"]
        ),
        .executableTarget(
            name: "ledger-bench",
            dependencies: ["LedgerCore", "LedgerStore"]
        ),
        .target(
            name: "LedgerTestSupport",
            dependencies: ["LedgerCore"],
            path: "Tests/LedgerTestSupport"
        ),
        .testTarget(
            name: "LedgerCoreTests",
            dependencies: ["LedgerCore", "LedgerTestSupport"],
            exclude: ["Resources"]
        ),
        .testTarget(
            name: "LedgerStoreTests",
            dependencies: ["LedgerStore", "LedgerCore", "LMDB", "LedgerTestSupport"]
        ),
        .testTarget(
            name: "LedgerCommandsTests",
            dependencies: ["LedgerCore", "LedgerTestSupport", "ledger", "ledger-bench"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
