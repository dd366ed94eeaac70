import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The REPL's pager on a real pseudo-terminal: it owns the terminal, `q` returns to the prompt,
/// and a pager that ends early never crashes cwql. Run as the session leader of the pty (a tmux
/// pane's command: no job control) and from an interactive shell (job control).
@Suite("The REPL pager on a pseudo-terminal", .serialized)
struct PagerTests {
    /// A query whose result is far taller than the 40-row terminal.
    static let tallQuery = "tickets | select id, summary"

    /// Types the tall query, waits for the pager's prompt, quits it with `q`, and checks that the
    /// REPL answers the next query.
    func pageAndQuit(_ terminal: PseudoTerminal, pagerPrompt: String, entry: String = PagerTests.tallQuery) async {
        #expect(await terminal.waitFor("cwql(demo)> "))
        var mark = terminal.text.count
        terminal.type(entry + "\r")
        #expect(await terminal.waitFor(pagerPrompt, after: mark), "the pager did not show its prompt")
        mark = terminal.text.count
        terminal.type("q")
        #expect(await terminal.waitFor("cwql(demo)> ", after: mark), "q did not return to the prompt")
        mark = terminal.text.count
        terminal.type("tickets | count\r")
        #expect(await terminal.waitFor("300", after: mark))
        #expect(!terminal.text.contains("Fatal error"))
    }

    @Test func lessWithoutJobControl() async throws {
        let terminal = try PseudoTerminal.demo(tickets: 300, environment: ["TERM": "xterm"], removing: ["PAGER"])
            .terminal
        await pageAndQuit(terminal, pagerPrompt: ":")
        terminal.type("\u{04}")
        #expect(await terminal.waitForExit() == 0)
    }

    @Test func moreWithoutJobControl() async throws {
        let terminal = try PseudoTerminal.demo(tickets: 300, environment: ["TERM": "xterm", "PAGER": "more"]).terminal
        await pageAndQuit(terminal, pagerPrompt: "--More--")
        terminal.type("\u{04}")
        #expect(await terminal.waitForExit() == 0)
    }

    @Test func aTallMetaCommandIsPagedToo() async throws {
        // `.schema contacts` lists 60-odd fields: taller than the terminal, so paged like a result.
        let terminal = try PseudoTerminal.demo(tickets: 300, environment: ["TERM": "xterm", "PAGER": "more"]).terminal
        await pageAndQuit(terminal, pagerPrompt: "--More--", entry: ".schema contacts")
        terminal.type("\u{04}")
        #expect(await terminal.waitForExit() == 0)
    }

    @Test func lessFromAnInteractiveShell() async throws {
        // bash -i puts cwql in a process group of its own and makes it the foreground one: the
        // pager must join that group, or it is stopped by SIGTTOU and cwql waits forever.
        let home = try PseudoTerminal.temporaryHome()
        let terminal = try PseudoTerminal(
            ["--norc", "--noprofile", "-i"],
            environment: ["HOME": home, "XDG_STATE_HOME": "", "TERM": "xterm", "PS1": "shell$ "],
            removing: ["PAGER"],
            program: "/bin/bash"
        )
        #expect(await terminal.waitFor("shell$ "))
        terminal.type("'\(CommandRunner.executable.path)' demo --tickets 300\r")
        await pageAndQuit(terminal, pagerPrompt: ":")
        var mark = terminal.text.count
        terminal.type("\u{04}")
        #expect(await terminal.waitFor("shell$ ", after: mark))
        mark = terminal.text.count
        terminal.type("echo \"status=$?\"\r")
        #expect(await terminal.waitFor("status=0", after: mark))
        terminal.type("exit\r")
        #expect(await terminal.waitForExit() == 0)
    }

    @Test func aPagerThatEndsEarlyLeavesTheREPLRunning() async throws {
        // `head -1` reads one line and exits: cwql's writes to it then fail with EPIPE (the result,
        // hundreds of KiB, is far more than a pipe holds).
        let terminal = try PseudoTerminal.demo(tickets: 1500, environment: ["PAGER": "head -1"]).terminal
        #expect(await terminal.waitFor("cwql(demo)> "))
        var mark = terminal.text.count
        terminal.type("tickets | select id, summary, status, company, board, priority | sort id\r")
        #expect(await terminal.waitFor("cwql(demo)> ", after: mark))
        mark = terminal.text.count
        terminal.type("tickets | count\r")
        #expect(await terminal.waitFor("1500", after: mark))
        #expect(!terminal.text.contains("Fatal error"))
        terminal.type("\u{04}")
        #expect(await terminal.waitForExit() == 0)
    }
}
