import CWJSON

extension Interpreter {
    /// The run's journal, started at its first write (nil under `--dry-run` or without a
    /// state directory; a journal that cannot be written is said once, and the run goes on).
    func journalForWrites() -> RunJournal? {
        guard !options.dryRun, let directory = options.stateDirectory else { return nil }
        if let journal { return journal }
        let statement = runSource?.text ?? ""
        let header = JSONObject([
            "statement": .string(statement.count > 4000 ? String(statement.prefix(4000)) + "…" : statement),
            "source": .string(runSource?.name ?? ""),
            "site": .string(client.credentials.site.absoluteString), "company": .string(client.credentials.company),
        ])
        do {
            journal = try RunJournal.start(in: directory, header: header)
        } catch {
            output.standardError(
                "cwql: cannot keep a journal in \(RunJournal.folder(in: directory)) (\(error)); this run cannot be undone\n"
            )
            options.stateDirectory = nil
        }
        return journal
    }
}
