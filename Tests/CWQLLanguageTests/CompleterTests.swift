import CWQLLanguage
import Testing

@Suite("Completion from the language's own knowledge")
struct CompleterTests {
    let completer = Completer(
        variables: ["board", "days"], definitions: ["stale"], modules: ["alerts", "seats"],
        values: { entity, path, board in
            if entity == "tickets" && path == "board/name" { return ["Help", "Alerts", "Waiting Room"] }
            if entity == "tickets" && path == "status/name" { return board == "Alerts" ? ["Investigating", "Resolved"] : ["New", "Closed"] }
            return []
        })

    @Test func startOfLineOffersStatementsAndEntities() {
        #expect(completer.complete("tic") == ["tickets"])
        #expect(completer.complete("").contains("let"))
        #expect(completer.complete("").contains("stale("))
        #expect(completer.complete("co") == ["companies", "configurations", "contacts"])
    }

    @Test func afterPipeOffersStagesAndChildren() {
        #expect(completer.complete("tickets | no") == ["note", "notes"])
        #expect(completer.complete("agreements | add") == ["additions"])
        #expect(completer.complete("tickets where id = 1 | s") == ["select", "set", "sort"])
    }

    @Test func fieldsOfTheEntityInScope() {
        #expect(completer.complete("tickets where bo") == ["board"])
        #expect(completer.complete("tickets where board = Help and clo").contains("closed"))
        #expect(completer.complete("tickets where board = Help and clo").contains("closedFlag"))
        #expect(completer.complete("tickets | select id, summ") == ["summary"])
        #expect(completer.complete("agreements | additions | select qua") == ["quantity"])
        #expect(completer.complete("tickets | count by sta") == ["status"])
    }

    @Test func valuesVariablesAndModules() {
        #expect(completer.complete("tickets where board = ") == ["\"Waiting Room\"", "Alerts", "Help"])
        #expect(completer.complete("tickets where board = \"Wa") == ["Waiting Room\""])
        #expect(completer.complete("tickets where board = $b") == ["board"])
        #expect(completer.complete("import \"se") == ["seats\""])
        #expect(completer.complete("tickets where board = \"Alerts\" and status = ") == ["Investigating", "Resolved"])
        #expect(completer.complete("tickets where status = ") == ["Closed", "New"])
    }
}
