import ArgumentParser
import CWQLLanguage
import CWQLRuntime
import ConnectWiseClient
import Foundation

extension OutputFormat: ExpressibleByArgument {}

/// Options of commands that run cwql statements.
struct ScriptOptions: ParsableArguments {
    @Option(help: "Output format: table, json, jsonl or csv.")
    var format: OutputFormat = .table

    @Flag(name: .customLong("dry-run"), help: "Print every write as METHOD path + body and send none.")
    var dryRun = false

    @Flag(help: "Confirm bulk writes and deletes without asking.")
    var yes = false

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable (repeatable).", valueName: "name=value"))
    var variables: [String] = []

    mutating func validate() throws {
        for assignment in variables {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ValidationError("--var takes name=value, not '\(assignment)'")
            }
            let name = assignment[..<equals].drop { $0 == "$" }
            guard let first = name.first, first.isLetter || first == "_", name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ValidationError("--var name '\(name)' is not a valid variable name")
            }
        }
    }

    var parsedVariables: [String: String] {
        var result: [String: String] = [:]
        for assignment in variables {
            let equals = assignment.firstIndex(of: "=")!
            result[String(assignment[..<equals].drop { $0 == "$" })] = String(assignment[assignment.index(after: equals)...])
        }
        return result
    }
}

/// Prints to the process's standard streams.
struct ProcessOutput: OutputSink {
    func standardOutput(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
    func standardError(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

/// Builds an interpreter for the resolved connection and runs sources through it, mapping
/// failures to exit statuses.
struct ScriptRunner {
    let connection: ConnectionOptions
    let script: ScriptOptions
    var confirm: (@Sendable (String) async -> Bool)? = nil
    /// Credentials to use instead of resolving them (`cwql demo`).
    var fixedCredentials: Credentials? = nil
    /// Where results and reports go.
    var output: any OutputSink = ProcessOutput()

    func makeInterpreter() throws -> (Interpreter, ConnectWiseClient) {
        let credentials: Credentials
        do {
            credentials = try fixedCredentials ?? connection.credentials().credentials
        } catch {
            throw fail(error)
        }
        let client = connection.makeClient(credentials)
        var options = RunOptions()
        options.format = script.format
        options.dryRun = script.dryRun
        options.assumeYes = script.yes
        options.variables = script.parsedVariables
        options.confirm = confirm
        options.width = TerminalSize.columns()
        return (Interpreter(client: client, options: options, output: output), client)
    }

    /// Runs one source; on failure prints the diagnostics and exits with their status.
    func run(_ source: SourceFile) async throws {
        do {
            try Interpreter.check(source)  // a typo is reported even before credentials are needed
        } catch {
            standardError(error.description)
            throw ScriptRunner.status(of: error).exitCode
        }
        let (interpreter, client) = try makeInterpreter()
        do {
            try await interpreter.loadPrelude()
            try await interpreter.run(source)
            await client.shutdown()
        } catch {
            await client.shutdown()
            standardError(error.description)
            throw ScriptRunner.status(of: error).exitCode
        }
    }

    static func status(of error: RuntimeError) -> ExitStatus {
        switch error.kind {
        case .compile: return .usage
        case .runtime: return .runtime
        case .configuration: return .configuration
        }
    }
}

/// The terminal's width, or a wide default when output is not a terminal.
enum TerminalSize {
    static func columns() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let value = Int(text), value > 20 { return value }
        return 160
    }
}
