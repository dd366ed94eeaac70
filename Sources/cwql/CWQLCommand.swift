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
            cwql                      the REPL on a terminal; statements from standard input otherwise
            cwql -c 'QUERY'           run one statement and exit
            cwql FILE                 run a script (for #!/usr/bin/env cwql files)
            cwql demo                 the REPL against the built-in simulator

            Example:
              cwql -c 'tickets where board = "Help" and status != Closed | count'
            """,
        subcommands: [RunCommand.self, DemoCommand.self, TranslateCommand.self, DoctorCommand.self, ProfileCommand.self, SimCommand.self]
    )

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
        var text = ""
        while let line = readLine(strippingNewline: false) { text += line }
        try await ScriptRunner(connection: connection, script: script).run(SourceFile(name: "<stdin>", text: text))
    }
}

extension CWQLCommand {
    /// `cwql FILE …` (as a `#!/usr/bin/env cwql` script runs) means `cwql run FILE …`; any
    /// other first word that is not an option is a subcommand or a mistake that the parser reports.
    static func normalized(_ arguments: [String]) -> [String] {
        guard let first = arguments.first, !first.hasPrefix("-") else { return arguments }
        let subcommands = Set(configuration.subcommands.map { $0._commandName } + ["help"])
        if subcommands.contains(first) { return arguments }
        if first.hasSuffix(".cwql") || first.contains("/") || FileManager.default.fileExists(atPath: first) {
            return ["run"] + arguments
        }
        return arguments
    }
}
