import CWJSON
import CWQLLanguage
import ConnectWiseClient
import ConnectWiseRequests
import Foundation

/// Why `cwql undo` cannot start.
public struct UndoError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// What `cwql undo` did.
public struct UndoReport: Sendable {
    public var reversed = 0
    /// Writes that cannot be reversed, and why (a deleted record, a value not read).
    public var impossible: [String] = []
    /// Reversals ConnectWise refused (a time entry on a closed period, say).
    public var failures: [String] = []
    /// The journal of the undo itself (undoing it restores the run).
    public var journal: String?
}

extension Interpreter {
    /// The journals kept, newest first: id, header, and counts of their writes' outcomes.
    public static func runs(
        in stateDirectory: String
    ) -> [(id: String, header: JSONObject, counts: [String: Int], undoneBy: String?)] {
        RunJournal.list(in: stateDirectory).compactMap { run in
            guard let contents = try? RunJournal.read(run.path) else { return nil }
            var counts: [String: Int] = [:]
            for write in contents.writes { counts[write["outcome"]?.stringValue ?? "?", default: 0] += 1 }
            return (run.id, contents.header, counts, contents.undoneBy)
        }
    }

    /// `cwql undo RUN`: writes back the values a run replaced, deletes what it created (records
    /// and notes), newest first, and says what it cannot undo. The undo is a run with a journal
    /// of its own, so undoing it makes the run's changes again.
    public func undo(run id: String) async throws -> UndoReport {
        guard let directory = options.stateDirectory else {
            throw UndoError(description: "no state directory (set HOME or XDG_STATE_HOME)")
        }
        guard let found = RunJournal.list(in: directory).first(where: { $0.id == id }) else {
            let known = RunJournal.list(in: directory).prefix(5).map(\.id)
            throw UndoError(
                description: "no run \(id) in \(RunJournal.folder(in: directory))"
                    + (known.isEmpty
                        ? "" : "; recent runs: " + known.joined(separator: ", ") + " (`cwql runs` lists them)")
            )
        }
        let contents = try RunJournal.read(found.path)
        if let by = contents.undoneBy { throw UndoError(description: "run \(id) was undone already, by run \(by)") }
        let site = contents.header["site"]?.stringValue
        let company = contents.header["company"]?.stringValue
        if site != client.credentials.site.absoluteString || company != client.credentials.company {
            throw UndoError(
                description:
                    "run \(id) wrote to \(company ?? "?") at \(site ?? "?"), not to \(client.credentials.company) at "
                    + "\(client.credentials.site.absoluteString); choose that site with --profile or --site"
            )
        }
        var report = UndoReport()
        var plan: [(entry: JSONObject, request: Request)] = []
        for entry in contents.writes.reversed() where entry["outcome"]?.stringValue == "done" {
            let what = "\(entry["method"]?.stringValue ?? "?") \(entry["path"]?.stringValue ?? "?")"
            guard case .object(let undo)? = entry["undo"],
                let method = undo["method"]?.stringValue.flatMap(HTTPMethod.init),
                let path = undo["path"]?.stringValue
            else {
                report.impossible.append(
                    "\(what): \(entry["cannotUndo"]?.stringValue ?? "nothing records how to reverse it")"
                )
                continue
            }
            plan.append((entry, Request(method, path, body: undo["body"])))
        }
        if options.dryRun {
            for (_, request) in plan {
                output.standardOutput(
                    "\(request.method.rawValue) \(request.pathText)\(request.body.map { " " + JSONWriter.string($0) } ?? "")\n"
                )
            }
            return report
        }
        if plan.count > options.bulkThreshold, !options.assumeYes {
            guard let confirm = options.confirm else {
                throw UndoError(
                    description:
                        "undoing run \(id) writes \(plan.count) times; run again with --yes to confirm, or --dry-run to see each request"
                )
            }
            guard await confirm("undo \(plan.count) writes of run \(id)?") else {
                throw UndoError(description: "undo: cancelled; nothing was changed")
            }
        }
        runSource = SourceFile(name: "<undo>", text: "undo \(id)")
        defer { runSource = nil }
        let journal = journalForWrites()
        report.journal = journal?.id
        for (entry, request) in plan {
            do {
                let answer = try await WriteVerification.send(request, through: client)
                journal?.append(
                    JournalEntry.write(
                        request,
                        record: entry["record"]?.intValue,
                        before: nil,
                        outcome: .done,
                        answer: answer.body,
                        undone: entry
                    )
                )
                report.reversed += 1
            } catch let error as ConnectWiseError {
                if case .notFound = error, request.method == .delete {
                    // Gone already (deleted by hand since): nothing to reverse.
                    report.reversed += 1
                    continue
                }
                report.failures.append("\(request.method.rawValue) \(request.pathText): \(error)")
            } catch {
                report.failures.append("\(request.method.rawValue) \(request.pathText): \(error)")
            }
        }
        if let journal {
            RunJournal.markUndone(found.path, by: journal.id)
            self.journal = nil
        }
        return report
    }
}
