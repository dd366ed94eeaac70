import CWQLLanguage
import Testing

@Suite("Completion from the language's own knowledge")
struct CompleterTests {
    let completer = Completer(
        variables: ["board", "days"],
        definitions: ["stale"],
        modules: ["alerts", "seats"],
        values: { entity, path, board in
            if entity == "tickets" && path == "board/name" { return ["Help", "Alerts", "Waiting Room"] }
            if entity == "tickets" && path == "status/name" {
                return board == "Alerts" ? ["Investigating", "Resolved"] : ["New", "Closed"]
            }
            return []
        }
    )

    @Test func startOfLineOffersStatementsAndEntities() {
        // Every source of the spec whose name starts so (ConnectWise has several `ticket…` lists).
        let tic = completer.complete("tic")
        #expect(tic.contains("tickets") && tic.allSatisfy { $0.hasPrefix("tic") })
        #expect(completer.complete("ticket_sy") == ["ticket_syncs"])
        #expect(completer.complete("").contains("let"))
        #expect(completer.complete("").contains("stale("))
        let co = completer.complete("co")
        #expect(
            ["companies", "configurations", "contacts"].allSatisfy(co.contains) && co.allSatisfy { $0.hasPrefix("co") }
        )
    }

    @Test func afterPipeOffersStagesAndChildren() {
        #expect(completer.complete("tickets | no") == ["note", "notes"])
        #expect(completer.complete("agreements | add") == ["additions"])
        // Stages, and the ticket's children from the spec (`/service/tickets/{id}/scheduleentries`).
        #expect(
            completer.complete("tickets where id = 1 | s") == [
                "scheduleentries", "select", "set", "sort", "sum", "summarize",
            ]
        )
    }

    @Test func keywordsComeFromTheParsersTables() {
        // The completer offers exactly the words the parser dispatches on.
        let stages = completer.complete("tickets | ")
        #expect(StageKeyword.allCases.allSatisfy { stages.contains($0.rawValue) })
        let statements = completer.complete("")
        #expect(StatementKeyword.allCases.allSatisfy { statements.contains($0.rawValue) })
        // Each stage keyword parses as the stage it names; each statement keyword as a statement.
        for stage in StageKeyword.allCases {
            let written = stage.usage.replacing("CONDITION", with: "id = 1").replacing("FIELD", with: "id")
                .replacing(" [asc|desc], …", with: "").replacing(", …", with: "").replacing("[by id]", with: "by id")
                .replacing("N", with: "3").replacing(" [internal|resolution]", with: "").replacing(
                    " [member M] [worktype W] [start T]",
                    with: ""
                ).replacing(
                    "MEMBER",
                    with: "jsmith"
                )
                .replacing("VALUE", with: "1").replacing("\"…\"", with: "\"x\"")
            let program = try? Parser.parse(SourceFile(name: "t", text: "tickets | " + written))
            guard case .pipeline(let pipeline)? = program?.statements.first?.kind else {
                Issue.record("`\(written)` does not parse")
                continue
            }
            #expect(pipeline.stages.first?.kind.stageKeyword == stage, "\(written)")
        }
    }

    @Test func fieldsOfTheEntityInScope() {
        #expect(completer.complete("tickets where bo") == ["board"])
        #expect(completer.complete("tickets where board = Help and clo").contains("closed"))
        #expect(completer.complete("tickets where board = Help and clo").contains("closedFlag"))
        #expect(completer.complete("tickets | select id, summ") == ["summary"])
        #expect(completer.complete("agreements | additions | select qua") == ["quantity"])
        // After a backquoted endpoint, nothing is known of the records' fields.
        #expect(completer.complete("tickets | `/service/tickets/{id}/tasks` | select sum").isEmpty)
        #expect(completer.complete("tickets | count by sta") == ["stateIdentifier", "status"])
    }

    @Test func valuesVariablesAndModules() {
        #expect(completer.complete("tickets where board = ") == ["\"Waiting Room\"", "Alerts", "Help"])
        #expect(completer.complete("tickets where board = \"Wa") == ["Waiting Room\""])
        #expect(completer.complete("tickets where board = $b") == ["board"])
        #expect(completer.complete("import \"se") == ["seats\""])
        #expect(completer.complete("tickets where board = \"Alerts\" and status = ") == ["Investigating", "Resolved"])
        #expect(completer.complete("tickets where status = ") == ["Closed", "New"])
    }

    @Test func serverValuesAreInsertedEscaped() {
        let completer = Completer(values: { _, _, _ in [#"Evil" or id > 0 or name = "x"#, "ACME#", "Café", "Help"] })
        let candidates = completer.complete("tickets where board = ")
        #expect(candidates.contains(#""Evil\" or id > 0 or name = \"x""#))
        #expect(candidates.contains(#""ACME#""#))
        #expect(candidates.contains(#""Café""#))
        #expect(candidates.contains("Help"))
        // Each completes into a condition that compiles to one comparison.
        for candidate in candidates {
            let plan = try? Translator.translate(
                "tickets where board = \(candidate)",
                environment: CompileEnvironment(now: UTCDate(year: 2026, month: 1, day: 1))
            )
            #expect(
                plan?.segments[0].filter.conditions.map { if case .comparison = $0 { true } else { false } } == true,
                "\(candidate)"
            )
        }
    }
}
