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

    @Flag(name: .customLong("no-header"), help: "Leave out the header row of tables and CSV (for shell loops).")
    var noHeader = false

    @Flag(
        name: .customLong("safe-csv"),
        help: "In CSV, write fields that start with = + - @ with a leading ' so spreadsheets do not run them."
    )
    var safeCSV = false

    @Flag(name: .customLong("dry-run"), help: "Print every write as METHOD path + body and send none.")
    var dryRun = false

    @Flag(help: "Confirm bulk writes and deletes without asking.")
    var yes = false

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable (repeatable).", valueName: "name=value"))
    var variables: [String] = []

    @Flag(help: "Poll each `watch` once, handle what changed since the last run, and exit (for cron).")
    var once = false

    @Option(help: ArgumentHelp("Pass over a change after its `watch` block failed this many times.", valueName: "n"))
    var attempts = 3

    /// How the script's watches run.
    var watchOptions: WatchOptions {
        var options = WatchOptions()
        options.once = once
        options.attempts = attempts
        return options
    }

    mutating func validate() throws {
        guard attempts >= 1 else { throw ValidationError("--attempts takes a whole number of 1 or more") }
        do {
            _ = try CommandLineVariables.parse(variables)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The `--var`s, typed (validated already).
    var parsedVariables: [String: Value] {
        (try? CommandLineVariables.parse(variables)) ?? [:]
    }
}

/// Prints to the process's standard streams.
struct ProcessOutput: OutputSink {
    func standardOutput(_ text: String) { StandardStreams.output(text) }
    func standardOutput(bytes: UnsafeBufferPointer<UInt8>) { StandardStreams.output(bytes: bytes) }
    func standardError(_ text: String) { StandardStreams.error(text) }
    func flush() { StandardStreams.flushOutput() }
}

/// Builds an interpreter for the resolved connection and runs sources through it, mapping
/// failures to exit statuses.
struct ScriptRunner {
    var connection: ConnectionOptions
    let script: ScriptOptions
    var confirm: (@Sendable (String) async -> Bool)? = nil
    /// Credentials to use instead of resolving them (`cwql demo`).
    var fixedCredentials: Credentials? = nil
    /// Where results and reports go.
    var output: any OutputSink = ProcessOutput()

    func makeInterpreter() throws -> (Interpreter, ConnectWiseClient) {
        let client: ConnectWiseClient
        let zone: LocalZone
        let me: String?
        do {
            let credentials = try fixedCredentials ?? connection.credentials().credentials
            client = try connection.makeClient(credentials)
            zone = try TimeZones.zone(named: credentials.timeZone)
            me = credentials.member
        } catch let error as TimeZoneError {
            standardError("error: \(error)")
            throw ExitStatus.configuration.exitCode
        } catch {
            throw fail(error)
        }
        var options = RunOptions()
        options.format = script.format
        options.dryRun = script.dryRun
        options.assumeYes = script.yes
        options.variables = script.parsedVariables
        options.confirm = confirm
        options.style.width = TerminalSize.columns()
        options.style.header = !script.noHeader
        options.style.neutralizeFormulas = script.safeCSV
        options.printedReadPrefetch = connection.exportPrefetch(outputIsTerminal: isatty(STDOUT_FILENO) != 0)
        options.zone = zone
        options.me = me
        // A session reads its entries from standard input (the REPL, `… | cwql`): `from stdin`
        // is refused there; `run FILE` and `-c` check their source with standard input free.
        options.data = DataLoader(standardInputIsFree: false)
        // The demo's simulator forgets its data when it stops: its runs are not journaled.
        options.stateDirectory = fixedCredentials == nil ? StateDirectory.path : nil
        return (Interpreter(client: client, options: options, output: output), client)
    }

    /// Runs one source; on failure prints the diagnostics and exits with their status. The
    /// whole source is checked before credentials are looked for. Ctrl-C or SIGTERM stops it
    /// between requests (a bulk write reports what it did and did not do) with status 130.
    func run(_ source: SourceFile) async throws {
        let checked = try check(source)
        let (interpreter, _) = try makeInterpreter()
        Interruption.install()
        let watchOptions = script.watchOptions
        let (interrupted, error) = await Interruption.run {
            try await interpreter.loadPrelude()
            try await interpreter.run(checked)
            try await interpreter.runEvents(watchOptions)
        }
        try ScriptRunner.finish(interrupted: interrupted, error: error)
    }

    /// Checks a whole source before anything runs; on failure prints the diagnostics and exits
    /// with their status.
    func check(_ source: SourceFile) throws -> CheckedProgram {
        do {
            return try Interpreter.check(source, variables: script.parsedVariables)
        } catch {
            standardError(error.description)
            throw ScriptRunner.status(of: error).exitCode
        }
    }

    /// Maps how a run ended to cwql's exit status, printing the error.
    static func finish(interrupted: Bool, error: (any Error)?) throws {
        if interrupted {
            standardError("cwql: interrupted")
            throw ExitCode(130)
        }
        guard let error else { return }
        if let error = error as? RuntimeError {
            standardError(error.description)
            throw ScriptRunner.status(of: error).exitCode
        }
        throw fail(error)
    }

    static func status(of error: RuntimeError) -> ExitStatus {
        switch error.kind {
        case .compile: return .usage
        case .runtime: return .runtime
        case .configuration: return .configuration
        }
    }
}

/// The terminal's width; nil when output is not a terminal, so that nothing is cut.
enum TerminalSize {
    static func columns() -> Int? {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return nil
    }
}
