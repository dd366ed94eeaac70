import ConnectWiseSimulator
import Foundation
import Testing

@Suite("The REPL on a pseudo-terminal")
struct REPLTests {
    func home() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cwql-repl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func completionMultiLineCtrlCAndHistory() async throws {
        let home = try home()
        let terminal = try PseudoTerminal(["demo", "--tickets", "60"], environment: ["HOME": home, "XDG_STATE_HOME": ""])
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
        let afterError = shown.range(of: "did you mean `board`?").map { shown.distance(from: shown.startIndex, to: $0.upperBound) } ?? mark
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

    @Test func ctrlCCancelsARunningQueryAndTheREPLLivesOn() async throws {
        var configuration = SimulatorConfiguration()
        configuration.tickets = 50
        configuration.latencyMilliseconds = 4000
        let server = try await SimulatorServer.start(configuration)
        let terminal = try PseudoTerminal([], environment: [
            "HOME": try home(), "CW_SITE": server.baseURL, "CW_COMPANY": "demo", "CW_PUBLIC_KEY": "demo-public",
            "CW_PRIVATE_KEY": "demo-private-key-0123456789", "CW_CLIENT_ID": configuration.defaultClientId,
        ])
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
        await server.stop()
    }
}
