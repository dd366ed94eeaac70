import ArgumentParser
import CWQLLanguage
import Foundation

/// `cwql`: the REPL on a terminal, statements from standard input otherwise, `-c` for one
/// statement, or a script path (for `#!/usr/bin/env cwql` files).
struct CWQLCommand: AsyncParsableCommand {
    /// The version `cwql --version` prints.
    static let version = "0.3.0"

    static let configuration = CommandConfiguration(
        commandName: "cwql",
        abstract: "Query and change ConnectWise PSA data with a small pipeline language.",
        usage: """
            cwql [-c <statement>] [--format <format>] [--profile <profile>] [<options>]
              cwql <subcommand>
              cwql FILE
            """,
        discussion: """
            Without -c, cwql runs the REPL on a terminal and reads statements from standard input otherwise. \
            `cwql FILE` runs a script (for #!/usr/bin/env cwql files); `cwql demo` is the REPL against the \
            built-in simulator. Shell completion: cwql --generate-completion-script bash (or zsh, fish).

            Example: cwql -c 'tickets where board = "Help" and status != Closed | count'
            """,
        version: "cwql \(version)",
        subcommands: [
            RunCommand.self, DemoCommand.self, TranslateCommand.self, SchemaCommand.self, DoctorCommand.self,
            ProfileCommand.self, RunsCommand.self, UndoCommand.self, ListenCommand.self,
            SimCommand.self,
            ShellCommand.self,
        ]
    )

    func run() async throws {
        try await ShellCommand.parse([]).run()
    }

    /// `cwql --help`: the root's help with the options of `cwql` and `cwql -c` in it (they
    /// belong to the hidden `shell` command, so that subcommands keep options of their own).
    static var fullHelp: String {
        let root = helpMessage(columns: nil)
        let shell = ShellCommand.helpMessage(columns: nil)
        guard let options = shell.range(of: "OPTIONS:"), let subcommands = root.range(of: "SUBCOMMANDS:") else {
            return root
        }
        let optionLines = shell[options.lowerBound...].split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("-h, --help") }.joined(separator: "\n")
        let head = root[..<subcommands.lowerBound]
        let trimmedHead = head.range(of: "OPTIONS:").map { head[..<$0.lowerBound] } ?? head
        return trimmedHead + optionLines.trimmingCharacters(in: .newlines)
            + "\n  -h, --help              Show help information.\n  --version               Show the version.\n\n"
            + root[subcommands.lowerBound...]
    }

    /// The subcommand a first argument was probably meant to be, when it is neither a
    /// subcommand nor an existing file.
    static func mistypedSubcommand(_ first: String) -> String? {
        guard !first.hasPrefix("-"), !first.contains("/"), !first.hasSuffix(".cwql"),
            !FileManager.default.fileExists(atPath: first)
        else { return nil }
        let names = configuration.subcommands.filter { $0.configuration.shouldDisplay }.map { $0._commandName }
        guard !names.contains(first) else { return nil }
        return Suggestions.closest(to: first, among: names)
    }

    /// A first argument that is a statement, not a file (`cwql 'tickets | count'`).
    static func looksLikeStatement(_ first: String) -> Bool {
        // An option is not a statement (and `--version` need not build the catalog).
        guard !first.hasPrefix("-"), !FileManager.default.fileExists(atPath: first), !first.hasSuffix(".cwql") else {
            return false
        }
        if first.contains(" ") || first.contains("|") { return true }
        return Catalog.standard.entity(named: first) != nil
    }

    /// Routes the command line: `cwql FILE …` means `cwql run FILE …`, and `cwql` with options
    /// (or none) means the hidden `shell` command that holds `-c` and the run options.
    static func normalized(_ arguments: [String]) -> [String] {
        guard let first = arguments.first else { return ["shell"] }
        if first.hasPrefix("-") {
            return ["-h", "--help", "--version", "--generate-completion-script"].contains(first)
                ? arguments : ["shell"] + arguments
        }
        let subcommands = Set(configuration.subcommands.map { $0._commandName } + ["help"])
        if subcommands.contains(first) { return arguments }
        // Anything else is a script path; `run` explains a missing one.
        return ["run"] + arguments
    }
}

/// The REPL, standard input or `-c`: what `cwql` without a subcommand does.
struct ShellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "The REPL, statements from standard input, or -c.",
        usage: CWQLCommand.configuration.usage,
        shouldDisplay: false
    )

    /// A usage message that names what the user typed (`cwql`), not the hidden subcommand.
    static func userFacing(_ message: String) -> String {
        message.replacing("cwql shell --help", with: "cwql --help")
    }

    @Option(name: .customShort("c"), help: ArgumentHelp("Run one statement and exit.", valueName: "statement"))
    var command: String?

    @OptionGroup var script: ScriptOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        if let command {
            try await ScriptRunner(connection: connection, script: script).run(
                SourceFile(name: "<command>", text: command)
            )
            return
        }
        if isatty(STDIN_FILENO) != 0 {
            try await REPLSession(connection: connection, script: script, demo: nil).run()
            return
        }
        try await StandardInputRunner(runner: ScriptRunner(connection: connection, script: script)).run()
    }
}
