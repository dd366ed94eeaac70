import ArgumentParser

/// `cwql`: the root command.
struct CWQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cwql",
        abstract: "Query and change ConnectWise PSA data with a small pipeline language.",
        discussion: """
            Example:
              cwql translate 'tickets where board = "Help" and status != Closed'
            """,
        subcommands: [TranslateCommand.self, DoctorCommand.self, ProfileCommand.self, SimCommand.self]
    )
}
