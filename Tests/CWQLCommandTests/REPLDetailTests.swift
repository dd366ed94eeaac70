import ConnectWiseSimulator
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The REPL's everyday details on a pseudo-terminal: Ctrl-C at a continuation prompt, the
/// one-key confirmation, history saved as it goes, strings over lines, completion, the expanded
/// view and `.output`.
@Suite("REPL details on a pseudo-terminal")
struct REPLDetailTests {
    func demo(tickets: Int = 60) throws -> (PseudoTerminal, home: String) {
        let (terminal, home) = try PseudoTerminal.demo(tickets: tickets)
        return (terminal, home)
    }

    @Test func ctrlCAtAContinuationPromptDiscardsTheEntry() async throws {
        let (terminal, _) = try demo()
        #expect(await terminal.waitFor("cwql(demo)> "))
        #expect(await terminal.enter("tickets where id <= 3 |", until: "...> "))
        var mark = terminal.text.count
        terminal.type("\u{03}")
        #expect(await terminal.waitFor("cwql(demo)> ", after: mark))
        mark = terminal.text.count
        #expect(await terminal.enter("tickets where id = 1 | count", until: "cwql(demo)> "))
        #expect(String(terminal.text.dropFirst(mark)).contains("\r\n1\r\n"))
        #expect(!String(terminal.text.dropFirst(mark)).contains("error"))
        terminal.type("\u{04}")
        #expect(await terminal.waitForExit() == 0)
    }

    @Test func theConfirmationTakesOnlyYOrN() async throws {
        let (terminal, _) = try demo(tickets: 30)
        #expect(await terminal.waitFor("cwql(demo)> "))
        var mark = terminal.text.count
        terminal.type("tickets | note \"bulk\" internal\r")
        #expect(await terminal.waitFor("note 30 tickets? [y/N] ", after: mark))
        // A query typed instead of an answer is not one (it holds an `n`): it is kept for the prompt.
        mark = terminal.text.count
        terminal.type("tickets | count\r")
        #expect(await terminal.waitFor("(kept for the prompt) note 30 tickets? [y/N] ", after: mark))
        #expect(!String(terminal.text.dropFirst(mark)).contains("nothing was changed"))
        terminal.type("y")
        #expect(await terminal.waitFor("note: 30 tickets done", after: mark))
        #expect(String(terminal.text.dropFirst(mark)).contains("[y/N] y\r\n"))
        #expect(await terminal.waitFor("cwql(demo)> tickets | count", after: mark))
        mark = terminal.text.count
        terminal.type("\r")
        #expect(await terminal.waitFor("30\r\n", after: mark))
        mark = terminal.text.count
        terminal.type("tickets | note \"again\" internal\r")
        #expect(await terminal.waitFor("[y/N] ", after: mark))
        terminal.type("\u{03}")
        #expect(await terminal.waitFor("nothing was changed", after: mark))
        terminal.type("\u{04}")
        #expect(await terminal.waitForExit() == 0)
    }

    @Test func historyIsSavedAfterEveryStatement() async throws {
        let (terminal, home) = try demo()
        #expect(await terminal.waitFor("cwql(demo)> "))
        #expect(await terminal.enter("tickets where id = 2 | count", until: "cwql(demo)> "))
        // A crash (SIGKILL) loses nothing typed before it.
        let pid = try #require(terminal.processIdentifier)
        kill(pid, SIGKILL)
        #expect(await terminal.waitForExit() != 0)
        let history = try String(contentsOfFile: "\(home)/.local/state/cwql/history", encoding: .utf8)
        #expect(history.contains("tickets where id = 2 | count\n"))
    }

    @Test func stringsContinueOverLinesAndATrailingStageIsAnError() async throws {
        let (terminal, _) = try demo()
        #expect(await terminal.waitFor("cwql(demo)> "))
        #expect(await terminal.enter("print \"two", until: "...> "))
        var mark = terminal.text.count
        #expect(await terminal.enter("lines\"", until: "cwql(demo)> "))
        #expect(String(terminal.text.dropFirst(mark)).contains("two\r\nlines\r\n"))
        mark = terminal.text.count
        #expect(await terminal.enter("tickets | take", until: "cwql(demo)> "))
        #expect(String(terminal.text.dropFirst(mark)).contains("error"))
        #expect(!String(terminal.text.dropFirst(mark)).contains("...>"))
        terminal.type("\u{04}")
        #expect(await terminal.waitForExit() == 0)
    }

    @Test func completionClosesAnImportOnce() async throws {
        let (terminal, _) = try demo()
        #expect(await terminal.waitFor("cwql(demo)> "))
        let mark = terminal.text.count
        terminal.type("import \"al\t")
        #expect(await terminal.waitFor("import \"alerts\"", after: mark))
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(!terminal.text.contains("\"alerts\"\""))
        terminal.type("\u{15}\u{04}")
        #expect(await terminal.waitForExit() == 0)
    }

    @Test func expandedViewOutputFileAndSettingsShown() async throws {
        let (terminal, home) = try demo()
        #expect(await terminal.waitFor("cwql(demo)> "))
        #expect(await terminal.enter("\\x", until: "expanded: on"))
        var mark = terminal.text.count
        #expect(await terminal.enter("tickets where id = 5 | select id, summary", until: "cwql(demo)> "))
        #expect(String(terminal.text.dropFirst(mark)).contains("-[ RECORD 1 ]"))
        #expect(String(terminal.text.dropFirst(mark)).contains("summary | "))
        #expect(await terminal.enter(".expanded auto", until: "expanded: auto"))
        mark = terminal.text.count
        #expect(await terminal.enter(".timing", until: "timing: off"))
        #expect(await terminal.enter(".format", until: "format: table"))
        let file = "\(home)/out.txt"
        #expect(await terminal.enter(".output \(file)", until: "output: \(file)"))
        mark = terminal.text.count
        #expect(await terminal.enter("tickets where id <= 4 | count", until: "cwql(demo)> "))
        #expect(!String(terminal.text.dropFirst(mark)).contains("\r\n4\r\n"))
        #expect(await terminal.enter(".output", until: "output: the terminal"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "4\n")
        #expect(await terminal.enter("\\q", until: "meta-commands start with a dot: .quit"))
        terminal.type("\u{04}")
        #expect(await terminal.waitForExit() == 0)
    }
}
