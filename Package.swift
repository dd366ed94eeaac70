// swift-tools-version: 6.1
//
// cwql — a query language, REPL and scripting tool for the ConnectWise PSA REST API.
//
// One library target per layer; dependencies point from the executable towards the
// language core, never back:
//
//   cwql (executable) ─┬─> CWQLLineEditor ──> CReadline (libreadline)
//                      └─> CWQLLanguage   (lexer, parser, AST, diagnostics, catalog, compiler)
import PackageDescription

let package = Package(
    name: "cwql",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cwql", targets: ["cwql"]),
        .library(name: "CWQLLanguage", targets: ["CWQLLanguage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The language: source text in, diagnostics and a request plan out. No I/O.
        .target(name: "CWQLLanguage"),

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
                "CWQLLineEditor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(
            name: "CWQLLanguageTests",
            dependencies: ["CWQLLanguage"],
            exclude: ["cases"]
        ),
        .testTarget(
            name: "CWQLCommandTests",
            dependencies: ["cwql"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
