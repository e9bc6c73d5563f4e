// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tuopin",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tuopin", targets: ["tuopin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", exact: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", exact: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", exact: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", exact: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // XLSX import and export (an XLSX file is a ZIP of XML parts).
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", exact: "0.9.20"),
        // Metrics in Prometheus' text format, as the backend of swift-metrics (which Vapor reports to).
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // CSV parsing for imports: measured faster than the reader written here (see CSVRows).
        .package(url: "https://github.com/yaslab/CSV.swift.git", exact: "2.5.2"),
        // Property-based tests of TuopinCore's decisions (ledger, workflows, ID check).
        .package(url: "https://github.com/x-sheep/swift-property-based.git", exact: "2.0.1"),
        // Page and API snapshots pinned before the renovation (issue #23); only its SnapshotTesting
        // target is built (no swift-syntax).
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", exact: "1.19.7"),
        // Typed ids: a household's id and a plan's id are different types, so one cannot be stored
        // where the other belongs (issue #23).
        .package(url: "https://github.com/pointfreeco/swift-tagged.git", exact: "0.10.0"),
    ],
    targets: [
        // Policy and pure logic; swift-crypto only for the HMAC of TOTP (RFC 6238), CSV.swift for
        // reading CSV files (pure Swift, no I/O of its own).
        .target(name: "TuopinCore", dependencies: [
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "CSV", package: "CSV.swift"),
        ]),
        .target(
            name: "TuopinServer",
            dependencies: [
                "TuopinCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tagged", package: "swift-tagged"),
            ]
        ),
        .executableTarget(
            name: "tuopin",
            dependencies: ["TuopinServer"]
        ),
        .testTarget(name: "TuopinCoreTests", dependencies: [
            "TuopinCore", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(
            name: "TuopinServerTests",
            dependencies: [
                "TuopinServer",
                .product(name: "VaporTesting", package: "vapor"),
                // Test databases are copied from seeded templates with CREATE DATABASE … TEMPLATE.
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                // The workbook fuzzing builds its archives.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ]
        ),
    ]
)
