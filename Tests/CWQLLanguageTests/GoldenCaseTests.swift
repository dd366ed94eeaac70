import CWQLLanguage
import CWQLTestSupport
import Foundation
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
            // The whole output, every line in order: a line too many is as wrong as one missing.
            #expect(plan.parameterLines == testCase.expectations, "\n\(plan.parameterLines.joined(separator: "\n"))")
        } catch {
            guard expectsError else {
                Issue.record("unexpected error:\n\(error)")
                return
            }
            let diagnostic = error.diagnostics[0]
            let actual =
                ["error: \(diagnostic.location): \(diagnostic.message)"] + diagnostic.help.map { "help: \($0)" }
            #expect(actual == testCase.expectations, "\n\(error)")
        }
    }
}

extension GoldenCase: CustomTestStringConvertible {}

@Suite struct GoldenCorpusUpdate {
    /// Rewrites the corpus's compiling cases with today's output when `CWQL_UPDATE_GOLDEN=1`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CWQL_UPDATE_GOLDEN"] == "1"))
    func update() throws {
        let environment = CompileEnvironment(now: GoldenCase.now, variables: GoldenCase.variables)
        let files = try FileManager.default.contentsOfDirectory(atPath: GoldenCase.directory.path).filter {
            $0.hasSuffix(".cwql")
        }
        for name in files {
            let url = GoldenCase.directory.appendingPathComponent(name)
            let text = try String(contentsOf: url, encoding: .utf8)
            let updated = GoldenCase.updating(text) { query in
                try? Translator.translate(query, environment: environment).parameterLines
            }
            if updated != text { try updated.write(to: url, atomically: true, encoding: .utf8) }
        }
    }
}
