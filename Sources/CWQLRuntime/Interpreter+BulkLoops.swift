import CWQLLanguage

/// The bulk-write question for loops: `for $t in (tickets | take 30) { ticket $t.id | note "X" }`
/// writes thirty times one record at a time, which no single statement's count would catch.
extension Interpreter {
    /// Asks before a loop of more than the bulk threshold of passes whose body writes, as one
    /// statement writing that many records asks; without a way to ask (a script), refuses
    /// unless `--yes`. Under `--dry-run` nothing is sent, so nothing is asked.
    func confirmLoop(
        passes: Int,
        body: [Statement],
        source: SourceFile,
        span: SourceSpan
    ) async throws -> LoopConfirmation {
        guard passes > options.bulkThreshold, !options.dryRun, !options.assumeYes, bulkConfirmed == 0,
            mayWrite(body, visiting: [])
        else { return .notNeeded }
        let question = "run a loop that writes, \(passes) times?"
        guard let confirm = options.confirm else {
            throw RuntimeError(.loopUnconfirmed(passes: passes), source: source, span: span)
        }
        guard await confirm(question) else {
            output.standardError("loop: cancelled; nothing was changed\n")
            return .declined
        }
        return .confirmed
    }

    /// What asking about a loop came to.
    enum LoopConfirmation {
        case notNeeded, confirmed, declined
    }

    /// True when running these statements may send a write: a write stage, `create`, `upsert`,
    /// or a call of a definition whose body may.
    func mayWrite(_ statements: [Statement], visiting: Set<String>) -> Bool {
        statements.contains { statement in
            switch statement.kind {
            case .create, .upsert, .sync: return true
            case .pipeline(let pipeline): return mayWrite(pipeline, visiting: visiting)
            case .for(_, _, let body): return mayWrite(body, visiting: visiting)
            case .if(_, let then, let otherwise):
                return mayWrite(then, visiting: visiting) || mayWrite(otherwise ?? [], visiting: visiting)
            case .let(_, let value): return mayWrite(value, visiting: visiting)
            case .print(let values): return values.contains { mayWrite($0, visiting: visiting) }
            case .def, .procedure, .import, .watch, .on: return false
            }
        }
    }

    private func mayWrite(_ pipeline: Pipeline, visiting: Set<String>) -> Bool {
        if pipeline.stages.contains(where: \.kind.isWrite) { return true }
        guard case .call(let name, _, _) = pipeline.source, !visiting.contains(name.text),
            let definition = definition(named: name.text)
        else { return false }
        switch definition.body {
        case .query(let body): return mayWrite(body, visiting: visiting.union([name.text]))
        case .procedure(let body): return mayWrite(body, visiting: visiting.union([name.text]))
        }
    }

    private func mayWrite(_ value: ValueExpr, visiting: Set<String>) -> Bool {
        if case .query(let pipeline) = value { return mayWrite(pipeline, visiting: visiting) }
        return false
    }
}
