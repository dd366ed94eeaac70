import CWQLLanguage
import CWQLTestSupport
import Testing

@Suite("Diagnostics render with file:line:column, the source line and a caret")
struct DiagnosticRenderingTests {
    private func compileFailure(_ text: String, name: String = "<query>") -> CompileFailure? {
        do {
            _ = try Translator.translate(text, name: name, environment: CompileEnvironment(now: GoldenCase.now))
            return nil
        } catch {
            return error
        }
    }

    @Test func unknownFieldWithSuggestion() throws {
        let rendered = try #require(compileFailure("tickets where bord = \"Help\"", name: "alerts.cwql")).description
        #expect(
            rendered == """
                error: unknown field `bord` on tickets
                 --> alerts.cwql:1:15
                  |
                1 | tickets where bord = "Help"
                  |               ^^^^
                  = help: did you mean `board`?

                """
        )
    }

    @Test func errorOnALaterLineWidensTheGutter() throws {
        let text = String(repeating: "\n", count: 11) + "tickets | sortt id"
        let rendered = try #require(compileFailure(text, name: "big.cwql")).description
        #expect(
            rendered == """
                error: unknown stage `sortt`
                  --> big.cwql:12:11
                   |
                12 | tickets | sortt id
                   |           ^^^^^
                   = help: did you mean `sort`?

                """
        )
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let rendered = try #require(compileFailure("tickets where summary = \"é✓\" and bord = 1")).description
        #expect(rendered.contains("--> <query>:1:34"))
        #expect(rendered.contains("\n  |                                  ^^^^\n"))
    }

    @Test func caretAtEndOfInput() throws {
        let failure = try #require(compileFailure("tickets where board ="))
        #expect(failure.isIncompleteInput)
        #expect(failure.description.contains("1 | tickets where board =\n  |                      ^\n"))
    }

    @Test func endOfInputPointsPastTheLastToken() throws {
        let rendered = try #require(compileFailure("tickets |\n\n")).description
        #expect(rendered.contains(" --> <query>:1:10\n"))
        #expect(rendered.contains("1 | tickets |\n  |          ^\n"))
    }

    @Test func oneMessagePerStatement() throws {
        let source = SourceFile(name: "two.cwql", text: "tickets where bord = 1 and = = =\nlet = 3\ntickets | count\n")
        do {
            _ = try Parser.parse(source)
            Issue.record("expected errors")
        } catch {
            #expect(
                error.diagnostics.map(\.summary) == [
                    "two.cwql:1:28: expected a condition such as `board = \"Help\"`, found `=`",
                    "two.cwql:2:5: expected a variable name after `let`, found `=`",
                ]
            )
        }
    }
}
