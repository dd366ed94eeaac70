import ConnectWiseSimulator
import Foundation
import Testing

@Suite("cwql -c, cwql run, scripts on stdin and #! files, as a user runs them")
struct ScriptCommandTests {
    func withSite(_ body: (SimulatorServer, [String: String], String) async throws -> Void) async throws {
        try await CWQLCommandTests.withSite(tickets: 120, { _ in }, body)
    }

    @Test func aServerIgnoringPageIdWritesNothingTwice() async throws {
        // At --concurrency 1 reads walk forward-only; a server that ignores pageId answers the
        // first page again, which used to be delivered again (two notes per ticket).
        try await CWQLCommandTests.withSite(tickets: 1500, { $0.quirks = [.pageIdIgnored] }) { server, env, _ in
            let result = try await CommandRunner.run(
                ["-c", "tickets | note \"twice?\"", "--concurrency", "1", "--yes"],
                environment: env
            )
            #expect(result.status == 1)
            #expect(result.stderr.contains("pageId was ignored"))
            #expect(!server.log.all.contains { $0.method == "POST" })
        }
    }

    @Test func dashCRunsOneStatement() async throws {
        try await withSite { server, env, _ in
            let result = try await CommandRunner.run(["-c", "tickets where board = Help | count"], environment: env)
            let expected = server.store.records("tickets").filter { $0["board"]?["name"]?.stringValue == "Help" }.count
            #expect(result.status == 0)
            #expect(result.stdout == "\(expected)\n")
            let json = try await CommandRunner.run(
                ["-c", "tickets where id = 1 | select id, summary", "--format", "json"],
                environment: env
            )
            #expect(json.stdout.hasPrefix("[\n  {\"id\":1,\"summary\":"))
        }
    }

