import CWQLLanguage
import Testing

/// Inputs that once crashed the compiler: they get a diagnostic now.
@Suite("Hostile and extreme inputs to the compiler")
struct HardeningTests {
    static let environment = CompileEnvironment(now: UTCDate(year: 2026, month: 11, day: 22))

    @Test(arguments: [("or", 4285), ("and", 7000), ("or", 1002)])
    func longFlatChainsAreRefusedWithAMessage(connective: String, terms: Int) {
        let query = "tickets where " + Array(repeating: "id = 1", count: terms).joined(separator: " \(connective) ")
        #expect(throws: CompileFailure.self) {
            try Translator.translate(query, environment: HardeningTests.environment)
        }
        do {
            _ = try Translator.translate(query, environment: HardeningTests.environment)
        } catch {
            #expect(error.description.contains("more than 1000 `and`/`or` in one statement"))
        }
    }

    @Test func aThousandTermsStillCompile() throws {
        let query = "tickets where " + Array(repeating: "id = 1", count: 1000).joined(separator: " or ")
        let plan = try Translator.translate(query, environment: HardeningTests.environment)
        #expect(plan.segments[0].filter.conditions?.rendered().hasSuffix("or id = 1") == true)
    }

    @Test func longChainsInAScriptAreCheckedWithoutRecursion() throws {
        let condition = Array(repeating: "id = 1", count: 1000).joined(separator: " and ")
        let source = SourceFile(name: "long.cwql", text: "if (tickets where \(condition) | count) > 0 { print 1 }\n")
        let program = try Parser.parse(source)
        #expect(StaticChecker(source: source).check(program).isEmpty)
    }
}

@Suite("Diagnostics at scale")
struct DiagnosticsAtScaleTests {
    @Test func manyErrorsArePrintedUpToALimit() throws {
        let source = SourceFile(name: "many.cwql", text: String(repeating: "tickets where bord = 1\n", count: 500))
        let program = try Parser.parse(source)
        let problems = StaticChecker(source: source).check(program)
        #expect(problems.count == 500)
        let rendered = DiagnosticRenderer.render(problems)
        #expect(rendered.components(separatedBy: "error: ").count - 1 == DiagnosticRenderer.maximumShown)
        #expect(rendered.hasSuffix("… and 480 more errors\n"))
    }

    @Test func aLongLineIsShownAroundTheCaret() throws {
        let text = "tickets where " + String(repeating: "id = 1 and ", count: 2000) + "bord = 1"
        do {
            _ = try Translator.translate(text, environment: HardeningTests.environment)
            Issue.record("expected an error")
        } catch {
            let lines = error.description.split(separator: "\n")
            #expect(lines.allSatisfy { $0.count < 400 })
        }
    }
}
