import CWQLLanguage
import CWQLTestSupport
import Foundation
import Testing

/// A small deterministic generator, so a failing input can be reproduced from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("No input crashes or hangs the compiler; every rejection is located")
struct RobustnessTests {
    /// Inputs per fuzzing test: 4,000 in the suite, more with `CWQL_FUZZ_ITERATIONS`
    /// (`scripts/fuzz.sh` runs a million).
    static let iterations = Int(ProcessInfo.processInfo.environment["CWQL_FUZZ_ITERATIONS"] ?? "") ?? 4000

    /// The generators' seed (`CWQL_FUZZ_SEED`), so a long run can explore other inputs.
    static let seed = UInt64(ProcessInfo.processInfo.environment["CWQL_FUZZ_SEED"] ?? "") ?? 0

    static let fragments = [
        "tickets", "ticket", "where", "and", "or", "not", "(", ")", "{", "}", "|", ",", ":", ".", "=", "!=", "<", ">=",
        "~", "!~", "like", "in", "is", "null", "true", "board", "status", "custom(\"A\")", "\"x\"", "'y'", "42", "-7d",
        "0.5h", "2026-01-31", "$board", "$", "`_info/lastUpdated`", "select", "sort", "desc", "take", "count", "by",
        "notes", "note", "set", "close", "log", "let", "def", "for", "if", "else", "print", "create", "upsert",
        "\n", ";", "#", "\\", "\"", "é", "\u{0}", "-", "+", "[", "]",
        // The second release's syntax: arithmetic, interpolation, aggregates, sources, sync.
        "*", "/", "\"a \\($board) b\"", "\"\\(\"", "\\(", "\"\\($t.id + 1)\"", "sum", "avg", "min", "max",
        "summarize", "n = count()", "h = sum(actualHours)", "from", "\"seats.csv\"", "stdin", "as", "csv", "jsonl",
        "sync", "key", "missing", "deactivate", "delete", "minutes = budgetHours * 60", "(1, 2)", "(ticket 5).summary",
    ]

