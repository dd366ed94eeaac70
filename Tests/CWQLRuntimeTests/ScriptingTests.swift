import CWJSON
import CWQLLanguage
import CWQLRuntime
import CWQLTestSupport
import Foundation
import Testing

@Suite("Interpreter: let, def, for, if, print, import, procedures")
struct ScriptingTests {
    @Test func letDefForIfPrint() async throws {
        try await withRuntime { h in
            let out = try await h.run(
                #"""
                let board = "Alerts"
                def open_on(days) = tickets where board = $board and closed = false and entered > -$days d
                let recent = (open_on(30) | count)
                if $recent >= 0 { print "recent:", $recent } else { print "never" }
                for $t in (tickets where id in (1, 2)) { print $t.id, $t.summary }
                let n = 3
                if $n > 2 and not ($n > 5) { print "between" }
                """#
            )
            let lines = out.split(separator: "\n").map(String.init)
            // The harness's clock is fixed at noon of 2026-11-22: 30 days back is exactly this.
            let expected = h.server.store.records("tickets").filter {
                $0["board"]?["name"]?.stringValue == "Alerts" && $0["closedFlag"]?.boolValue == false
                    && ($0["_info"]?["dateEntered"]?.stringValue ?? "") > "2026-10-23T12:00:00Z"
            }
            #expect(lines[0] == "recent: \(expected.count)")
            #expect(expected.count > 0)
            #expect(lines[1] == "1 \(h.server.store.record("tickets", id: 1)!["summary"]!.stringValue!)")
            #expect(lines[2].hasPrefix("2 "))
            #expect(lines[3] == "between")
        }
    }

    @Test func variablesHoldRecords() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let out = try await h.run(
                """
                let mine = tickets where id in (1, 2, 3)
                $mine | where id > 1 | select id
                $mine | count
                """
            )
            #expect(out == "{\"id\":2}\n{\"id\":3}\n{\"count\":3}\n")
        }
    }

    @Test func preludeAndVarsAreThere() async throws {
        try await withRuntime(options: { $0.variables = ["who": .string("jsmith")] }) { h in
            let out = try await h.run("my_open($who) | count")
            let expected = h.server.store.records("tickets").filter {
                $0["owner"]?["identifier"]?.stringValue == "jsmith" && $0["closedFlag"]?.boolValue == false
            }.count
            #expect(out == "\(expected)\n")
        }
    }

    @Test func relativeImportsAndCycles() async throws {
        let directory = try TemporaryFolder.make("cwql-imports")
        try TemporaryFolder.write(
            "def helped() = tickets where board = Help\nimport \"b\"\n",
            named: "a.cwql",
            in: directory
        )
        try TemporaryFolder.write("import \"a.cwql\"\n", named: "b.cwql", in: directory)
        try TemporaryFolder.write("def alerted() = tickets where board = Alerts\n", named: "c.cwql", in: directory)
        try await withRuntime { h in
            let main = directory.appendingPathComponent("main.cwql").path
            let out = try await h.run("import \"c\"\nc.alerted() | count", name: main)
            let alerts = h.server.store.records("tickets").filter { $0["board"]?["name"]?.stringValue == "Alerts" }
                .count
            #expect(out == "\(alerts)\n")
            let cycle = try #require(await h.failureNamed("import \"a\"", name: main))
            #expect(cycle.description.contains("import cycle: a.cwql → b.cwql → a.cwql"))
            let missing = try #require(await h.failureNamed("import \"alert\"", name: main))
            #expect(missing.description.contains("did you mean `alerts`?"))
            #expect(missing.kind == .compile)
        }
    }

    @Test func errorsCarryLocationsAndStopTheScript() async throws {
        try await withRuntime { h in
            let error = try #require(await h.failure("print \"first\"\ntickets where bord = 1\nprint \"never\""))
            #expect(error.kind == .compile)
            #expect(error.description.contains("--> test.cwql:2:15"))
            #expect(h.output.stdout.isEmpty)  // a compile error stops before anything runs
            let runtime = try #require(await h.failure("print \"first\"\nticket 999999\nprint \"never\""))
            #expect(runtime.kind == .runtime)
            #expect(runtime.description.contains("--> test.cwql:2:1"))
            #expect(h.output.stdout == "first\n")
            let arity = try #require(await h.failure("stale(1, 2) | count"))
            #expect(arity.description.contains("`stale` takes 1 argument (days), not 2"))
        }
    }

    @Test func embeddedStdlibMatchesTheFolder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("stdlib")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".cwql") }
            .sorted()
        #expect(files.map { String($0.dropLast(5)) } == StandardLibrary.moduleNames)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(
                StandardLibrary.module(named: String(file.dropLast(5))) == text,
                "stdlib/\(file) is not embedded: list it in Package.swift (.embedInCode) and StandardLibrary.modules"
            )
        }
    }
}

extension RuntimeHarness {
    func failureNamed(_ text: String, name: String) async -> RuntimeError? {
        do {
            try await interpreter.run(SourceFile(name: name, text: text))
            return nil
        } catch {
            return error  // run throws only RuntimeError
        }
    }
}

/// Modules have their own scope and a namespace (SPEC 6.2): a script's variables never change
/// what a module's definitions do, and a module's names are reached through its namespace.
@Suite("Interpreter: the profile's member and time zone")
struct ProfileContextTests {
    @Test func meSelectsTheProfilesMembersTickets() async throws {
        try await withRuntime(options: { $0.me = "jsmith" }) { h in
            let expected = h.server.store.records("tickets").filter {
                $0["owner"]?["identifier"]?.stringValue == "jsmith" && $0["closedFlag"]?.boolValue == false
            }.count
            #expect(expected > 0)
            let counted = try await h.run("tickets where owner = me and closed = false | count")
            #expect(counted == "\(expected)\n")
        }
    }
}

@Suite("Interpreter: module scopes and namespaces")
struct ModuleScopeTests {
    @Test func variablesLiveInTheLevelThatMadeThem() async throws {
        try await withRuntime { h in
            let out = try await h.run(
                #"""
                let x = "outer"
                def shout(word) {
                  let x = "inner"
                  print $x, $word
                }
                shout("hi")
                print $x
                for $t in (tickets | sort id | take 2) {
                  let last = $t.id
                  shout($t.id)
                }
                print $last
                """#
            )
            // A procedure's `let`s end with the call; a loop's stay; the loop variable does not.
            #expect(out == "inner hi\nouter\ninner 1\ninner 2\n2\n")
            let leaked = try #require(await h.failure("print $t"))
            #expect(leaked.description.contains("unknown variable `$t`"))
        }
    }

    @Test func aModuleRunsAsItWasCheckedNotReadAgain() async throws {
        let folder = try TemporaryFolder.make("cwql-module")
        let module = folder.appendingPathComponent("greeting.cwql")
        try "def greet() {\n  print \"as checked\"\n}\n".write(to: module, atomically: true, encoding: .utf8)
        let script = SourceFile(
            name: folder.appendingPathComponent("main.cwql").path,
            text: "import \"greeting\"\ngreeting.greet()\n"
        )
        let checked = try Interpreter.check(script, variables: [:])
        #expect(checked.modules.keys.contains(module.path))
        // Changed after the check: the run executes what was checked (it read, parsed and
        // checked the module a second and a third time, and ran the new text).
        try "def greet() {\n  print \"read again\"\n}\n".write(to: module, atomically: true, encoding: .utf8)
        try await withRuntime { h in
            h.output.clear()
            try await h.interpreter.run(checked)
            #expect(h.output.stdout == "as checked\n")
        }
    }

    @Test func aScriptsVariableDoesNotChangeAModule() async throws {
        try await withRuntime { h in
            // alerts.cwql has `let alert_board = "Alerts"`; the script's own `alert_board` is another variable.
            try await h.run(
                #"""
                import "alerts"
                let alert_board = "Projects"
                alerts.alert_ticket("A-1") | count
                """#
            )
            let query = try #require(h.requests.first { $0.path == "/service/tickets/count" }?.query)
            #expect(query.contains("board/name%20%3D%20%22Alerts%22"))
            #expect(!query.contains("Projects"))
            #expect(try await h.run("print $alert_board") == "Projects\n")
        }
    }

    @Test func aModulesDefinitionsAreReachedThroughItsNamespace() async throws {
        try await withRuntime(options: { $0.assumeYes = true }) { h in
            let unqualified = try #require(await h.failure("import \"alerts\"\nalert_ticket(\"A-1\") | count"))
            #expect(unqualified.kind == .compile)
            #expect(unqualified.description.contains("`alerts.alert_ticket(…)`"))
            // `as` names the namespace; a second import of the same module under another name shares it.
            let out = try await h.run(
                #"""
                import "alerts" as a
                a.raise_alert("A-5", "Disk full on SRV05", "ACME", "C: 99%")
                import "alerts"
                print (alerts.alert_ticket("A-5") | count), (a.alert_ticket("A-5") | count)
                """#
            )
            #expect(out.hasSuffix("1 1\n"))
            let bad = try #require(await h.failure("import \"alerts\"\nalerts.nothing(\"x\") | count"))
            #expect(bad.description.contains("unknown query `alerts.nothing(…)`"))
        }
    }

    @Test func aModuleSeesThePreludeAndItsOwnImportsButNotTheScripts() async throws {
        let directory = try TemporaryFolder.make("cwql-modules")
        // The module uses the prelude's `open_tickets()` and a module of its own (as `h`).
        try TemporaryFolder.write("def on_help() = tickets where board = Help\n", named: "helpers.cwql", in: directory)
        try
            "import \"helpers.cwql\" as h\ndef open_help() = h.on_help() | where closed = false\ndef all_open() = open_tickets()\n"
            .write(to: directory.appendingPathComponent("desk.cwql"), atomically: true, encoding: .utf8)
        try TemporaryFolder.write("def mine() = tickets where owner = $who\n", named: "leaky.cwql", in: directory)
        try await withRuntime { h in
            let main = directory.appendingPathComponent("main.cwql").path
            let out = try await h.run("import \"desk\"\ndesk.open_help() | count", name: main)
            let expected = h.server.store.records("tickets").filter {
                $0["board"]?["name"]?.stringValue == "Help" && $0["closedFlag"]?.boolValue == false
            }.count
            #expect(out == "\(expected)\n")
            // `$who` is not the module's: the script's `let who` can't stand in for it.
            #expect(try await h.run("import \"desk\"\ndesk.all_open() | count", name: main).hasSuffix("\n"))
            let leak = try #require(
                await h.failureNamed("let who = \"jsmith\"\nimport \"leaky\"\nleaky.mine() | count", name: main)
            )
            #expect(leak.kind == .compile)
            #expect(leak.description.contains("unknown variable `$who`"))
            // The module's own import is not the script's.
            let hidden = try #require(await h.failureNamed("import \"desk\"\nh.on_help() | count", name: main))
            #expect(hidden.description.contains("unknown query `h.on_help(…)`"))
        }
    }
}
