import ArgumentParser
import CWQLLanguage
import Foundation

/// `cwql`: the REPL on a terminal, statements from standard input otherwise, `-c` for one
/// statement, or a script path (for `#!/usr/bin/env cwql` files).
struct CWQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cwql",
        abstract: "Query and change ConnectWise PSA data with a small pipeline language.",
        discussion: """
            cwql [options]            the REPL on a terminal; statements from standard input otherwise
            cwql -c 'QUERY' [options] run one statement and exit
            cwql FILE                 run a script (for #!/usr/bin/env cwql files)
            cwql demo                 the REPL against the built-in simulator

            `cwql` and `cwql -c` take the options of `cwql run`: --format, --dry-run, --yes, --var,
            --profile, --site, --trace, --concurrency and the others.

            Example:
              cwql -c 'tickets where board = "Help" and status != Closed | count'
            """,
        subcommands: [
            RunCommand.self, DemoCommand.self, TranslateCommand.self, DoctorCommand.self, ProfileCommand.self,
            SimCommand.self, ShellCommand.self,
        ]
    )

    func run() async throws {
        let shell = try ShellCommand.parse([])
        try await shell.run()
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

    /// Routes the command line: `cwql FILE …` means `cwql run FILE …`, and `cwql` with options
    /// (or none) means the hidden `shell` command that holds `-c` and the run options.
    static func normalized(_ arguments: [String]) -> [String] {
        guard let first = arguments.first else { return ["shell"] }
        if first.hasPrefix("-") {
            return ["-h", "--help", "--version", "--generate-completion-script"].contains(first) ? arguments : ["shell"] + arguments
        }
        let subcommands = Set(configuration.subcommands.map { $0._commandName } + ["help"])
        if subcommands.contains(first) { return arguments }
        // Anything else is a script path; `run` explains a missing one (with a did-you-mean
        // for mistyped subcommands).
        return ["run"] + arguments
    }
}

/// The REPL, standard input or `-c`: what `cwql` without a subcommand does.
struct ShellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell", abstract: "The REPL, statements from standard input, or -c.",
        usage: "cwql [-c <statement>] [<options>]", shouldDisplay: false)

    /// A usage message that names what the user typed (`cwql`), not the hidden subcommand.
    static func userFacing(_ message: String) -> String {
        message.replacing("See 'cwql shell --help'", with: "See 'cwql --help' and 'cwql run --help'")
    }

    @Option(name: .customShort("c"), help: ArgumentHelp("Run one statement and exit.", valueName: "statement"))
    var command: String?

    @OptionGroup var script: ScriptOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        if let command {
            try await ScriptRunner(connection: connection, script: script).run(SourceFile(name: "<command>", text: command))
            return
        }
        if isatty(STDIN_FILENO) != 0 {
            try await REPLSession(connection: connection, script: script, demo: nil).run()
            return
        }
        try await StandardInputRunner(runner: ScriptRunner(connection: connection, script: script)).run()
    }
}