    /// Compiles `text` and checks that a failure points inside the text.
    static func check(_ text: String) {
        let environment = CompileEnvironment(now: GoldenCase.now, variables: GoldenCase.variables)
        // The whole-script check too, with a `from` source that always reads the same rows.
        if let program = try? Parser.parse(SourceFile(name: "fuzz", text: text)) {
            let rows = DataTable(
                name: "seats.csv",
                columns: [FieldSpec("company", .value(.string)), FieldSpec("seats", .value(.integer))],
                rows: []
            )
            let checker = StaticChecker(source: program.source, loadData: { _, _ in .success(rows) })
            for diagnostic in checker.check(program) {
                #expect(diagnostic.span.end <= program.source.bytes.count, "bad span for \(text.debugDescription)")
            }
        }
        do {
            _ = try Translator.translate(text, environment: environment)
        } catch {
            for diagnostic in error.diagnostics {
                let bytes = diagnostic.source.bytes.count
                #expect(
                    diagnostic.span.start >= 0 && diagnostic.span.start <= bytes,
                    "bad span for \(text.debugDescription)"
                )
                #expect(diagnostic.span.end <= bytes, "bad span for \(text.debugDescription)")
                #expect(!diagnostic.message.isEmpty)
                _ = diagnostic.description  // rendering must not trap either
            }
        }
    }

    @Test func randomTokenSoup() {
        var generator = SplitMix64(state: Self.seed ^ 0xC0FFEE)
        for _ in 0..<Self.iterations {
            let count = Int.random(in: 1...14, using: &generator)
            let text = (0..<count).map { _ in Self.fragments.randomElement(using: &generator)! }.joined(separator: " ")
            Self.check(text)
        }
    }

    @Test func mutatedGoldenCases() {
        var generator = SplitMix64(state: Self.seed ^ 42)
        let corpus = GoldenCase.all().map(\.query)
        for _ in 0..<Self.iterations {
            var bytes = Array(corpus.randomElement(using: &generator)!.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0...bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0 where !bytes.isEmpty: bytes.remove(at: min(position, bytes.count - 1))
                case 1: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                default:
                    bytes.insert(contentsOf: Array(Self.fragments.randomElement(using: &generator)!.utf8), at: position)
                }
            }
            Self.check(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// Hostile shapes the token soup rarely builds: long flat chains, huge numbers, dates far
    /// outside 0001–9999, quotes followed by combining marks, raw paths and endpoints with
    /// anything in them, deep recursion of calls; each compiled with the checker too.
    @Test func hostileShapes() {
        var generator = SplitMix64(state: Self.seed ^ 0xBADF00D)
        func digits(_ count: Int, _ g: inout SplitMix64) -> String {
            String((0..<count).map { _ in "0123456789".randomElement(using: &g)! })
        }
        let shapes: [(inout SplitMix64) -> String] = [
            { g in
                // Interpolations nested past the parser's depth limit fail cleanly.
                let depth = Int.random(in: 1...300, using: &g)
                return "tickets | note " + String(repeating: "\"\\(", count: depth) + "1"
                    + String(repeating: ")\"", count: depth)
            },
            { g in
                let terms = Int.random(in: 1...2500, using: &g)
                let connective = Bool.random(using: &g) ? " and " : " or "
                return "tickets where " + (0..<terms).map { "id = \($0)" }.joined(separator: connective)
            },
            { g in
                "tickets | take " + (Bool.random(using: &g) ? "-" : "") + digits(Int.random(in: 1...40, using: &g), &g)
            },
            { g in
                "tickets where id = " + digits(Int.random(in: 1...40, using: &g), &g) + "."
                    + digits(Int.random(in: 0...40, using: &g), &g)
            },
            { g in
                "tickets where entered > " + (Bool.random(using: &g) ? "-" : "+")
                    + digits(Int.random(in: 1...12, using: &g), &g) + ["d", "h", "m", "w"].randomElement(using: &g)!
            },
            { g in
                "tickets where entered > " + digits(Int.random(in: 1...6, using: &g), &g) + "-01-01T00:00:00" + [
                    "Z", "+14:00", "-12:00",
                ].randomElement(using: &g)!
            },
            { g in
                let tail = ["\u{0301}", "\u{200D}", "\u{FE0F}", "\\", "\"", "\u{0}"].randomElement(using: &g)!
                return "tickets where summary = \"Help\\\"" + tail + " or name = \"x\""
            },
            { g in
                let junk = (0..<Int.random(in: 1...12, using: &g)).map { _ in
                    "/{}()!=,&?#%`id".randomElement(using: &g)!
                }
                return ["tickets where `", "tickets | select `", "tickets | `/service/", "`/system/"].randomElement(
                    using: &g
                )! + String(junk) + "`"
            },
            { g in "def a(n) = a($n) | take 1\na(" + digits(Int.random(in: 1...5, using: &g), &g) + ") | count" },
        ]
        for _ in 0..<max(1, Self.iterations / 8) {
            let text = shapes.randomElement(using: &generator)!(&generator)
            Self.check(text)
            // The whole-script check walks what translate does not (defs, calls, variables).
            let source = SourceFile(name: "<fuzz>", text: text)
            if let program = try? Parser.parse(source) {
                _ = StaticChecker(source: source).check(program)
            }
        }
    }

    @Test func deeplyNestedInputsFailCleanly() {
        Self.check("tickets where " + String(repeating: "(", count: 100_000))
        Self.check("tickets where " + String(repeating: "not ", count: 100_000) + "id = 1")
        Self.check("let x = " + String(repeating: "(", count: 100_000))
        Self.check(String(repeating: "if 1 { ", count: 10_000))
    }

    @Test func longInputsCompile() throws {
        let values = (1...5000).map(String.init).joined(separator: ", ")
        let plan = try Translator.translate(
            "tickets where id in (\(values))",
            environment: CompileEnvironment(now: GoldenCase.now)
        )
        #expect(plan.segments[0].filter.conditions?.rendered().hasSuffix("4999, 5000)") == true)
    }
}
