import CWJSON
import CWQLLanguage
import ConnectWiseClient
import ConnectWiseRequests

/// What a bulk write did.
struct WriteReport {
    var attempted = 0
    var succeeded = 0
    var skipped = 0
    /// Records never started because the run was interrupted.
    var notAttempted = 0
    var failures: [(record: Int, reason: String)] = []
    var failed: Int { failures.count }
    /// Writes whose outcome could not be told (lost, and the record could not be identified):
    /// neither done nor failed; running them again may make them twice.
    var unknowns: [(record: Int, reason: String)] = []
}

extension Interpreter {
    /// Applies a write stage to every record: asks before bulk writes and deletes, prints
    /// instead of sending under `--dry-run`, sends `concurrency` at a time, and reports each
    /// outcome so that nothing is left unexplained.
    func performWrites(_ write: WriteAction, on records: [JSON], source: SourceFile) async throws -> WriteReport {
        let verb = write.stage.kind.keyword
        let noun = write.entity.singular.replacing("_", with: " ")
        var report = WriteReport()
        guard !records.isEmpty else {
            output.standardError(
                "\(verb): no \(write.entity.name.replacing("_", with: " ")) matched; nothing was changed\n"
            )
            return report
        }
        let plural = records.count == 1 ? noun : write.entity.name.replacing("_", with: " ")
        let needsConfirmation: Bool
        if case .delete = write.stage.kind {
            needsConfirmation = true
        } else {
            needsConfirmation = records.count > options.bulkThreshold
        }
        if needsConfirmation, !options.dryRun, !options.assumeYes, bulkConfirmed == 0 {
            let question = "\(verb) \(records.count) \(plural)?"
            guard let confirm = options.confirm else {
                throw RuntimeError(
                    .bulkWriteUnconfirmed(verb: verb, count: records.count, plural: plural),
                    source: source,
                    span: write.stage.span
                )
            }
            guard await confirm(question) else {
                output.standardError("\(verb): cancelled; nothing was changed\n")
                return report
            }
        }
        let builder = writeBuilder(for: source)
        let dryRun = options.dryRun
        let output = self.output
        let client = self.client
        let window = max(1, client.concurrency)
        let journal = dryRun ? nil : journalForWrites()
        struct Outcome: Sendable {
            var id: Int
            var error: String?
            var skipped: String?
            var unknown: String?
        }
        var outcomes: [Outcome] = []
        var launched = 0
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var next = 0
            func launch() {
                let record = records[next]
                next += 1
                launched = next
                // A write once started finishes even when the run is interrupted (an unstructured
                // task is not cancelled with its parent): its outcome is then known and reported.
                group.addTask {
                    await Task { () -> Outcome in
                        let id = record["id"]?.intValue ?? 0
                        var sending: Request?
                        func journaled(_ outcome: JournalEntry.Outcome, _ reason: String?, _ answer: JSON? = nil) {
                            guard let sending else { return }
                            journal?.append(
                                JournalEntry.write(
                                    sending,
                                    record: id,
                                    before: record,
                                    outcome: outcome,
                                    reason: reason,
                                    answer: answer
                                )
                            )
                        }
                        do {
                            let prepared = try await builder.prepare(write, record: record)
                            if let reason = prepared.skipReason { return Outcome(id: id, skipped: reason) }
                            if dryRun {
                                let body = prepared.request.body.map { " " + JSONWriter.string($0) } ?? ""
                                output.standardOutput("\(prepared.line)\(body)\n")
                                return Outcome(id: id)
                            }
                            sending = prepared.request
                            let answer = try await WriteVerification.send(
                                prepared.request,
                                through: client,
                                reconcile: prepared.reconcile
                            )
                            journaled(.done, nil, answer.body)
                            return Outcome(id: id)
                        } catch let error as RuntimeError {
                            let reason = error.diagnostics.first?.message ?? "\(error)"
                            journaled(.failed, reason)
                            return Outcome(id: id, error: reason)
                        } catch let error as ConnectWiseError {
                            if case .writeOutcomeUnknown = error {
                                journaled(.unknown, "\(error)")
                                return Outcome(id: id, unknown: "\(error)")
                            }
                            journaled(.failed, "\(error)")
                            return Outcome(id: id, error: "\(error)")
                        } catch {
                            journaled(.failed, "\(error)")
                            return Outcome(id: id, error: "\(error)")
                        }
                    }.value
                }
            }
            // Ctrl-C or SIGTERM stops starting records; those in flight finish.
            while next < min(window, records.count), !Task.isCancelled { launch() }
            while let outcome = try await group.next() {
                outcomes.append(outcome)
                if next < records.count, !Task.isCancelled { launch() }
            }
        }
        report.notAttempted = records.count - launched
        if !dryRun, !outcomes.isEmpty { hasWritten = true }
        for outcome in outcomes.sorted(by: { $0.id < $1.id }) {
            report.attempted += 1
            if let unknown = outcome.unknown {
                report.unknowns.append((outcome.id, unknown))
            } else if let error = outcome.error {
                report.failures.append((outcome.id, error))
            } else if outcome.skipped != nil {
                report.skipped += 1
            } else {
                report.succeeded += 1
            }
        }
        var summary =
            dryRun
            ? "\(verb): dry run, \(report.succeeded) request\(report.succeeded == 1 ? "" : "s") shown, nothing sent"
            : "\(verb): \(report.succeeded) \(report.succeeded == 1 ? noun : write.entity.name.replacing("_", with: " ")) done"
        if report.skipped > 0 {
            summary += ", \(report.skipped) skipped (\(outcomes.first { $0.skipped != nil }!.skipped!))"
        }
        if report.failed > 0 { summary += ", \(report.failed) failed" }
        if !report.unknowns.isEmpty {
            summary +=
                ", \(report.unknowns.count) unknown (may or may not have been made: check them before running this again)"
        }
        if report.notAttempted > 0 { summary += ", \(report.notAttempted) not attempted" }
        output.standardError(summary + "\n")
        for failure in report.failures {
            output.standardError("  \(noun) \(failure.record): \(failure.reason)\n")
        }
        for unknown in report.unknowns {
            output.standardError("  \(noun) \(unknown.record): unknown: \(unknown.reason)\n")
        }
        if report.notAttempted > 0 { throw RuntimeError(.cancelled, source: source, span: write.stage.span) }
        return report
    }

    /// `create ENTITY { … }`
    func create(_ object: ObjectLiteral, entity: EntitySpec, source: SourceFile, span: SourceSpan) async throws {
        let builder = writeBuilder(for: source)
        let body = try await builder.createBody(object, entity: entity)
        let noun = entity.singular.replacing("_", with: " ")
        if options.dryRun {
            output.standardOutput("POST \(entity.path) \(JSONWriter.string(.object(body)))\n")
            output.standardError("create: dry run, nothing sent\n")
            return
        }
        let client = self.client
        var reconcile: (@Sendable () async throws -> JSON?)?
        if let key = ["summary", "name", "identifier"].first(where: { body[$0]?.stringValue != nil }),
            let text = body[key]?.stringValue
        {
            reconcile = Reconciliation.ofCreation(at: entity.path, key: key, text: text, body: body, client: client)
        }
        hasWritten = true
        let request = Request(.post, entity.path, body: .object(body))
        let response = try await journaling(request, before: nil) {
            try await WriteVerification.send(request, through: client, reconcile: reconcile)
        }
        let id = response.body["id"]?.intValue.map(String.init) ?? "?"
        output.standardError("created \(noun) \(id)\n")
        scope.assign("created", Binding(value: Value(response.body), entity: entity))
    }

    /// `upsert ENTITY where COND { … }`: updates the one match, or creates; more than one
    /// match is an error (so a pipeline run twice makes no duplicates).
    func upsert(
        _ match: Condition,
        _ object: ObjectLiteral,
        entity: EntitySpec,
        source: SourceFile,
        span: SourceSpan
    ) async throws {
        let filter: CompiledFilter
        do {
            filter = try ConditionCompiler(entity: entity, source: source, environment: compileEnvironment).compile(
                match
            )
        } catch {
            throw RuntimeError(kind: .compile, diagnostics: [error])
        }
        var fields = ["id", "customFields"]
        if entity.field(named: "board") != nil { fields.append("board/id") }
        // What an update replaces is read with the match, for the journal and `cwql undo`.
        for assignment in object.fields {
            if case .field(let path) = assignment.field, let resolved = try? entity.resolveForWrite(path, in: source) {
                let read = resolved.referenceIdPath ?? resolved.path
                if !fields.contains(read) { fields.append(read) }
            }
        }
        let matches = try await client.records(
            ListRequest(
                path: entity.path,
                filters: filter.queryItems(),
                fields: fields,
                limit: 2,
                pageSize: 2
            )
        ).collect()
        let noun = entity.singular.replacing("_", with: " ")
        switch matches.count {
        case 0:
            try await create(object, entity: entity, source: source, span: span)
        case 1:
            let builder = writeBuilder(for: source)
            let operations = try await builder.patchOperations(object, entity: entity, record: matches[0])
            guard let id = matches[0]["id"]?.intValue else {
                throw RuntimeError(.matchWithoutId(noun: noun), source: source, span: span)
            }
            let request = Request(.patch, "\(entity.path)/\(id)", body: .array(operations), repeatable: true)
            if options.dryRun {
                output.standardOutput("PATCH \(request.path) \(JSONWriter.string(.array(operations)))\n")
                output.standardError("upsert: dry run, nothing sent\n")
                return
            }
            hasWritten = true
            let response = try await journaling(request, before: matches[0]) {
                try await WriteVerification.send(request, through: client)
            }
            output.standardError("updated \(noun) \(id)\n")
            scope.assign("created", Binding(value: Value(response.body), entity: entity))
        default:
            throw RuntimeError(.upsertAmbiguous(noun: noun), source: source, span: match.span)
        }
    }
}

