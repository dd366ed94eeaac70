import CWQLLanguage
import Testing

@Suite("The parser accepts the whole language of SPEC section 1")
struct ParserTests {
    private func parse(_ text: String) throws(CompileFailure) -> [Statement] {
        try Parser.parse(SourceFile(name: "t.cwql", text: text)).statements
    }

    @Test func importsTakeANamespaceAndCallsGoThroughIt() throws {
        let statements = try parse(
            "import \"lib/helpers.cwql\" as h\nh.open_help() | count\nalerts.raise_alert(\"A-1\")"
        )
        guard case .import(let module, let alias?, _) = statements[0].kind else {
            Issue.record("import as")
            return
        }
        #expect(module == "lib/helpers.cwql" && alias.text == "h")
        guard case .pipeline(let query) = statements[1].kind, case .call(let callee, _, _) = query.source else {
            Issue.record("call")
            return
        }
        #expect(callee.text == "h.open_help")
        guard case .pipeline(let procedure) = statements[2].kind,
            case .call(let name, let arguments, _) = procedure.source
        else {
            Issue.record("procedure call")
            return
        }
        #expect(name.text == "alerts.raise_alert" && arguments.count == 1)
        // A file name that is no name needs `as`; a namespace's member is always called.
        #expect(throws: CompileFailure.self) { try parse("import \"sync-helpers.cwql\"") }
        #expect(throws: CompileFailure.self) { try parse("alerts.alert_board | count") }
        #expect(ModuleNamespace.defaultName(of: "lib/sync_helpers.cwql") == "sync_helpers")
        #expect(ModuleNamespace.defaultName(of: "9lives") == nil)
    }

    @Test func specScriptingExampleParses() throws {
        let statements = try parse(
            """
            #!/usr/bin/env cwql
            import "alerts"                         # stdlib/alerts.cwql
            let board = "Help"
            def stale(days) = tickets where board = $board and closed = false and updated < -$days d
            stale(14) | note "Reminder: no update in 14 days" internal
            create ticket { summary: "Disk full on SRV01", board: "Alerts", company: ACME, priority: "P1" }
            upsert ticket where summary = "Alert 42" and closed = false { summary: "Alert 42", board: "Alerts", company: ACME }
            for $t in (tickets where board = "Alerts" and closed = false) { print $t.summary }
            if (tickets where company = ACME | count) > 100 { print "busy" }
            """
        )
        #expect(statements.count == 8)
        guard case .import(let module, nil, _) = statements[0].kind else {
            Issue.record("import")
            return
        }
        #expect(module == "alerts")
        guard case .let(let name, .string(let value, _)) = statements[1].kind else {
            Issue.record("let")
            return
        }
        #expect(name.text == "board" && value == "Help")
        guard case .def(let defName, let parameters, let body) = statements[2].kind else {
            Issue.record("def")
            return
        }
        #expect(defName.text == "stale" && parameters.map(\.text) == ["days"] && body.stages.count == 1)
        guard case .pipeline(let call) = statements[3].kind, case .call(let callee, let arguments, _) = call.source
        else {
            Issue.record("call")
            return
        }
        #expect(callee.text == "stale" && arguments.count == 1)
        guard case .note(_, let flags) = call.stages[0].kind else {
            Issue.record("note")
            return
        }
        #expect(flags == [.internal])
        guard case .create(let entity, let object) = statements[4].kind else {
            Issue.record("create")
            return
        }
        #expect(entity.text == "ticket" && object.fields.count == 4)
        guard case .upsert(_, _, let upsertObject) = statements[5].kind else {
            Issue.record("upsert")
            return
        }
        #expect(upsertObject.fields.count == 3)
        guard case .for(let variable, .query, let loopBody) = statements[6].kind else {
            Issue.record("for")
            return
        }
        #expect(variable.text == "t" && loopBody.count == 1)
        guard case .if(.compare(.query, .greater, .number("100", _), _), let then, nil) = statements[7].kind
        else {
            Issue.record("if")
            return
        }
        #expect(then.count == 1)
    }

    @Test func ifElseChainsAndMultiLineBlocks() throws {
        let statements = try parse(
            """
            if $n > 10 {
              print "many"
            } else if $n > 0 {
              print "some"
            } else {
              print "none"; print "really"
            }
            """
        )
        #expect(statements.count == 1)
        guard case .if(_, _, let otherwise?) = statements[0].kind, case .if(_, _, let last?) = otherwise[0].kind
        else {
            Issue.record("else if")
            return
        }
        #expect(last.count == 2)
    }

    @Test func everyStageParses() throws {
        let statements = try parse(
            """
            tickets where a = 1 | select a, b.c | sort a desc, b | take 5 | first | count
            tickets | count by status
            ticket 4711 | notes | where internal = true
            tickets | note "x" internal resolution
            tickets | set summary = "y", custom("Alert ID") = "9"
            tickets | close
            tickets | assign jsmith
            tickets | log 0.5h "notes"
            tickets | log 15m
            tickets | delete
            """
        )
        let kinds = statements.compactMap { statement -> [String]? in
            guard case .pipeline(let pipeline) = statement.kind else { return nil }
            return pipeline.stages.map(\.kind.keyword)
        }
        #expect(
            kinds == [
                ["where", "select", "sort", "take", "first", "count"], ["count by"], ["notes", "where"],
                ["note"], ["set"], ["close"], ["assign"], ["log"], ["log"], ["delete"],
            ]
        )
    }

    @Test func objectLiteralsSpanLines() throws {
        let statements = try parse(
            """
            create ticket {
              summary: "Disk full",
              board: "Alerts",
              custom("Alert ID"): "42",
            }
            """
        )
        guard case .create(_, let object) = statements[0].kind else {
            Issue.record("create")
            return
        }
        #expect(object.fields.count == 3)
    }

    @Test func unclosedBlockIsIncompleteInput() {
        do {
            _ = try parse("for $t in (tickets) {\n print $t")
            Issue.record("expected an error")
        } catch {
            #expect(error.isIncompleteInput)
        }
    }

    @Test func strayClosingBraceDoesNotHang() {
        do {
            _ = try parse("}\n}\ntickets | count\n}")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.count == 3)
        }
    }
}
