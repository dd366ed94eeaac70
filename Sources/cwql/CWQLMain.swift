import ArgumentParser
import ConnectWiseClient
import Foundation

/// The entry point: parses the command line, runs the command, and maps every failure to
/// cwql's exit codes (0 success, 1 runtime/API error, 2 usage or compile error,
/// 3 configuration or authentication error) without a stack trace.
@main
enum CWQLMain {
    static func main() async {
        StandardStreams.prepare()
        OpenFileLimit.raiseSoftLimit()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, let suggestion = CWQLCommand.mistypedSubcommand(first) {
            standardError("error: unknown command '\(first)'; did you mean `cwql \(suggestion)`?")
            Foundation.exit(ExitStatus.usage.rawValue)
        }
        if let first = arguments.first, CWQLCommand.looksLikeStatement(first) {
            standardError("error: '\(first)' is not a script file; to run a statement, write: cwql -c '\(first)'")
            Foundation.exit(ExitStatus.usage.rawValue)
        }
        if arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            standardOutput(CWQLCommand.fullHelp)
            Foundation.exit(0)
        }
        let normalized = CWQLCommand.normalized(arguments)
        let routedToShell = normalized.first == "shell" && arguments.first != "shell"
        do {
            var command = try CWQLCommand.parseAsRoot(normalized)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = CWQLCommand.exitCode(for: error)
            let full = CWQLCommand.fullMessage(for: error)
            let message = routedToShell ? ShellCommand.userFacing(full) : full
            if code == .success {
                if !message.isEmpty { standardOutput(message) }
                Foundation.exit(0)
            }
            standardError(message)
            Foundation.exit(code == .validationFailure ? ExitStatus.usage.rawValue : code.rawValue)
        }
    }
}

/// cwql's exit codes.
enum ExitStatus: Int32 {
    case success = 0
    case runtime = 1
    case usage = 2
    case configuration = 3

    var exitCode: ExitCode { ExitCode(rawValue) }
}
