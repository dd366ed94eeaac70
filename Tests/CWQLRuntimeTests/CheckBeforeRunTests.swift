import CWQLLanguage
import CWQLRuntime
import CWQLTestSupport
import Testing

/// The whole entry is checked before any of it runs; what only the run can find, after a write,
/// is a runtime failure (exit 1), never a compile error (exit 2).
@Suite("The check before running")
struct CheckBeforeRunTests {
    @Test func mistakesAfterAWriteAreFoundBeforeIt() async throws {
        try await withRuntime(tickets: 30) { h in
            let mistakes = [
                "print $nope", "nope(3)", "stale(1, 2) | count", "def f(a) { print $a }\nf(1, 2)",
                "let t = tickets | take 1\nfor $x in $t { print $x.sumary }", "open_tickets() | where bord = 1 | count",
                "let n = 3\n$n | count",
                // Stages the entity can't take, and stages after the end of a pipeline.
                "companies | close", "boards | assign jsmith", "companies | log 1h", "tickets | count | take 1",
                "tickets | note \"y\" | count", "agreements | additions | select agreement.nmae",
                "agreements | additions | where agreement.name = \"x\"",
            ]
            for mistake in mistakes {
                let error = await h.failure("tickets where id = 20 | note \"x\" internal\n\(mistake)")
                #expect(error?.kind == .compile, "\(mistake)")
                #expect(!h.requests.contains { $0.method == "POST" }, "\(mistake) wrote before its error")
            }
        }
    }

    @Test func namesCarryOverFromOneEntryToTheNext() async throws {
        try await withRuntime(tickets: 30) { h in
            try await h.run("let who = \"jsmith\"\ndef mine() = tickets where owner = $who")
            #expect(try await h.run("print $who") == "jsmith\n")
            #expect(try await h.run("mine() | where closed = false | count").hasSuffix("\n"))
            let error = await h.failure("mine() | where bord = 1 | count")
            #expect(error?.description.contains("did you mean `board`?") == true)
        }
    }

    @Test func aMistakeOnlyTheRunFindsIsARuntimeFailureAfterAWrite() async throws {
        try await withRuntime(tickets: 30) { h in
            let before = await h.failure("let n = \"many\"\ntickets | take $n")
            #expect(before?.kind == .compile)
            let after = await h.failure(
                "tickets where id = 1 | note \"x\" internal\nlet n = \"many\"\ntickets | take $n"
            )
            #expect(after?.kind == .runtime)
            #expect(h.requests.contains { $0.method == "POST" })
        }
    }
}

@Suite("Recursion")
struct RecursionTests {
    @Test func aRecursiveDefStopsWithAMessage() async throws {
        try await withRuntime(tickets: 10) { h in
            let error = await h.failure("def a() = a()\na() | count")
            #expect(error?.description.contains("calls nested too deeply (recursion?)") == true)
            #expect(error?.kind == .runtime)
        }
    }
}

/// One typed problem per mistake, whichever way the query comes in: `translate`, the check of a
/// script before it runs, and the interpreter.
@Suite struct TypedProblemTests {
    static let cases: [(query: String, problem: Problem)] = [
        ("tikets | count", .unknownEntity("tikets", help: ["did you mean `tickets`?"])),
        ("tickets | close | note \"x\"", .stageAfterWrite(stage: "note", write: "close")),
        ("tickets | take 0", .takeOutOfRange(largest: 1_000_000_000)),
        ("tickets where entered > null", .comparedWithNull(op: ">")),
        ("tickets where summary > 5", .orderingOnUnordered(op: ">", subject: "summary", type: "text", isText: true)),
        ("tickets | notez", .unknownStage("notez", help: ["did you mean `note`?"])),
        ("companies | additions", .unknownChild(entity: "companies", child: "additions", help: [])),
    ]

    @Test func translateAndTheScriptCheckRaiseTheSameProblem() throws {
        for (query, expected) in Self.cases {
            var viaTranslate: Problem?
            do {
                _ = try Translator.translate(query, environment: CompileEnvironment(now: SimulatedSite.now))
            } catch let failure as CompileFailure {
                viaTranslate = failure.diagnostics.first?.problem
            }
            var viaCheck: Problem?
            do {
                _ = try Interpreter.check(SourceFile(name: "t.cwql", text: query), variables: [:])
            } catch {
                viaCheck = error.diagnostics.first?.problem
            }
            #expect(viaTranslate != nil, "\(query)")
            #expect(viaTranslate == viaCheck, "\(query)")
            if case .unknownChild = expected {
                guard case .unknownChild? = viaTranslate else {
                    Issue.record("\(query): \(String(describing: viaTranslate))")
                    continue
                }
            } else {
                #expect(viaTranslate == expected, "\(query)")
            }
        }
    }
}
