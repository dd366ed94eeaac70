import ConnectWiseSimulator
import Foundation
import Testing

@Suite("The REPL on a pseudo-terminal")
struct REPLTests {
    func home() throws -> String { try PseudoTerminal.temporaryHome() }

    @Test func completionMultiLineCtrlCAndHistory() async throws {
        let home = try home()
        let terminal = try PseudoTerminal.demo(tickets: 60, home: home).terminal
        #expect(await terminal.waitFor("cwql(demo)> "))
        var mark = terminal.text.count
        terminal.type("tickets wh\t")
        #expect(await terminal.waitFor("tickets where ", after: mark))
        terminal.type("id <= 3 |\r")
        #expect(await terminal.waitFor("...> ", after: mark))
        mark = terminal.text.count
        terminal.type("count\r")
        #expect(await terminal.waitFor("3\r\n", after: mark))
        mark = terminal.text.count
        terminal.type("garbage that is never run\u{03}")
        #expect(await terminal.waitFor("cwql(demo)> ", after: mark))
        mark = terminal.text.count
        terminal.type("tickets where id = 1 | count\r")
        #expect(await terminal.waitFor("1\r\n", after: mark))
        #expect(!terminal.text.contains("garbage that is never run\r\nerror"))
        mark = terminal.text.count
        terminal.type("let private_key = \"abc\"\r")
        terminal.type("tickets where bord = 1\r")
        #expect(await terminal.waitFor("did you mean `board`?", after: mark))
        let shown = terminal.text
        let afterError =
            shown.range(of: "did you mean `board`?").map { shown.distance(from: shown.startIndex, to: $0.upperBound) }
            ?? mark
        #expect(await terminal.waitFor("cwql(demo)> ", after: afterError))
        terminal.type("\u{04}")
        #expect(await terminal.waitForExit() == 0)
        let historyPath = "\(home)/.local/state/cwql/history"
        let history = try String(contentsOfFile: historyPath, encoding: .utf8)
        #expect(history.contains("tickets where id <= 3 | count\n"))
        #expect(history.contains("tickets where bord = 1\n"))
        #expect(!history.contains("private_key"))
        #expect(!history.contains("garbage"))
        var info = stat()
        #expect(stat(historyPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    /// A `watch` in the REPL shows what it handles as it goes, and Ctrl-C returns to the prompt.
    @Test func aWatchShowsChangesAsTheyComeUntilCtrlC() async throws {
        let terminal = try PseudoTerminal.demo(tickets: 60, home: try home()).terminal
        #expect(await terminal.waitFor("cwql(demo)> "))
        let mark = terminal.text.count
        terminal.type("watch tickets where id = 7 since -1000d every 1s { print \"seen \\($change.id)\" }\r")
        // Before Ctrl-C: the poll's output is on the screen while the watch goes on.
        #expect(await terminal.waitFor("seen 7\r\n", after: mark))
        terminal.type("\u{03}")
        #expect(await terminal.waitFor("cwql(demo)> ", after: mark))
        terminal.type("\u{04}")
        #expect(await terminal.waitForExit() == 0)
    }

    @Test func switchingProfilesKeepsTheSession() async throws {
        try await CWQLCommandTests.withSite(tickets: 30) { server, _, home in
            // Two profiles for the same simulator, in a private config file.
            let directory = "\(home)/.config/cwql"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let profile = { (name: String) in
                """
                [profiles.\(name)]
                site = "\(server.baseURL)"
                company = "demo"
                public_key = "demo-public"
                private_key = "demo-private-key-0123456789"
                client_id = "\(server.configuration.defaultClientId)"

                """
            }
            FileManager.default.createFile(
                atPath: "\(directory)/config.toml",
                contents: Data(("default_profile = \"first\"\n" + profile("first") + profile("second")).utf8),
                attributes: [.posixPermissions: 0o600]
            )
            let terminal = try PseudoTerminal(
                [],
                environment: ["HOME": home, "XDG_CONFIG_HOME": "", "XDG_STATE_HOME": ""]
            )
            #expect(await terminal.waitFor("cwql(first)> "))
            #expect(await terminal.enter("let seats = 42", until: "cwql(first)> "))
            #expect(await terminal.enter("def first_tickets(n) = tickets | sort id | take $n", until: "cwql(first)> "))
            #expect(await terminal.enter(".format csv", until: "cwql(first)> "))
            #expect(await terminal.enter(".profile second", until: "cwql(second)> "))
            #expect(await terminal.enter("print $seats", until: "42\r\ncwql(second)> "))
            #expect(await terminal.enter("first_tickets(2) | select id", until: "id\r\n1\r\n2\r\ncwql(second)> "))
            terminal.type(".quit\r")
            #expect(await terminal.waitForExit() == 0)
        }
    }

    @Test func ctrlCCancelsARunningQueryAndTheREPLLivesOn() async throws {
        try await withSite(tickets: 50, { $0.latencyMilliseconds = 4000 }) { _, environment, _ in
            let terminal = try PseudoTerminal([], environment: environment)
            #expect(await terminal.waitFor("cwql(default)> "))
            var mark = terminal.text.count
            terminal.type("tickets | count\r")
            #expect(await terminal.waitFor("tickets | count\r\n", after: mark))
            try await Task.sleep(nanoseconds: 300_000_000)
            terminal.type("\u{03}")
            #expect(await terminal.waitFor("cancelled", after: mark))
            mark = terminal.text.count
            terminal.type(".format json\r.help\r")
            #expect(await terminal.waitFor("Meta:", after: mark))
            terminal.type(".quit\r")
            #expect(await terminal.waitForExit() == 0)
        }
    }
}
