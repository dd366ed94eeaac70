import ArgumentParser
import CWQLLanguage
import CWQLLineEditor
import CWQLRuntime
import ConnectWiseClient
import ConnectWiseSimulator
import Foundation
import Synchronization

/// The interactive loop: reads statements (continuing over lines while the input is
/// incomplete), runs them, and keeps going after errors. Ctrl-C clears the line or cancels the
/// running statement; Ctrl-D leaves.
struct REPLSession {
    let connection: ConnectionOptions
    let script: ScriptOptions
    /// The simulator `cwql demo` runs, if any.
    let demo: SimulatorServer?
    /// Credentials to use instead of resolving them (`cwql demo`).
    var fixedCredentials: Credentials? = nil

    func run() async throws {
        let output = REPLOutput()
        var runner = ScriptRunner(connection: connection, script: script, confirm: { question in
            standardError("\(question) [y/N] ")
            let answer = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces).lowercased()
            return answer == "y" || answer == "yes"
        }, fixedCredentials: fixedCredentials)
        runner.output = output
        var (interpreter, client) = try runner.makeInterpreter()
        var profile = demo == nil ? ((try? connection.credentials().profile) ?? "default") : "demo"
        do {
            try await interpreter.loadPrelude()
        } catch {
            standardError(error.description)
        }
        let values = Mutex(CompletionValues(client: client))
        let names = Mutex(interpreter.knownNames)
        let reader = ReadlineLineReader(historyFile: REPLSession.historyPath()) { prefix in
            let known = names.withLock { $0 }
            let source = values.withLock { $0 }
            if prefix.hasPrefix("."), !prefix.contains(" ") {
                return REPLSession.metaCommands.filter { $0.hasPrefix(prefix) }
            }
            let completer = Completer(
                variables: known.variables, definitions: known.definitions, modules: StandardLibrary.moduleNames,
                values: { source.values(entity: $0, path: $1, board: $2) })
            return completer.complete(prefix.hasPrefix(".") ? String(prefix.drop { $0 != " " }) : prefix)
        }
        standardError("cwql — a query such as `tickets | count`; Tab completes, .help for help, Ctrl-D leaves\n")
        var timing = false
        var buffer = ""
        while let line = reader.readLine(prompt: buffer.isEmpty ? "cwql(\(profile))> " : "   ...> ") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if buffer.isEmpty, trimmed.hasPrefix(".") {
                reader.addHistory(line)
                let command = MetaCommand(trimmed)
                switch command.name {
                case ".quit", ".exit", ".q":
                    reader.saveHistory()
                    await client.shutdown()
                    return
                case ".timing":
                    guard command.argument == "on" || command.argument == "off" else {
                        standardError("error: .timing takes on or off")
                        continue
                    }
                    timing = command.argument == "on"
                case ".profile":
                    if command.argument.isEmpty {
                        print("profile: \(profile) (\(client.credentials.site.absoluteString), company \(client.credentials.company))")
                    } else if demo != nil {
                        standardError("error: the demo has no profiles")
                    } else {
                        do {
                            var options = connection
                            options.profile = command.argument
                            let switched = ScriptRunner(connection: options, script: script, confirm: runner.confirm, output: output)
                            let (next, nextClient) = try switched.makeInterpreter()
                            try await next.loadPrelude()
                            next.adoptSession(of: interpreter)
                            next.runOptions = interpreter.runOptions
                            await client.shutdown()
                            (interpreter, client, profile) = (next, nextClient, command.argument)
                            values.withLock { $0 = CompletionValues(client: nextClient) }
                            print("profile: \(profile)")
                        } catch {
                            standardError("error: cannot switch to profile \(command.argument): \(error)")
                        }
                    }
                default:
                    await MetaCommand.run(command, interpreter: interpreter, output: output)
                }
                output.flush(paged: false)
                continue
            }
            buffer += (buffer.isEmpty ? "" : "\n") + line
            if buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                buffer = ""
                continue
            }
            if buffer.hasSuffix("|") || buffer.hasSuffix("\\") { continue }
            let entry = buffer
            let started = Date()
            let outcome = await REPLSession.runInterruptibly(entry, interpreter: interpreter, client: client)
            if case .failure(let error) = outcome, error.isIncompleteInput { continue }
            buffer = ""
            reader.addHistory(REPLSession.historyEntry(entry))
            names.withLock { $0 = interpreter.knownNames }
            output.flush(paged: true)
            switch outcome {
            case .success: break
            case .failure(let error): standardError(error.description)
            case .cancelled: standardError("cancelled\n")
            }
            if timing { standardError(String(format: "time: %.3f s\n", Date().timeIntervalSince(started))) }
        }
        reader.saveHistory()
        standardError("\n")
        await client.shutdown()
    }

    enum Outcome {
        case success
        case failure(RuntimeError)
        case cancelled
    }

    /// Runs an entry in a task that Ctrl-C cancels.
    static func runInterruptibly(_ text: String, interpreter: Interpreter, client: ConnectWiseClient) async -> Outcome {
        interruptRequested.store(false, ordering: .relaxed)
        let task = Task { () -> Outcome in
            do {
                try await interpreter.run(SourceFile(name: "<repl>", text: text))
                return .success
            } catch let error as RuntimeError {
                return Task.isCancelled ? .cancelled : .failure(error)
            } catch {
                return .cancelled
            }
        }
        let started = Date()
        let requestsBefore = client.requestsSent
        let showProgress = isatty(STDERR_FILENO) != 0
        let watcher = Task {
            var shown = false
            while !Task.isCancelled {
                if interruptRequested.load(ordering: .relaxed) {
                    task.cancel()
                    break
                }
                let elapsed = Date().timeIntervalSince(started)
                if showProgress, elapsed > 1 {
                    let requests = client.requestsSent - requestsBefore
                    standardErrorRaw(String(format: "\r… %d request%@, %.0f s (Ctrl-C cancels)", requests, requests == 1 ? "" : "s", elapsed))
                    shown = true
                }
                try? await Task.sleep(nanoseconds: 100_000_000)
            }
            if shown { standardErrorRaw("\r\u{1B}[K") }
        }
        let outcome = await task.value
        watcher.cancel()
        _ = await watcher.value
        return interruptRequested.load(ordering: .relaxed) ? .cancelled : outcome
    }

    /// A multi-line entry on one line when that still parses (history files hold lines).
    static func historyEntry(_ entry: String) -> String {
        guard entry.contains("\n") else { return entry }
        let joined = entry.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return (try? Parser.parse(SourceFile(name: "<history>", text: joined))) != nil ? joined : entry
    }

    static let metaCommands = [
        ".help", ".translate", ".explain", ".format", ".schema", ".profile", ".timing", ".dry-run", ".run", ".quit",
    ]

    /// `$XDG_STATE_HOME/cwql/history`, else `~/.local/state/cwql/history`.
    static func historyPath() -> String? {
        guard let directory = StateDirectory.path else { return nil }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return "\(directory)/history"
    }
}

/// Writes to stderr without adding a newline (progress lines).
func standardErrorRaw(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
