import CWQLLanguage
import CWQLRuntime
import Foundation

/// A meta-command of the REPL and of statements from a pipe: `.help`, `.translate`,
/// `.explain`, `.format`, `.expanded`, `.schema`, `.dry-run`, `.run` (the session handles
/// `.quit`, `.timing`, `.output` and `.profile`).
struct MetaCommand {
    let name: String
    let argument: String

    init(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
        let first = parts.first ?? ""
        // psql's `\x` is cwql's `.expanded` toggle.
        name = first == "\\x" ? ".expanded" : first
        argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : (first == "\\x" ? "toggle" : "")
    }

    /// Every meta-command, how it is written and whether it needs a connection: the one table
    /// for completion, `.help`, did-you-mean and what runs before credentials are looked for.
    static let table: [(name: String, usage: String, needsSession: Bool)] = [
        (".help", ".help [stages|operators]", false), (".schema", ".schema [entity]", false),
        (".translate", ".translate QUERY", false), (".explain", ".explain QUERY", false),
        (".format", ".format [table|json|jsonl|csv]", true), (".expanded", ".expanded [on|off|auto] (or \\x)", true),
        (".output", ".output [FILE]", true), (".dry-run", ".dry-run [on|off]", true),
        (".timing", ".timing [on|off]", true),
        (".profile", ".profile [name]", true), (".run", ".run FILE", true), (".quit", ".quit", true),
    ]

    /// Every meta-command's name.
    static let names = table.map(\.name)

    /// Lines that start a meta-command: `.name`, or psql's `\x`.
    static func isMetaCommand(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.hasPrefix(".") || trimmed.hasPrefix("\\")
    }

    /// psql's backslash commands, with cwql's spelling.
    static let psqlSpelling: [String: String] = [
        "\\?": ".help", "\\h": ".help", "\\q": ".quit", "\\d": ".schema", "\\o": ".output FILE",
        "\\timing": ".timing on|off",
        "\\i": ".run FILE",
    ]

    /// Meta-commands that need no connection: `.help`, `.schema`, `.translate`, `.explain`.
    static func needsNoSession(_ line: String) -> Bool {
        let name = MetaCommand(line).name
        return table.contains { $0.name == name && !$0.needsSession }
    }

    /// Runs a meta-command of ``needsNoSession(_:)``.
    static func runWithoutSession(_ command: MetaCommand, output: any OutputSink) async {
        let argument = command.argument
        switch command.name {
        case ".help":
            output.standardOutput(help(argument))
        case ".translate", ".explain":
            do {
                let plan = try Translator.translate(
                    argument,
                    name: "<repl>",
                    environment: CompileEnvironment(
                        now: UTCDate(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)),
                        zone: (try? TimeZones.fromEnvironment()) ?? .utc
                    )
                )
                if command.name == ".translate" {
                    output.standardOutput(plan.parameterLines.joined(separator: "\n") + "\n")
                } else {
                    output.standardOutput(TranslationReport(plan: plan).requestLines + "\n")
                }
            } catch {
                output.standardError(error.description)
            }
        case ".schema":
            // A pattern that matches nothing is an error, on stderr as `cwql schema` prints it.
            let schema = SchemaDescription()
            if let text = schema.describe(argument) {
                output.standardOutput(text)
            } else {
                output.standardError("error: " + schema.noMatch(argument))
            }
        default:
            break
        }
    }

    static func run(_ command: MetaCommand, interpreter: Interpreter, output: any OutputSink) async {
        let argument = command.argument
        if needsNoSession(command.name) {
            await runWithoutSession(command, output: output)
            return
        }
        switch command.name {
        case ".format":
            if argument.isEmpty {
                output.standardOutput("format: \(interpreter.runOptions.format.rawValue)\n")
                return
            }
            guard let format = OutputFormat(rawValue: argument) else {
                output.standardError(
                    "error: .format takes table, json, jsonl or csv (now \(interpreter.runOptions.format.rawValue))\n"
                )
                return
            }
            interpreter.runOptions.format = format
        case ".expanded":
            let current = interpreter.runOptions.style.expanded
            if argument.isEmpty {
                output.standardOutput("expanded: \(current.rawValue)\n")
                return
            }
            let next: ExpandedMode?
            if argument == "toggle" {
                next = current == .on ? .off : .on
            } else {
                next = ExpandedMode(rawValue: argument)
            }
            guard let next else {
                output.standardError("error: .expanded takes on, off or auto (now \(current.rawValue))\n")
                return
            }
            interpreter.runOptions.style.expanded = next
            output.standardOutput("expanded: \(next.rawValue)\n")
        case ".dry-run":
            if argument.isEmpty {
                output.standardOutput("dry-run: \(interpreter.runOptions.dryRun ? "on" : "off")\n")
                return
            }
            guard argument == "on" || argument == "off" else {
                output.standardError(
                    "error: .dry-run takes on or off (now \(interpreter.runOptions.dryRun ? "on" : "off"))\n"
                )
                return
            }
            interpreter.runOptions.dryRun = argument == "on"
        case ".run":
            guard !argument.isEmpty, let text = try? String(contentsOfFile: argument, encoding: .utf8) else {
                output.standardError("error: .run takes a readable script file\n")
                return
            }
            if let refusal = ScriptText.refusal(of: text, path: argument) {
                output.standardError("error: \(refusal)\n")
                return
            }
            do {
                try await interpreter.run(SourceFile(name: argument, text: text))
            } catch {
                output.standardError(error.description)
            }
        default:
            let hint: String
            if let spelling = psqlSpelling[command.name] {
                hint = "; cwql's meta-commands start with a dot: \(spelling)"
            } else {
                hint =
                    Suggestions.closest(to: command.name, among: names).map { "; did you mean \($0)?" } ?? "; try .help"
            }
            output.standardError("error: unknown command \(command.name)\(hint)\n")
        }
    }

    static func help(_ topic: String) -> String {
        switch topic {
        case "stages":
            let children = Catalog.standard.commonSourceNames.compactMap { Catalog.standard.entity(named: $0) }
                .filter { !$0.children.isEmpty }.map {
                    "\($0.children.map(\.name).joined(separator: ", ")) (\($0.name))"
                }.joined(separator: "; ")
            let reads = StageKeyword.allCases.filter { !$0.isWrite }.map(\.usage)
            let writes = StageKeyword.allCases.filter(\.isWrite).map(\.usage)
            return
                "reads: \(reads.joined(separator: "; "))\nchildren: \(children)\nwrites: \(writes.joined(separator: "; "))\n"
        case "operators":
            return
                "= != < <= > >= ~ (contains) !~ like \"%x\" in (a, b) not in (…) is null is not null and or not ( )\n"
        default:
            let statements = StatementKeyword.allCases.map(\.rawValue).joined(separator: ", ")
            var meta: [String] = []
            var line = ""
            for command in table {
                if !line.isEmpty, line.count + command.usage.count > 88 {
                    meta.append(line)
                    line = ""
                }
                line += (line.isEmpty ? "" : "   ") + command.usage
            }
            meta.append(line)
            return """
                Queries:  tickets where board = "Help" and status != Closed | sort entered desc | take 10
                Writes:   tickets where id = 42 | note "Checked" internal     (also set, close, assign, log, delete)
                Scripts:  \(statements)
                Meta:     \(meta.joined(separator: "\n          "))
                Keys:     Tab completes; Ctrl-C clears the entry or cancels a running query; Ctrl-D leaves

                """
        }
    }
}
