import CWQLLanguage
import CWQLTestSupport
import Testing

@Suite("Golden cases: query → conditions, and invalid input → exact diagnostics")
struct GoldenCaseTests {
    @Test("the corpus is large enough to mean something")
    func corpusSize() {
        let cases = GoldenCase.all()
        #expect(cases.count >= 100)
        #expect(cases.filter { $0.expectations.contains { $0.hasPrefix("error: ") } }.count >= 30)
    }

    @Test(arguments: GoldenCase.all())
    func golden(_ testCase: GoldenCase) {
        let environment = CompileEnvironment(now: GoldenCase.now, variables: GoldenCase.variables)
        let expectsError = testCase.expectations.contains { $0.hasPrefix("error: ") }
        do {
            let plan = try Translator.translate(testCase.query, environment: environment)
            #expect(!expectsError, "expected a compile error, got:\n\(plan.parameterLines.joined(separator: "\n"))")
            let output = plan.parameterLines
            for expectation in testCase.expectations {
                #expect(output.contains(expectation), "missing `\(expectation)` in:\n\(output.joined(separator: "\n"))")
            }
        } catch {
            guard expectsError else {
                Issue.record("unexpected error:\n\(error)")
                return
            }
            let diagnostic = error.diagnostics[0]
            let actual = ["error: \(diagnostic.location): \(diagnostic.message)"] + diagnostic.help.map { "help: \($0)" }
            #expect(actual == testCase.expectations, "\n\(error)")
        }
    }
}

extension GoldenCase: CustomTestStringConvertible {}
