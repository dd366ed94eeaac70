import ArgumentParser
import CWQLLanguage
import CWQLLineEditor
import CWQLRuntime
import ConnectWiseClient
import ConnectWiseSimulator
import Foundation

/// The interactive loop: reads statements (continuing over lines while the input is
/// incomplete), runs them, and keeps going after errors.
struct REPLSession {
    let connection: ConnectionOptions
    let script: ScriptOptions
    /// The simulator `cwql demo` runs, if any.
    let demo: SimulatorServer?

    /// Credentials to use instead of resolving them (`cwql demo`).
    var fixedCredentials: Credentials? = nil

    func run() async throws {
        let runner = ScriptRunner(connection: connection, script: script, confirm: { question in
            standardError("\(question) [y/N] ")
            let answer = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces).lowercased()
            return answer == "y" || answer == "yes"
        }, fixedCredentials: fixedCredentials)
        let (interpreter, client) = try runner.makeInterpreter()
        defer { Task { await client.shutdown() } }
        do {
            try await interpreter.loadPrelude()
        } catch {
            standardError(error.description)
        }
        let history = REPLSession.historyPath()
        let reader = ReadlineLineReader(historyFile: history)
        standardError("cwql — type a query such as `tickets | count`, `.help` for help, Ctrl-D to leave\n")
        var buffer = ""
        var entry = 0
        while let line = reader.readLine(prompt: buffer.isEmpty ? "cwql> " : "  ... ") {
            if buffer.isEmpty, line.trimmingCharacters(in: .whitespaces).hasPrefix(".") {
                if await meta(line.trimmingCharacters(in: .whitespaces), interpreter: interpreter) { break }
                reader.addHistory(line)
                continue
            }
            buffer += (buffer.isEmpty ? "" : "\n") + line
            if buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                buffer = ""
                continue
            }
            if buffer.hasSuffix("|") || buffer.hasSuffix("\\") { continue }
            entry += 1
            let source = SourceFile(name: "<repl>", text: buffer)
            do {
                try await interpreter.run(source)
                reader.addHistory(buffer)
                buffer = ""
            } catch {
                if error.isIncompleteInput { continue }
                reader.addHistory(buffer)
                buffer = ""
                standardError(error.description)
            }
        }
        reader.saveHistory()
        standardError("\n")
    }

    /// Handles `.help`, `.quit`, `.format`, `.dry-run`, `.translate`; true to leave.
    private func meta(_ line: String, interpreter: Interpreter) async -> Bool {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0] {
        case ".quit", ".exit", ".q": return true
        case ".help":
            print("""
                Queries:  tickets where board = "Help" and status != Closed | sort entered desc | take 10
                Writes:   tickets where id = 42 | note "Checked" internal      (| set, | close, | assign, | log, | delete)
                Scripts:  let, def, import, for, if, print, create, upsert
                Meta:     .format table|json|jsonl|csv   .dry-run on|off   .translate QUERY   .quit
                """)
        case ".format":
            guard let format = OutputFormat(rawValue: argument) else {
                standardError("error: .format takes table, json, jsonl or csv")
                return false
            }
            interpreter.runOptions.format = format
        case ".dry-run":
            guard argument == "on" || argument == "off" else {
                standardError("error: .dry-run takes on or off")
                return false
            }
            interpreter.runOptions.dryRun = argument == "on"
        case ".translate":
            do {
                let plan = try Translator.translate(argument, name: "<repl>", environment: CompileEnvironment(now: UTCDate(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))))
                print(plan.parameterLines.joined(separator: "\n"))
            } catch {
                standardError(error.description)
            }
        default:
            standardError("error: unknown command \(parts[0]); try .help")
        }
        return false
    }

    /// `$XDG_STATE_HOME/cwql/history`, else `~/.local/state/cwql/history`.
    static func historyPath() -> String? {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (environment["HOME"].map { "\($0)/.local/state" })
        guard let base else { return nil }
        let directory = "\(base)/cwql"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return "\(directory)/history"
    }
}
