import ArgumentParser
import CWQLLanguage
import CWQLLineEditor
import CWQLRuntime
import ConnectWiseClient
import ConnectWiseSimulator
import Foundation
import Synchronization

/// The interactive loop: reads entries (continuing over lines while the input is incomplete,
/// see ``EntryCompleteness``), runs them, and keeps going after errors. Ctrl-C discards the
/// entry being typed or cancels the running statement; Ctrl-D leaves. History is saved after
/// every statement.
struct REPLSession {
    let connection: ConnectionOptions
    let script: ScriptOptions
    /// The simulator `cwql demo` runs, if any.
    let demo: SimulatorServer?
    /// Credentials to use instead of resolving them (`cwql demo`).
    var fixedCredentials: Credentials? = nil

    func run() async throws {
        let output = REPLOutput()
        let progress = output.progress
        var runner = ScriptRunner(
            connection: connection,
            script: script,
            confirm: { question in
                KeyQuestion.ask(question, progress: progress)
            },
            fixedCredentials: fixedCredentials
        )
        runner.output = output
        let profile = demo == nil ? ((try? connection.credentials().profile) ?? "default") : "demo"
        let session = try Session(runner: runner, profile: profile, isDemo: demo != nil)
        do {
            try await session.interpreter.loadPrelude()
        } catch {
            standardError(error.description)
        }
        let values = Mutex(CompletionValues(client: session.client))
        let names = Mutex(session.interpreter.knownNames)
        let reader = ReadlineLineReader(historyFile: REPLSession.historyPath()) { prefix in
            let known = names.withLock { $0 }
            let source = values.withLock { $0 }
            if prefix.hasPrefix("."), !prefix.contains(" ") {
                return MetaCommand.names.filter { $0.hasPrefix(prefix) }
            }
            let completer = Completer(
                variables: known.variables,
                definitions: known.definitions,
                modules: StandardLibrary.moduleNames,
                values: { source.values(entity: $0, path: $1, board: $2) }
            )
            return completer.complete(prefix.hasPrefix(".") ? String(prefix.drop { $0 != " " }) : prefix)
        }
        standardError("cwql — a query such as `tickets | count`; Tab completes, .help for help, Ctrl-D leaves\n")
        var buffer = ""
        while true {
            let primary = "cwql(\(session.profile))> "
            reader.primaryPrompt = primary
            guard let line = reader.readLine(prompt: buffer.isEmpty ? primary : "   ...> ") else { break }
            if reader.takeDiscardedEntry() { buffer = "" }
            if buffer.isEmpty, MetaCommand.isMetaCommand(line) {
                reader.addHistory(line)
                reader.saveHistory()
                guard await session.runMeta(line) else { break }
                let client = session.client
                values.withLock { if $0.client !== client { $0 = CompletionValues(client: client) } }
                continue
            }
            buffer += (buffer.isEmpty ? "" : "\n") + line
            if buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                buffer = ""
                continue
            }
            if EntryCompleteness.needsMoreInput(buffer) { continue }
            let entry = buffer
            buffer = ""
            reader.addHistory(REPLSession.historyEntry(entry))
            reader.saveHistory()
            await REPLSession.runEntry(entry, session: session, output: output)
            names.withLock { $0 = session.interpreter.knownNames }
        }
        reader.saveHistory()
        standardError("\n")
    }

    /// Runs one entry in a task that Ctrl-C cancels, with a progress line after a second.
    static func runEntry(_ entry: String, session: Session, output: REPLOutput) async {
        let interpreter = session.interpreter
        let client = session.client
        let requestsBefore = client.requestsSent
        let progress = output.progress
        let started = Date()
        let (interrupted, error) = await Interruption.run(
            {
                try await interpreter.run(SourceFile(name: "<repl>", text: entry))
                if interpreter.hasWatches {
                    // What the entry printed first, then each change as the watch handles it.
                    output.stream(true)
                    output.standardError("watching; Ctrl-C returns to the prompt\n")
                }
                defer { output.stream(false) }
                try await interpreter.runEvents(WatchOptions())
            },
            tick: { elapsed in
                guard elapsed > 1 else { return }
                let requests = client.requestsSent - requestsBefore
                progress.show(
                    String(
                        format: "… %d request%@, %.0f s (Ctrl-C cancels)",
                        requests,
                        requests == 1 ? "" : "s",
                        elapsed
                    )
                )
            }
        )
        progress.clear()
        output.flush(paged: true)
        if interrupted {
            output.standardError("cancelled\n")
        } else if let error {
            let text = "\(error)"
            output.standardError(text.hasSuffix("\n") ? text : text + "\n")
        }
        if session.timing { output.standardError(String(format: "time: %.3f s\n", Date().timeIntervalSince(started))) }
    }

    /// A multi-line entry on one line when that still parses (history files hold lines).
    static func historyEntry(_ entry: String) -> String {
        guard entry.contains("\n") else { return entry }
        let joined = entry.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return (try? Parser.parse(SourceFile(name: "<history>", text: joined))) != nil ? joined : entry
    }

    /// `$XDG_STATE_HOME/cwql/history`, else `~/.local/state/cwql/history`.
    static func historyPath() -> String? {
        guard let directory = StateDirectory.path else { return nil }
        try? FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        return "\(directory)/history"
    }
}
