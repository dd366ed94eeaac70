import Foundation
import Testing

@Suite("cwql translate, run as a user runs it")
struct TranslateCommandTests {
    let now = "--now=2026-11-22T15:30:00Z"

    @Test func aLongTicketQueryShowsTheSearchItIsSentAs() async throws {
        let ids = (1...400).map(String.init).joined(separator: ", ")
        let result = try await CommandRunner.run(["translate", "--url", "tickets where id in (\(ids)) | select id"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "POST /service/tickets/search?page=1&pageSize=1000")
        #expect(lines.dropFirst().first?.hasPrefix("  body: {\"conditions\":\"id in (1, 2, 3") == true)
        // Short ones stay GETs.
        let short = try await CommandRunner.run(["translate", "--url", "tickets where id in (1, 2) | select id"])
        #expect(short.stdout.hasPrefix("GET /service/tickets?conditions="))
    }

    @Test func printsTheConditionsString() async throws {
        let result = try await CommandRunner.run([
            "translate", "tickets where board = \"Help\" and status != Closed", now,
        ])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("conditions: board/name = \"Help\" and status/name != \"Closed\"\n"))
        #expect(result.stderr.isEmpty)
    }

    @Test func urlShowsEncodedRequests() async throws {
        let result = try await CommandRunner.run([
            "translate", "--url", now, "tickets where summary ~ \"a&b #1+2\" and entered > -7d | take 20",
        ])
        #expect(result.status == 0)
        #expect(
            result.stdout == """
                GET /service/tickets?conditions=summary%20contains%20%22a%26b%20%231%2B2%22%20and%20_info/dateEntered%20%3E%20%5B2026-11-15T15:30:00Z%5D&page=1&pageSize=20

                """
        )
    }

    @Test func urlShowsChildRequestsAndPagination() async throws {
        let result = try await CommandRunner.run(["translate", "--url", "agreements where name = \"MS\" | additions"])
        #expect(result.status == 0)
        #expect(
            result.stdout.contains(
                "GET /finance/agreements?conditions=name%20%3D%20%22MS%22&fields=id&page=1&pageSize=1000\n"
            )
        )
        #expect(result.stdout.contains("GET /finance/agreements/{id}/additions?page=1&pageSize=1000"))
        #expect(
            result.stdout.contains(
                "(repeated for each agreement, pages 2, 3, … as the first page's Link rel=\"last\" says)"
            )
        )
    }

    @Test func translateShowsTheRequestThatIsSent() async throws {
        let queries = [
            #"tickets where board = "Help" and status != Closed"#,
            #"tickets where summary ~ "a&b #1+2" | sort entered desc | take 20"#,
            #"tickets where board = Help | select id, summary | take 10"#,
            #"companies | select identifier, name"#,
            #"tickets where company = ACME | count"#,
        ]
        try await CWQLCommandTests.withSite(tickets: 60) { server, env, _ in
            for query in queries {
                let translated = try await CommandRunner.run([
                    "translate", "--url", "--now", "2026-11-22T15:30:00Z", query,
                ])
                let firstLine = translated.stdout.split(separator: "\n").first.map(String.init) ?? ""
                server.log.reset()
                let ran = try await CommandRunner.run(["-c", query, "--format", "jsonl"], environment: env)
                #expect(ran.status == 0, "\(query): \(ran.stderr)")
                // Pages started with page 1 (an export's prefetch) may arrive first: the first
                // request translate prints is one that was sent.
                let sent = server.log.all.filter { !$0.path.hasPrefix("/login") }
                let lines = sent.map { "\($0.method) \($0.path)\($0.query.isEmpty ? "" : "?" + $0.query)" }
                #expect(lines.contains(firstLine), "\(query): \(lines.prefix(3))")
            }
        }
    }

    @Test func jsonIsAPlan() async throws {
        let result = try await CommandRunner.run(["translate", "--json", "tickets where company = ACME | count"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let segments = object?["segments"] as? [[String: Any]]
        #expect(segments?.first?["conditions"] as? String == "company/identifier = \"ACME\"")
        #expect(segments?.first?["count"] as? Bool == true)
        let requests = object?["requests"] as? [[String: Any]]
        #expect(requests?.first?["path"] as? String == "/service/tickets/count")
    }

    @Test func variablesComeFromTheCommandLine() async throws {
        let result = try await CommandRunner.run(["translate", "--var", "board=Alerts", "tickets where board = $board"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("conditions: board/name = \"Alerts\"\n"))
    }

    @Test func compileErrorExitsTwoWithTheDiagnostic() async throws {
        let result = try await CommandRunner.run(["translate", "tickets where bord = \"Help\""])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("error: unknown field `bord` on tickets\n --> <query>:1:15\n"))
        #expect(result.stderr.contains("= help: did you mean `board`?"))
    }

    @Test(arguments: [
        ["translate"], ["translate", "tickets", "--bogus"], ["translat", "tickets"],
        ["translate", "tickets", "--now", "soon"],
        ["translate", "tickets", "--var", "noequals"],
    ])
    func usageErrorsExitTwo(arguments: [String]) async throws {
        let result = try await CommandRunner.run(arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func helpExitsZero() async throws {
        let result = try await CommandRunner.run(["translate", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--url"))
    }

    @Test func schemaListsEntitiesAndDescribesOne() async throws {
        let one = try await CommandRunner.run(["schema", "contacts"])
        #expect(one.status == 0)
        #expect(one.stdout.hasPrefix("contacts  /company/contacts  (model Contact, Companies > Contacts)\n"))
        #expect(one.stdout.contains("  writes: create, set, delete\n"))
        #expect(
            one.stdout.contains(
                "communicationItems      a list of contact communication item (conditions go to childConditions)"
            )
        )
        #expect(one.stdout.contains("gender                  one of Female, Male"))
        let search = try await CommandRunner.run(["schema", "sched"])
        #expect(search.status == 0)
        #expect(
            search.stdout.split(separator: "\n").contains {
                $0.hasPrefix("schedule_entries ") && $0.hasSuffix(" /schedule/entries")
            }
        )
        let all = try await CommandRunner.run(["schema"])
        #expect(all.stdout.split(separator: "\n").count >= 550)
        let missing = try await CommandRunner.run(["schema", "ticketz"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "error: no entity matches `ticketz`\n  = help: did you mean `tickets`?\n")
    }
}
