import CWQLLanguage
import Testing

/// Inputs that once crashed the compiler: they get a diagnostic now.
@Suite("Hostile and extreme inputs to the compiler")
struct HardeningTests {
    static let environment = CompileEnvironment(now: UTCDate(year: 2026, month: 11, day: 22))

    @Test(arguments: [("or", 4285), ("and", 7000), ("or", 1002)])
    func longFlatChainsAreRefusedWithAMessage(connective: String, terms: Int) {
        let query = "tickets where " + Array(repeating: "id = 1", count: terms).joined(separator: " \(connective) ")
        #expect(throws: CompileFailure.self) { try Translator.translate(query, environment: HardeningTests.environment) }
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
