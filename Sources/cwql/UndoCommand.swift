import ArgumentParser
import CWJSON
import CWQLRuntime
import ConnectWiseClient
import Foundation

/// `cwql runs`: the runs that wrote, newest first, from their journals.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recent runs that wrote, with what they did (cwql undo RUN reverses one).",
        discussion: "Each run that writes keeps a journal in $XDG_STATE_HOME/cwql/runs (else ~/.local/state/cwql/runs)."
    )

    @Option(help: "How many runs to show.") var limit = 20

    func run() throws {
        guard let directory = StateDirectory.path else {
            standardError("error: no state directory (set HOME or XDG_STATE_HOME)")
            throw ExitStatus.configuration.exitCode
        }
        let runs = Interpreter.runs(in: directory)
        guard !runs.isEmpty else {
            standardError("no runs that wrote yet (\(directory)/runs)\n")
            return
        }
        for run in runs.prefix(max(1, limit)) {
            let counts = ["done", "failed", "unknown"].compactMap { key in run.counts[key].map { "\($0) \(key)" } }
            let statement =
                (run.header["statement"]?.stringValue ?? "").split(separator: "\n").first.map(String.init) ?? ""
            let undone = run.undoneBy.map { "  (undone by \($0))" } ?? ""
            standardOutput(
                "\(run.id)  \(counts.isEmpty ? "no writes" : counts.joined(separator: ", "))  \(statement)\(undone)\n"
            )
        }
    }
}

/// `cwql undo RUN`: reverses a run from its journal.
struct UndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Reverse a run that wrote: restore the values it replaced, delete what it created.",
        discussion: """
            Reads the run's journal (cwql runs lists them). A deleted record cannot be brought back, and ConnectWise \
            may refuse some reversals (a time entry on a closed period): undo says which. The undo is a run with a \
            journal of its own: undoing it makes the changes again.
            """
    )

    @Argument(help: "The run, as `cwql runs` shows it.") var run: String
    @Flag(help: "Print each request instead of sending it.") var dryRun = false
    @Flag(help: "Confirm an undo of more than 20 writes without asking.") var yes = false
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard let directory = StateDirectory.path else {
            standardError("error: no state directory (set HOME or XDG_STATE_HOME)")
            throw ExitStatus.configuration.exitCode
        }
        let client: ConnectWiseClient
        do {
            client = try connection.makeClient(connection.credentials().credentials)
        } catch {
            standardError("error: \(error)")
            throw ExitStatus.configuration.exitCode
        }
        var options = RunOptions()
        options.stateDirectory = directory
        options.dryRun = dryRun
        options.assumeYes = yes
        let interpreter = Interpreter(client: client, options: options, output: ProcessOutput())
        do {
            let report = try await interpreter.undo(run: run)
            if dryRun {
                standardError("undo: dry run, nothing sent\n")
            } else {
                var summary = "undo: \(report.reversed) write\(report.reversed == 1 ? "" : "s") of run \(run) reversed"
                if !report.failures.isEmpty { summary += ", \(report.failures.count) refused" }
                if !report.impossible.isEmpty { summary += ", \(report.impossible.count) cannot be undone" }
                standardError(summary + "\n")
            }
            for line in report.impossible { standardError("  cannot undo \(line)\n") }
            for line in report.failures { standardError("  refused: \(line)\n") }
            if let journal = report.journal {
                standardError("journal: run \(journal) (`cwql undo \(journal)` makes the changes again)\n")
            }
            if !report.failures.isEmpty { throw ExitStatus.runtime.exitCode }
        } catch let error as UndoError {
            standardError("error: \(error)")
            throw ExitStatus.runtime.exitCode
        }
    }
}