extension Interpreter {
    /// What builds the request bodies of `source`'s writes, with the variables in sight now.
    func writeBuilder(for source: SourceFile) -> WriteBuilder {
        WriteBuilder(
            client: client,
            resolver: resolver,
            source: source,
            environment: compileEnvironment,
            catalog: catalog
        )
    }
}

extension Interpreter {
    /// Sends one write of a statement (`create`, `upsert`) and journals its outcome.
    func journaling(
        _ request: Request,
        before: JSON?,
        _ send: () async throws -> APIResponse
    ) async throws -> APIResponse {
        let journal = journalForWrites()
        do {
            let response = try await send()
            journal?.append(
                JournalEntry.write(request, record: nil, before: before, outcome: .done, answer: response.body)
            )
            return response
        } catch let error as ConnectWiseError {
            if case .writeOutcomeUnknown = error {
                journal?.append(
                    JournalEntry.write(request, record: nil, before: before, outcome: .unknown, reason: "\(error)")
                )
            } else {
                journal?.append(
                    JournalEntry.write(request, record: nil, before: before, outcome: .failed, reason: "\(error)")
                )
            }
            throw error
        } catch {
            journal?.append(
                JournalEntry.write(request, record: nil, before: before, outcome: .failed, reason: "\(error)")
            )
            throw error
        }
    }
}
