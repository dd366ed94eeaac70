import CWJSON
import CWQLLanguage
import CWQLRuntime
import CWQLTestSupport
import ConnectWiseClient
import ConnectWiseSimulator
import Foundation
import Synchronization

/// Captures what a run prints.
final class CapturedOutput: OutputSink {
    private let out = Mutex("")
    private let err = Mutex("")
    private let outputWrites = Mutex(0)
    func standardOutput(_ text: String) {
        out.withLock { $0 += text }
        outputWrites.withLock { $0 += 1 }
    }
    /// How many pieces standard output was written in (a streamed result writes many).
    var writes: Int { outputWrites.withLock { $0 } }
    func standardError(_ text: String) { err.withLock { $0 += text } }
    var stdout: String { out.withLock { $0 } }
    var stderr: String { err.withLock { $0 } }
    func clear() {
        outputWrites.withLock { $0 = 0 }
        out.withLock { $0 = "" }
        err.withLock { $0 = "" }
    }
}

/// An interpreter wired to a real client and a simulated site (in process, no port), with the
/// tests' fixed clock.
struct RuntimeHarness {
    let site: SimulatedSite
    let client: ConnectWiseClient
    let interpreter: Interpreter
    let output: CapturedOutput
    var server: SimulatorServer { site.server }

    static func start(
        tickets: Int = 300,
        options configureOptions: (inout RunOptions) -> Void = { _ in },
        clock: (@Sendable () -> UTCDate)? = nil,
        _ configure: (inout SimulatorConfiguration) -> Void = { _ in }
    ) async throws -> RuntimeHarness {
        let site = try await SimulatedSite.start(tickets: tickets, configure: configure)
        let client = site.client(timeout: 60)
        var options = RunOptions()
        options.style.width = 200
        configureOptions(&options)
        let output = CapturedOutput()
        let now = SimulatedSite.now
        let interpreter = Interpreter(client: client, options: options, output: output, clock: clock ?? { now })
        try await interpreter.loadPrelude()
        return RuntimeHarness(site: site, client: client, interpreter: interpreter, output: output)
    }

    /// Runs a script and returns what it printed on standard output.
    @discardableResult
    func run(_ text: String, name: String = "test.cwql") async throws -> String {
        output.clear()
        server.log.reset()
        try await interpreter.run(SourceFile(name: name, text: text))
        return output.stdout
    }

    /// Runs a script that must fail, returning the error.
    func failure(_ text: String) async -> RuntimeError? {
        output.clear()
        server.log.reset()
        do {
            try await interpreter.run(SourceFile(name: "test.cwql", text: text))
            return nil
        } catch {
            return error
        }
    }

    /// API requests of the last run (discovery left out).
    var requests: [LoggedRequest] { server.log.all.filter { !$0.path.hasPrefix("/login") } }

    func stop() async {
        await server.stop()
    }
}

func withRuntime(
    tickets: Int = 300,
    options: (inout RunOptions) -> Void = { _ in },
    _ configure: (inout SimulatorConfiguration) -> Void = { _ in },
    _ body: (RuntimeHarness) async throws -> Void
) async throws {
    let harness = try await RuntimeHarness.start(tickets: tickets, options: options, configure)
    do {
        try await body(harness)
    } catch {
        await harness.stop()
        throw error
    }
    await harness.stop()
}

/// The records of `--format jsonl` output, one per line.
func jsonLines(_ out: String) throws -> [JSON] {
    try out.split(separator: "\n").map { try JSONParser.parse(String($0)) }
}
