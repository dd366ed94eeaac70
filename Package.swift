// swift-tools-version: 6.1
//
// cwql — a query language, REPL and scripting tool for the ConnectWise PSA REST API.
//
// One library target per layer; dependencies point from the executable towards the
// language core, never back:
//
//   cwql (executable) ─┬─> CWQLLineEditor       ──> CReadline (libreadline)
//                      ├─> CWQLLanguage         (lexer, parser, AST, diagnostics, catalog, compiler, planner)
//                      ├─> CWQLRuntime          ──> CWQLLanguage, ConnectWiseClient
//                      ├─> ConnectWiseClient    ──> ConnectWiseRequests, CWJSON, AsyncHTTPClient, TOMLKit
//                      └─> ConnectWiseSimulator ──> CWJSON, Hummingbird
//
// Small I/O-free modules hold what several layers share: ConnectWiseRequests (the request a
// plan emits and the client sends, conditions printed in one place, one percent-encoder),
// CWJSON (JSON values), Suggestions (did-you-mean). The simulator imports none of the language.
import PackageDescription

let package = Package(
    name: "cwql",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cwql", targets: ["cwql"]),
        .executable(name: "cwql-bench", targets: ["CWQLBench"]),
        .library(name: "CWQLLanguage", targets: ["CWQLLanguage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.4.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Did-you-mean by edit distance, for every layer (language, config, command line).
        .target(name: "Suggestions"),

        // The language: source text in, diagnostics and a request plan out. No I/O.
        .target(name: "CWQLLanguage", dependencies: ["Suggestions", "ConnectWiseRequests"]),

        // JSON values with a strict parser and a compact writer, shared by client and simulator.
        .target(name: "CWJSON"),

        // The request vocabulary, shared by the planner, translate and the client: a request
        // with holes for ids and pages, conditions as a tree printed in one place, one
        // percent-encoder. No I/O.
        .target(name: "ConnectWiseRequests", dependencies: ["CWJSON"]),

        // A local ConnectWise PSA: its own conditions parser, seeded data, faults and quirks.
        // It must not depend on the language: it behaves like ConnectWise, not like cwql.
        .target(
            name: "ConnectWiseSimulator",
            dependencies: [
                "CWJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The one ConnectWise client: credentials and profiles, discovery, pagination, retries.
        .target(
            name: "ConnectWiseClient",
            dependencies: [
                "CWJSON", "Suggestions", "ConnectWiseRequests",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),

        // Runs cwql: statements, queries through the planner and the client, writes, output.
        .target(
            name: "CWQLRuntime",
            dependencies: ["CWQLLanguage", "ConnectWiseClient", "ConnectWiseRequests", "CWJSON"]
        ),

        // GNU readline, from Debian's libreadline-dev.
        .systemLibrary(
            name: "CReadline",
            providers: [.apt(["libreadline-dev"])]
        ),

        // Line editing for the REPL: a small protocol with a readline and a plain-stdin reader.
        .target(name: "CWQLLineEditor", dependencies: ["CReadline"]),

        // The thin command-line front end.
        .executableTarget(
            name: "cwql",
            dependencies: [
                "CWQLLanguage",
                "ConnectWiseRequests",
                "CWQLLineEditor",
                "ConnectWiseSimulator",
                "ConnectWiseClient",
                "CWQLRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // The benchmark: requests, bytes, time and memory against the latency-bound limit.
        .executableTarget(
            name: "CWQLBench",
            dependencies: [
                "CWQLLanguage", "CWQLRuntime", "ConnectWiseClient", "ConnectWiseRequests", "ConnectWiseSimulator", "CWJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // What several test targets share: the golden corpus.
        .target(name: "CWQLTestSupport", dependencies: ["CWQLLanguage"], path: "Tests/CWQLTestSupport"),

        .testTarget(
            name: "CWQLLanguageTests",
            dependencies: ["CWQLLanguage", "ConnectWiseRequests", "CWQLTestSupport"],
            exclude: ["cases"]
        ),
        .testTarget(
            name: "ConnectWiseSimulatorTests",
            dependencies: [
                "ConnectWiseSimulator", "CWJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "ConnectWiseClientTests",
            dependencies: ["ConnectWiseClient", "ConnectWiseRequests", "ConnectWiseSimulator", "CWJSON"]
        ),
        .testTarget(
            name: "CWQLRuntimeTests",
            dependencies: [
                "CWQLRuntime", "CWQLLanguage", "ConnectWiseClient", "ConnectWiseRequests", "ConnectWiseSimulator", "CWJSON",
                "CWQLTestSupport",
            ]
        ),
        .testTarget(
            name: "ReliabilityTests",
            dependencies: ["CWQLLanguage", "ConnectWiseRequests", "ConnectWiseSimulator"]
        ),
        .testTarget(
            name: "CWQLCommandTests",
            dependencies: ["cwql", "ConnectWiseSimulator"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
