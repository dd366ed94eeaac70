import CWQLLanguage
import CWQLLineEditor
import CWQLRuntime
import ConnectWiseClient
import Foundation

/// A running session: the interpreter, its client and the settings meta-commands change.
/// The REPL and statements read from a pipe both drive one, so `.format`, `.schema` and the
/// others work in both (as sqlite3's dot-commands do).
final class Session: @unchecked Sendable {
    private(set) var interpreter: Interpreter
    private(set) var client: ConnectWiseClient
    private(set) var profile: String
    var timing = false
    let output: any OutputSink
    /// The REPL's output, when the session has one (pager, `.output FILE`).
    let replOutput: REPLOutput?
    private let runner: ScriptRunner
    private let isDemo: Bool

    init(runner: ScriptRunner, profile: String, isDemo: Bool) throws {
        self.runner = runner
        (interpreter, client) = try runner.makeInterpreter()
        self.profile = profile
        self.output = runner.output
        self.replOutput = runner.output as? REPLOutput
        self.isDemo = isDemo
    }

    /// Runs a meta-command line (`.format json`); false for `.quit`.
    func runMeta(_ line: String) async -> Bool {
        let command = MetaCommand(line)
        switch command.name {
        case ".quit", ".exit", ".q":
            return false
        case ".timing":
            switch command.argument {
            case "": say("timing: \(timing ? "on" : "off")")
            case "on", "off": timing = command.argument == "on"
            default: complain("error: .timing takes on or off (now \(timing ? "on" : "off"))")
            }
        case ".output":
            guard let replOutput else {
                complain("error: .output works in the REPL; redirect standard output instead")
                break
            }
            do {
                try replOutput.redirect(to: command.argument.isEmpty ? nil : command.argument)
                // On stderr: the results, not this note, go to the file.
                complain(command.argument.isEmpty ? "output: the terminal" : "output: \(command.argument)")
            } catch {
                complain("error: \(error)")
            }
        case ".profile":
            await switchProfile(command.argument)
        default:
            await MetaCommand.run(command, interpreter: interpreter, output: output)
        }
        replOutput?.flush(paged: true)
        return true
    }

    private func switchProfile(_ name: String) async {
        guard !name.isEmpty else {
            say(
                "profile: \(profile) (\(client.credentials.site.absoluteString), company \(client.credentials.company))"
            )
            return
        }
        guard !isDemo else {
            complain("error: the demo has no profiles")
            return
        }
        do {
            var options = runner.connection
            options.profile = name
            var switched = runner
            switched.connection = options
            let (next, nextClient) = try switched.makeInterpreter()
            try await next.loadPrelude()
            next.adoptSession(of: interpreter)
            next.runOptions = interpreter.runOptions
            (interpreter, client, profile) = (next, nextClient, name)
            say("profile: \(profile)")
        } catch {
            complain("error: cannot switch to profile \(name): \(error)")
        }
    }

    private func say(_ text: String) { output.standardOutput(text + "\n") }
    private func complain(_ text: String) { output.standardError(text + "\n") }
}