    @Test func fromStandardInputReadsItWhereItIsFree() async throws {
        try await withSite { _, env, _ in
            let counted = try await CommandRunner.run(
                ["-c", "from stdin as csv | sum seats"],
                stdin: "company,seats\nACME,12\nGLOBEX,7\n",
                environment: env
            )
            #expect(counted.status == 0)
            #expect(counted.stdout.contains("19"))
            // A script read from standard input can't also read rows from it.
            let refused = try await CommandRunner.run([], stdin: "from stdin as csv | count\n", environment: env)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("the script is being read from it"))
            let bad = try await CommandRunner.run(
                ["-c", "from stdin as jsonl | count"],
                stdin: "{\"a\":1}\n{\"a\":\n",
                environment: env
            )
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("stdin:2: invalid JSON"))
        }
    }

    @Test func exitCodesFollowTheSpec() async throws {
        try await withSite { _, env, _ in
            let compile = try await CommandRunner.run(["-c", "tickets where bord = 1"], environment: env)
            #expect(compile.status == 2)
            #expect(compile.stderr.contains("--> <command>:1:15"))
            let runtime = try await CommandRunner.run(["-c", "ticket 999999"], environment: env)
            #expect(runtime.status == 1)
            #expect(runtime.stderr.contains("not found"))
            var wrongKey = env
            wrongKey["CW_PRIVATE_KEY"] = "wrong-key-123456"
            let auth = try await CommandRunner.run(["-c", "tickets | count"], environment: wrongKey)
            #expect(auth.status == 3)
            #expect(!auth.stderr.contains("wrong-key-123456"))
            let usage = try await CommandRunner.run(["-c", "tickets", "--format", "xml"], environment: env)
            #expect(usage.status == 2)
        }
    }

    @Test func prefetchStartsPagesAheadAndIsValidated() async throws {
        // The simulator answers no page before the six started together have arrived.
        try await CWQLCommandTests.withSite(tickets: 2500, { $0.listAnswersWaitForRequests = 6 }) { server, env, _ in
            server.log.reset()
            let result = try await CommandRunner.run(
                ["-c", "tickets | sort id | select id", "--format", "jsonl", "--concurrency", "6", "--prefetch", "5"],
                environment: env
            )
            #expect(result.status == 0)
            #expect(result.stdout.split(separator: "\n").count == 2500)
            // Three pages of 1,000 and three started past the end before page 1 said there were three.
            let pages = server.log.all.filter { $0.path == "/service/tickets" }
            #expect(pages.count == 6)
            let tooMany = try await CommandRunner.run(
                ["-c", "tickets", "--concurrency", "4", "--prefetch", "4"],
                environment: env
            )
            #expect(tooMany.status == 2)
            #expect(tooMany.stderr.contains("--prefetch must be between 0 and --concurrency - 1 (3)"))
        }
    }

    @Test func printedReadsToAPipeStartPagesAheadByDefaultAndNothingElseDoes() async throws {
        try await CWQLCommandTests.withSite(tickets: 300, { _ in }) { server, env, _ in
            func listRequests(_ arguments: [String]) async throws -> Int {
                server.log.reset()
                let result = try await CommandRunner.run(arguments + ["--concurrency", "6"], environment: env)
                #expect(result.status == 0, "\(result.stderr)")
                return server.log.all.filter { $0.method == "GET" && $0.path == "/service/tickets" }.count
            }
            // Standard output is a pipe here: an export. Page 1 and five pages started with it.
            let export = try await listRequests(["-c", "tickets | select id", "--format", "jsonl"])
            #expect(export == 6)
            let asked = try await listRequests(["-c", "tickets | select id", "--format", "jsonl", "--prefetch", "0"])
            #expect(asked == 1)
            // Whole records (pages of megabytes) and a read that feeds writes start nothing ahead.
            let whole = try await listRequests(["-c", "tickets", "--format", "jsonl"])
            #expect(whole == 1)
            let writes = try await listRequests(["-c", #"tickets where id <= 3 | note "checked""#, "--yes"])
            #expect(writes == 1)
        }
    }

    @Test func theAPIRootIsRememberedBetweenRuns() async throws {
        try await withSite { server, env, home in
            server.log.reset()
            for _ in 0..<2 {
                let result = try await CommandRunner.run(["-c", "tickets | count"], environment: env)
                #expect(result.status == 0)
            }
            #expect(server.log.all.filter { $0.path.hasPrefix("/login/companyinfo") }.count == 1)
            #expect(FileManager.default.fileExists(atPath: "\(home)/.local/state/cwql/api-roots.json"))
            // doctor always asks.
            _ = try await CommandRunner.run(["doctor"], environment: env)
            #expect(server.log.all.filter { $0.path.hasPrefix("/login/companyinfo") }.count == 2)
        }
    }

    @Test func scriptsRunFromFilesStdinAndShebang() async throws {
        try await withSite { server, env, home in
            let script = """
                #!/usr/bin/env cwql
                let board = "Help"
                print "open on", $board
                tickets where board = $board and closed = false | count
                """
            let path = "\(home)/open.cwql"
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            let expected = server.store.records("tickets").filter {
                $0["board"]?["name"]?.stringValue == "Help" && $0["closedFlag"]?.boolValue == false
            }.count
            let viaRun = try await CommandRunner.run(["run", path], environment: env)
            #expect(viaRun.status == 0)
            #expect(viaRun.stdout == "open on Help\n\(expected)\n")
            let viaPath = try await CommandRunner.run([path], environment: env)
            #expect(viaPath.stdout == viaRun.stdout)
            let viaStdin = try await CommandRunner.run([], stdin: script, environment: env)
            #expect(viaStdin.status == 0)
            #expect(viaStdin.stdout == viaRun.stdout)
            let withVar = try await CommandRunner.run(["run", path, "--var", "board=Alerts"], environment: env)
            #expect(withVar.stdout.hasPrefix("open on Help"))  // the script's own let wins over --var
        }
    }

    @Test func writesNeedYesAndDryRunSendsNothing() async throws {
        try await withSite { server, env, _ in
            let before = server.store.count("ticket_notes")
            let refused = try await CommandRunner.run(
                ["-c", "tickets where board = Help | note \"bulk\""],
                environment: env
            )
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("nothing was changed"))
            let dry = try await CommandRunner.run(
                ["-c", "tickets where board = Help | note \"bulk\"", "--dry-run"],
                environment: env
            )
            #expect(dry.status == 0)
            #expect(dry.stdout.contains("POST /service/tickets/"))
            #expect(server.store.count("ticket_notes") == before)
            let done = try await CommandRunner.run(
                ["-c", "tickets where board = Help | note \"bulk\"", "--yes"],
                environment: env
            )
            #expect(done.status == 0)
            let help = server.store.records("tickets").filter { $0["board"]?["name"]?.stringValue == "Help" }.count
            #expect(server.store.count("ticket_notes") == before + help)
            #expect(done.stderr.contains("note: \(help) tickets done"))
        }
    }

    @Test func demoRunsStatementsFromStdin() async throws {
        let result = try await CommandRunner.run(
            ["demo", "--tickets", "50", "--format", "csv"],
            stdin: "tickets where id <= 2 | select id\n",
            environment: ["HOME": "/nonexistent"]
        )
        #expect(result.status == 0)
        #expect(result.stdout == "id\n1\n2\n")
    }

    @Test func missingScriptsAndMistypedCommandsAreExplained() async throws {
        let missing = try await CommandRunner.run(["/no/such/script.cwql"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such script file"))
        let typo = try await CommandRunner.run(["dmeo"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("did you mean `cwql demo`?"))
        // A mistake in the query is reported before missing credentials are.
        let typoWithoutSite = try await CommandRunner.run(
            ["-c", "tickets where bord = 1"],
            environment: ["HOME": "/nonexistent"]
        )
        #expect(typoWithoutSite.status == 2)
        #expect(typoWithoutSite.stderr.contains("--> <command>:1:15"))
        #expect(!typoWithoutSite.stderr.contains("missing site"))
        // Usage errors of plain `cwql` and `cwql -c` name what the user typed.
        let option = try await CommandRunner.run(["-c", "tickets", "--bogus"])
        #expect(option.status == 2)
        #expect(option.stderr.contains("Unknown option '--bogus'"))
        #expect(
            option.stderr.contains("Usage: cwql [-c <statement>] [--format <format>] [--profile <profile>] [<options>]")
        )
        #expect(!option.stderr.contains("shell"))
    }
}
