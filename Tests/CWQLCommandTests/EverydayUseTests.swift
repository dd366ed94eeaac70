import ConnectWiseSimulator
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a new user runs into in the first hour: pipes, the whole-script check, silent wrong
/// answers, output, help and config.
@Suite("Everyday use: pipes, the check before running, output, help and config")
struct EverydayUseTests {
    /// Runs cwql with standard output read by something that stops after the first line, as
    /// `cwql … | head -1` does; returns how it ended and what it wrote on stderr.
    static func runIntoClosedPipe(
        _ arguments: [String],
        environment: [String: String]
    ) async throws
        -> (reason: Process.TerminationReason, status: Int32, stderr: String)
    {
        try await ChildSlots.with {
            try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    do {
                        let process = CommandRunner.makeProcess(arguments, environment: environment)
                        let out = Pipe()
                        let err = Pipe()
                        process.standardOutput = out
                        process.standardError = err
                        process.standardInput = FileHandle.nullDevice
                        try process.run()
                        // Read up to the first line break, then close the reading end.
                        var seen = Data()
                        while !seen.contains(UInt8(ascii: "\n")) {
                            let chunk = out.fileHandleForReading.availableData
                            if chunk.isEmpty { break }
                            seen += chunk
                        }
                        try out.fileHandleForReading.close()
                        let stderr = err.fileHandleForReading.readDataToEndOfFile()
                        process.waitUntilExit()
                        continuation.resume(
                            returning: (
                                process.terminationReason, process.terminationStatus,
                                String(decoding: stderr, as: UTF8.self)
                            )
                        )
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
        }
    }

    @Test(arguments: ["table", "json", "jsonl", "csv"])
    func pipingIntoHeadEndsQuietly(format: String) async throws {
        // 1,500 tickets are far more than a pipe holds, so cwql is still writing when the reader goes.
        try await withSite(tickets: 1500) { _, env, _ in
            let ended = try await EverydayUseTests.runIntoClosedPipe(
                ["-c", "tickets", "--format", format],
                environment: env
            )
            // Ended by SIGPIPE (the shell shows 141) or with status 0; never a crash or a message.
            let quiet =
                (ended.reason == .uncaughtSignal && ended.status == SIGPIPE)
                || (ended.reason == .exit && ended.status == 0)
            #expect(quiet, "ended with \(ended.reason) \(ended.status)")
            #expect(ended.stderr.isEmpty, "stderr: \(ended.stderr.prefix(300))")
        }
    }

    @Test func resultsGatheredForAPipeComeWholeAndBeforeTheErrorAfterThem() async throws {
        // Results to a pipe are written in large pieces; none may be lost when the run ends in
        // an error, and in a log of both streams they come before the message that follows them.
        try await withSite(tickets: 1500) { _, env, _ in
            let statements = "tickets | select id, summary; ticket 999999"
            let result = try await CommandRunner.run(
                ["-c", #"exec "$0" "$@" 2>&1"#, CommandRunner.executable.path, "-c", statements, "--format", "jsonl"],
                environment: env.merging(["CWQL_RUNNER_SHELL": "1"]) { _, new in new }
            )
            #expect(result.status == 1)
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.prefix(1500).allSatisfy { $0.hasPrefix(#"{"id":"#) })
            #expect(lines.dropFirst(1500).first?.hasPrefix("error: not found") == true, "\(lines.dropFirst(1500))")
            #expect(lines.dropFirst(1500).allSatisfy { !$0.hasPrefix(#"{"id":"#) })
        }
    }

    @Test func aMistakeAfterAWriteStopsTheScriptBeforeTheWrite() async throws {
        try await withSite(tickets: 60) { server, env, home in
            let notesBefore = server.store.records("ticket_notes").count
            let mistakes: [(script: String, message: String)] = [
                ("print $nope", "unknown variable `$nope`"),
                ("nope(3)", "unknown query `nope(…)`"),
                ("def f(a) { print $a }\nf(1, 2)", "`f` takes 1 argument (a), not 2"),
                ("stale(1, 2) | count", "`stale` takes 1 argument (days), not 2"),
                ("print $board", "pass `--var board=…`"),
                ("let t = tickets | take 1\nfor $x in $t { print $x.sumary }", "which have no field `sumary`"),
                ("import \"nosuchmodule\"", "cannot import \"nosuchmodule\""),
                // A write the spec does not list, and a field or enum value the spec does not have.
                ("ticket_info | delete", "ConnectWise's API has no DELETE on /service/tickets/info/{id}"),
                ("tickets where dateEntered > -1d | count", "unknown field `dateEntered` on tickets"),
                ("time_entries where billableOption = Billabel | count", "did you mean `Billable`?"),
            ]
            for (index, mistake) in mistakes.enumerated() {
                let path = "\(home)/mistake\(index).cwql"
                try "tickets where id = 20 | note \"x\" internal\n\(mistake.script)\n".write(
                    toFile: path,
                    atomically: true,
                    encoding: .utf8
                )
                let result = try await CommandRunner.run(["run", path], environment: env)
                #expect(result.status == 2, "\(mistake.script)")
                #expect(result.stderr.contains(mistake.message), "\(result.stderr)")
                // The same through a pipe: everything waiting in it is checked before anything runs.
                let piped = try await CommandRunner.run(
                    [],
                    stdin: "tickets where id = 20 | note \"x\" internal\n\(mistake.script)\n",
                    environment: env
                )
                #expect(piped.status == 2, "\(mistake.script)")
            }
            #expect(server.store.records("ticket_notes").count == notesBefore)
            // A --var makes the same script run.
            let path = "\(home)/withvar.cwql"
            try "print $board\n".write(toFile: path, atomically: true, encoding: .utf8)
            let given = try await CommandRunner.run(["run", path, "--var", "board=Help"], environment: env)
            #expect(given.status == 0)
            #expect(given.stdout == "Help\n")
        }
    }

    @Test func recordsCompareByIdAndVarListsSplit() async throws {
        try await withSite(tickets: 200) { server, env, _ in
            let companies = server.store.records("companies").filter { ($0["name"]?.stringValue ?? "").contains("a") }
            let ids = Set(companies.compactMap { $0["id"]?.intValue })
            let expected = server.store.records("tickets").filter { ids.contains($0["company"]?["id"]?.intValue ?? -1) }
                .count
            let result = try await CommandRunner.run(
                [],
                stdin: "let cos = companies where name ~ \"a\"\ntickets where company in $cos | count\n",
                environment: env
            )
            #expect(result.status == 0)
            #expect(result.stdout == "\(expected)\n")
            #expect(expected > 0)
            let refused = try await CommandRunner.run(
                [],
                stdin: "let cos = companies where name ~ \"a\"\ntickets where summary in $cos | count\n",
                environment: env
            )
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("holds records"))

            let acmeGlobex = server.store.records("tickets").filter {
                ["ACME", "GLOBEX"].contains($0["company"]?["identifier"]?.stringValue ?? "")
            }.count
            let list = try await CommandRunner.run(
                ["-c", "tickets where company in $list | count", "--var", "list=ACME,GLOBEX"],
                environment: env
            )
            #expect(list.stdout == "\(acmeGlobex)\n")
            let translated = try await CommandRunner.run(["translate", "--var", "id=5", "tickets where id = $id"])
            #expect(translated.status == 0)
            #expect(translated.stdout.hasPrefix("conditions: id = 5\n"))
        }
    }

    @Test func outputIsNotCutOffATerminalAndHasItsOptions() async throws {
        try await withSite(tickets: 30) { server, env, _ in
            let long = String(repeating: "wide ", count: 60) + "end"
            _ = try await CommandRunner.run(
                ["-c", "create ticket { summary: \"\(long.prefix(100))\", board: \"Help\", company: ACME }"],
                environment: env
            )
            let table = try await CommandRunner.run(
                ["-c", "tickets where summary ~ \"wide wide\" | select id, summary"],
                environment: env
            )
            #expect(table.stdout.contains(String(long.prefix(100))))
            let bare = try await CommandRunner.run(
                ["-c", "tickets where id <= 2 | sort id | select id", "--no-header"],
                environment: env
            )
            #expect(bare.stdout == "1\n2\n")
            let csv = try await CommandRunner.run(
                ["-c", "tickets where id <= 2 | sort id | select id", "--no-header", "--format", "csv"],
                environment: env
            )
            #expect(csv.stdout == "1\n2\n")
            _ = try await CommandRunner.run(
                ["-c", "create ticket { summary: \"a, \\\"b\\\"\", board: \"Help\", company: ACME }"],
                environment: env
            )
            let grouped = try await CommandRunner.run(
                ["-c", "tickets where summary ~ \"a, \" | count by summary", "--format", "csv"],
                environment: env
            )
            #expect(grouped.stdout == "summary,count\n\"a, \"\"b\"\"\",1\n")
            let null = try await CommandRunner.run(
                ["-c", "tickets where id = 1 | select id, closedDate"],
                environment: env
            )
            #expect(null.stdout.contains("| (null)"))
            let printed = try await CommandRunner.run(
                [],
                stdin: "print \"x\", 2\ntickets where id = 1 | select id\n",
                environment: env + ["": ""]
            )
            #expect(printed.stdout.hasPrefix("x 2\n"))
            let json = try await CommandRunner.run(
                ["--format", "json"],
                stdin: "print \"x\", 2\ntickets where id = 1 | select id\n",
                environment: env
            )
            #expect(json.stdout == "[\"x\",2]\n[\n  {\"id\":1}\n]\n")
            let meta = try await CommandRunner.run(
                [],
                stdin: ".format\n.format csv\n.format\ntickets where id = 1 | select id\n.timing\n",
                environment: env
            )
            #expect(meta.stdout == "format: table\nformat: csv\nid\n1\ntiming: off\n")
            // A `.schema` that matches nothing is an error on stderr, as `cwql schema` says it, not output.
            let schema = try await CommandRunner.run([], stdin: ".schema tickts\n.schema boards\n", environment: env)
            #expect(schema.stderr.contains("error: no entity matches `tickts`"))
            #expect(schema.stderr.contains("did you mean `tickets`"))
            #expect(!schema.stdout.contains("no entity matches"))
            #expect(schema.stdout.hasPrefix("boards  /service/boards"))
            _ = server
        }
    }

    @Test func theREPLsHelpListsEveryKeywordAndMetaCommand() async throws {
        let help = try await CommandRunner.run(["demo", "--tickets", "5"], stdin: ".help\n.help stages\n")
        #expect(help.status == 0)
        for keyword in ["let", "def", "import", "for", "if", "print", "create", "upsert"] {
            #expect(help.stdout.contains(keyword), "\(keyword)")
        }
        for stage in [
            "where", "select", "sort", "take", "first", "count", "note", "set", "close", "assign", "log", "delete",
        ] {
            #expect(help.stdout.contains(stage), "\(stage)")
        }
        for command in [
            ".help", ".schema", ".translate", ".explain", ".format", ".expanded", ".output", ".dry-run", ".timing",
            ".profile", ".run", ".quit",
        ] {
            #expect(help.stdout.contains(command), "\(command)")
        }
    }

    @Test func helpVersionAndAStatementWhereAFileBelongs() async throws {
        let help = try await CommandRunner.run(["--help"])
        #expect(help.status == 0)
        for option in [
            "-c <statement>", "--format <format>", "--profile <profile>", "--no-header", "--generate-completion-script",
        ] {
            #expect(help.stdout.contains(option), "\(option)")
        }
        let version = try await CommandRunner.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("cwql "))
        let statement = try await CommandRunner.run(["tickets | count"])
        #expect(statement.status == 2)
        #expect(statement.stderr.contains("cwql -c 'tickets | count'"))
        let usage = try await CommandRunner.run(["translate"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("Usage: cwql translate <query>"))
    }

    @Test func aLowOpenFileLimitIsExplainedNotACrash() async throws {
        // NIO stops the process with SIGILL when it runs out of descriptors; cwql checks first.
        for arguments in [["demo"], ["sim", "--port", "0"]] {
            let refused = try await CommandRunner.run(arguments, stdin: "tickets | count\n", openFiles: 12)
            #expect(refused.status == 3, "\(arguments)")
            #expect(refused.stderr.contains("the open-file limit is 12 (ulimit -n)"), "\(arguments)")
        }
        // Room for a few connections: fewer requests in flight than asked, said once, and the answer.
        try await CWQLCommandTests.withSite(tickets: 3000) { _, env, _ in
            let fewer = try await CommandRunner.run(
                ["-c", "tickets | select id | count by closedFlag", "--concurrency", "64", "--format", "csv"],
                environment: env,
                openFiles: 40
            )
            #expect(fewer.status == 0)
            #expect(fewer.stderr.contains("leaves room for 12 requests in flight, not 64"))
            #expect(
                fewer.stdout.split(separator: "\n").dropFirst().compactMap { Int($0.split(separator: ",").last ?? "") }
                    .reduce(0, +) == 3000
            )
        }
    }

    @Test func oneMistakeGetsOneMessageWhereverItIsMade() async throws {
        // An unknown name is reported by the same words under translate, -c and a script (the
        // checker, the planner and the interpreter share one definition of each message).
        for (statement, message) in [
            ("wigets | count", "unknown entity `wigets`"), ("tikets | count", "unknown entity `tikets`"),
        ] {
            let translated = try await CommandRunner.run(["translate", statement])
            let run = try await CommandRunner.run(["-c", statement], environment: ["CW_SITE": "http://127.0.0.1:9"])
            #expect(translated.status == 2 && run.status == 2)
            func diagnostic(_ text: String) -> [String] {
                text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("error:") || $0.contains("= help:") }
            }
            #expect(diagnostic(translated.stderr) == diagnostic(run.stderr), "\(statement)")
            #expect(translated.stderr.contains(message))
        }
        let unknown = try await CommandRunner.run(["translate", "wigets"])
        #expect(unknown.stderr.contains("common sources: tickets"))
    }

    @Test func hintsNameCwqlsSpelling() async throws {
        let cases = [
            ("tickets where id == 1", "cwql compares with a single `=`"),
            ("tickets where id <> 1", "`<>` is `!=` in cwql"),
            ("tickets where id = 1 && id = 2", "`&&` is `and` in cwql"),
            ("tickets | limit 10", "cwql writes `take N`"),
            ("tickets | order by id", "cwql writes `sort FIELD [asc|desc]`"),
            ("tickets | take", "expected"),
        ]
        for (query, hint) in cases {
            let result = try await CommandRunner.run(["translate", query])
            #expect(result.status == 2, "\(query)")
            #expect(result.stderr.contains(hint), "\(query): \(result.stderr)")
        }
    }

    @Test func aHungServerFailsWithinTheTimeout() async throws {
        // A site that answers discovery and then never answers an API request.
        let server = try HungSite()
        defer { server.stop() }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cwql-hung-\(UUID().uuidString)").path
        let env = [
            "HOME": home, "XDG_CONFIG_HOME": "", "XDG_STATE_HOME": "", "CW_SITE": "http://127.0.0.1:\(server.port)",
            "CW_COMPANY": "demo",
            "CW_PUBLIC_KEY": "p", "CW_PRIVATE_KEY": "k", "CW_CLIENT_ID": "c",
        ]
        let result = try await CommandRunner.run(["-c", "tickets | count", "--timeout", "0.5"], environment: env)
        #expect(result.status == 1)
        #expect(result.stderr.contains("within 0.5 s"), "\(result.stderr)")
        // The timeout covers the request with its retries: one try, not six tries of 0.5 s each
        // (counting requests, not seconds, so a busy machine cannot change the answer).
        #expect(server.apiRequests == 1)
    }
}

/// A loopback HTTP server that answers `/login/companyinfo` and leaves every other request
/// without an answer (a hung ConnectWise).
final class HungSite: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var open: [Int32] = []
    private var count = 0
    private var stopped = false

    var apiRequests: Int { lock.withLock { count } }

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { return }
            var buffer = [UInt8](repeating: 0, count: 8192)
            let count = read(connection, &buffer, buffer.count)
            let request = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
            if request.contains("/login/companyinfo") {
                let body =
                    #"{"CompanyName":"Hung","Codebase":"v4_6_release/","VersionCode":"v2025.1","CompanyID":"demo","IsCloud":false}"#
                let answer =
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
                _ = answer.withCString { write(connection, $0, strlen($0)) }
                close(connection)
            } else {
                lock.withLock {
                    self.count += 1
                    open.append(connection)
                }
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        lock.withLock { for connection in open { close(connection) } }
    }
}

private func + (lhs: [String: String], rhs: [String: String]) -> [String: String] {
    lhs.merging(rhs) { _, new in new }
}
