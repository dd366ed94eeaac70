import ArgumentParser
import CWQLLanguage
import CWQLRuntime
import Foundation

/// `cwql run FILE`: run a script.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a cwql script.",
        discussion: """
            Statements run in order; the first failure stops the script with its location.
            Exit status: 0 success, 1 runtime or API error, 2 compile error, 3 configuration or authentication error.
            Bulk writes (more than 20 records) and deletes need --yes; --dry-run prints each write instead of sending it.
            """
    )

    @Argument(help: "The script file.") var file: String
    @OptionGroup var script: ScriptOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let source = try ScriptFile.load(file)
        try await ScriptRunner(connection: connection, script: script).run(source)
    }
}

/// Reads a script file, with a clear message when it can't.
enum ScriptFile {
    static func load(_ path: String) throws -> SourceFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            let subcommands = CWQLCommand.configuration.subcommands.filter { $0.configuration.shouldDisplay }.map {
                $0._commandName
            }
            let hint = Suggestions.closest(to: path, among: subcommands).map { " (did you mean `cwql \($0)`?)" } ?? ""
            standardError("error: no such script file: \(path)\(hint)")
            throw ExitStatus.usage.exitCode
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            standardError("error: cannot read \(path)")
            throw ExitStatus.usage.exitCode
        }
        guard let text = String(data: data, encoding: .utf8) else {
            standardError("error: \(path) is not UTF-8 text")
            throw ExitStatus.usage.exitCode
        }
        if let refusal = ScriptText.refusal(of: text, path: path) {
            standardError("error: \(refusal)")
            throw ExitStatus.usage.exitCode
        }
        return SourceFile(name: path, text: text)
    }
}
