import CWJSON
import CWQLLanguage
import ConnectWiseClient
import ConnectWiseRequests
import Foundation

/// A `watch` as the script registered it.
struct RegisteredWatch {
    var statement: WatchStatement
    var plan: WatchPlan
    var source: SourceFile
    /// Seconds between polls.
    var interval: Double
    /// Where a first run starts, in seconds since 1970; nil for ConnectWise's now at the first poll.
    var since: Int64?
    /// The checkpoint file; nil without a state directory (the demo): then it lives in memory.
    var checkpointPath: String?
    /// The checkpoint while no file holds it.
    var inMemory: WatchCheckpoint?
}

/// The script's event blocks, run once its statements have.
struct EventRegistry {
    var watches: [RegisteredWatch] = []
    var handlers: [RegisteredHandler] = []
}

/// How watches run.
public struct WatchOptions: Sendable {
    /// Poll each watch once, handle what changed, and return (`cwql run --once`).
    public var once = false
    /// A block that failed this many times for one change is reported and passed over.
    public var attempts = 3
    /// Records asked for per page.
    public var pageSize = 100

    public init() {}
}

extension Interpreter {
    /// Seconds since 1970 on ConnectWise's clock, in whole seconds (its records' resolution).
    var serverSeconds: Int64 { Int64(client.serverClock.now().rounded(.down)) }

    /// `watch …`: plans it with the variables in sight and remembers it; it runs once the
    /// script's statements have (``runWatches(_:)``).
    func register(_ watch: WatchStatement, in source: SourceFile) async throws {
        let plan: WatchPlan
        do {
            plan = try WatchPlan(
                watch,
                planner: QueryPlanner(catalog: catalog, source: source, environment: compileEnvironment)
            )
        } catch {
            throw RuntimeError(kind: .compile, diagnostics: [error])
        }
        var interval = WatchPlan.defaultInterval
        if let every = watch.every {
            do {
                interval = try WatchPlan.requireInterval(every, environment: compileEnvironment, source: source)
            } catch {
                throw RuntimeError(kind: .compile, diagnostics: [error])
            }
        }
        var since: Int64?
        if let start = watch.since {
            guard case .date(let date) = try await evaluate(start, in: source).value else {
                throw RuntimeError(
                    .valueOfWrongType(
                        field: "since",
                        expected: "a date",
                        found: "another value",
                        help: ["for example `since -1d`"]
                    ),
                    source: source,
                    span: start.span
                )
            }
            since = date.secondsSinceEpoch
        }
        let key = "\(ModuleLocator.key(of: source.name, from: source))#\(watch.header)"
        events.watches.append(
            RegisteredWatch(
                statement: watch,
                plan: plan,
                source: source,
                interval: interval,
                since: since,
                checkpointPath: options.stateDirectory.map { "\($0)/watches/\(StateFile.name(for: key)).json" },
                inMemory: nil
            )
        )
    }

    /// True when the script registered a `watch`.
    public var hasWatches: Bool { !events.watches.isEmpty }

    /// What a script's event blocks do once its statements have run (`cwql run`, `-c`, the
    /// REPL): its watches poll (``runWatches(_:)``); its `on … changed` blocks are said to be
    /// `cwql listen`'s, and forgotten.
    public func runEvents(_ watchOptions: WatchOptions) async throws(RuntimeError) {
        if !events.handlers.isEmpty {
            output.standardError("note: `on … changed` blocks run under `cwql listen`; `cwql run` passes them over\n")
            events.handlers = []
        }
        try await runWatches(watchOptions)
    }

    /// Polls each watch (every `every`, or once with `options.once`) and runs its block for
    /// each changed record, until the task is cancelled (Ctrl-C, SIGTERM), which stops it
    /// between records.
    public func runWatches(_ watchOptions: WatchOptions) async throws(RuntimeError) {
        guard !events.watches.isEmpty else { return }
        runDepth += 1
        defer {
            // A session (the REPL) polls the watches of one entry, until Ctrl-C.
            events.watches = []
            endRun()
        }
        var due = [Double](repeating: 0, count: events.watches.count)
        while !Task.isCancelled {
            for index in events.watches.indices where due[index] <= Date().timeIntervalSince1970 {
                try await poll(index, watchOptions)
                due[index] = Date().timeIntervalSince1970 + events.watches[index].interval
                if Task.isCancelled { break }
            }
            if watchOptions.once { return }
            let next = due.min() ?? 0
            let wait = max(0.05, next - Date().timeIntervalSince1970)
            try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
        }
        let watch = events.watches[0]
        throw RuntimeError(.cancelled, source: watch.source, span: watch.statement.span)
    }

    // MARK: - One poll

    private func poll(_ index: Int, _ watchOptions: WatchOptions) async throws(RuntimeError) {
        let watch = events.watches[index]
        let source = watch.source
        let span = watch.statement.span
        var checkpoint: WatchCheckpoint
        do {
            if let kept = try watch.inMemory
                ?? watch.checkpointPath.flatMap({ try StateFile.load(WatchCheckpoint.self, at: $0) })
            {
                checkpoint = kept
            } else {
                checkpoint = WatchCheckpoint(
                    watch: watch.statement.header,
                    script: source.name,
                    since: try await firstStart(of: watch)
                )
            }
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw RuntimeError(
                .service("the checkpoint of this watch can't be read: \(error)"),
                source: source,
                span: span
            )
        }
        let runner = WatchRun(interpreter: self, index: index, options: watchOptions)
        do {
            try await runner.resume(&checkpoint)
            try await runner.retryFailures(&checkpoint)
            try await runner.readChanges(&checkpoint)
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw RuntimeError(error, source: source, span: span)
        }
    }

    /// Where a watch's first run starts: its `since`, else ConnectWise's now, as the `Date` of
    /// the answer to one small read says it (the second the watch starts from, on its clock).
    private func firstStart(of watch: RegisteredWatch) async throws(RuntimeError) -> Int64 {
        if let since = watch.since { return since }
        let answer: APIResponse
        do {
            answer = try await client.send(
                Request(.get, watch.plan.entity.path, query: [("fields", "id"), ("pageSize", "1")])
            )
        } catch {
            throw RuntimeError(error, source: watch.source, span: watch.statement.span)
        }
        return answer.header("Date").flatMap(HTTPDate.parse).map { Int64($0) } ?? serverSeconds
    }

    /// Saves a watch's checkpoint: to its file, or in memory without a state directory.
    func save(_ checkpoint: WatchCheckpoint, of index: Int) throws {
        if let path = events.watches[index].checkpointPath {
            try StateFile.save(checkpoint, to: path)
        } else {
            events.watches[index].inMemory = checkpoint
        }
    }
}

/// One poll of one watch: an interrupted block first, then the changes that failed before,
/// then every change since the checkpoint, oldest first.
struct WatchRun {
    let interpreter: Interpreter
    let index: Int
    let options: WatchOptions

    var watch: RegisteredWatch { interpreter.events.watches[index] }
    var client: ConnectWiseClient { interpreter.client }

    /// A block that was running when cwql stopped runs again, its creates looked for first.
    func resume(_ checkpoint: inout WatchCheckpoint) async throws {
        guard let pending = checkpoint.pending else { return }
        interpreter.output.standardError(
            "watch: the block for \(watch.plan.entity.singular) \(pending.change.id) was interrupted; running it again\n"
        )
        guard let record = try await read(ids: [pending.change.id]).first else {
            // Deleted since: nothing left to handle.
            checkpoint.pending = nil
            checkpoint.markHandled(pending.change, now: interpreter.serverSeconds)
            try interpreter.save(checkpoint, of: index)
            return
        }
        try await handle(record, as: pending.change, replayingSince: pending.startedAt, &checkpoint)
    }

    /// Changes whose block failed at an earlier poll, if the record still holds that change.
    func retryFailures(_ checkpoint: inout WatchCheckpoint) async throws {
        guard !checkpoint.failures.isEmpty else { return }
        let records = try await read(ids: checkpoint.failures.map(\.change.id))
        let byId = Dictionary(records.compactMap { record in record["id"]?.intValue.map { ($0, record) } }) { a, _ in a
        }
        for failure in checkpoint.failures {
            if Task.isCancelled { return }
            guard let record = byId[failure.change.id], change(of: record) == failure.change else {
                // Changed again (read as a new change) or deleted.
                checkpoint.failures.removeAll { $0.change == failure.change }
                continue
            }
            try await handle(record, as: failure.change, replayingSince: nil, &checkpoint)
        }
        try interpreter.save(checkpoint, of: index)
    }

    /// Every change from a little before the cursor on, page by page by position in time.
    func readChanges(_ checkpoint: inout WatchCheckpoint) async throws {
        var position = checkpoint.readFrom
        while !Task.isCancelled {
            let page =
                try await client.send(watch.plan.request(after: position, pageSize: options.pageSize)).body.arrayValue
                ?? []
            for record in page {
                if Task.isCancelled { return }
                guard let change = change(of: record) else {
                    interpreter.output.standardError(
                        "watch: a \(watch.plan.entity.singular) without an id or `_info/lastUpdated` was passed over\n"
                    )
                    continue
                }
                position = WatchCursor(seconds: change.lastUpdated, id: change.id)
                if checkpoint.isHandled(change) || checkpoint.failure(of: change) != nil { continue }
                try await handle(record, as: change, replayingSince: nil, &checkpoint)
            }
            if page.count < options.pageSize { return }
        }
    }

    /// Runs the block for one change and records the outcome durably: marked as started
    /// before the block, as handled (or failed) after it.
    private func handle(
        _ record: JSON,
        as change: WatchCheckpoint.Change,
        replayingSince: Double?,
        _ checkpoint: inout WatchCheckpoint
    ) async throws {
        // A second's slack: ConnectWise's time is known to the second, and a record the block
        // made must not look older than the attempt that made it.
        let startedAt = replayingSince ?? Double(interpreter.serverSeconds - 1)
        checkpoint.pending = WatchCheckpoint.Attempt(change: change, startedAt: startedAt)
        try interpreter.save(checkpoint, of: index)
        let attempt = EventAttempt(replayingSince: replayingSince)
        let recordPath = "\(watch.plan.entity.path)/\(change.id)"
        do {
            try await EventAttempt.$current.withValue(attempt) {
                try await interpreter.runEventBlock(
                    watch.statement.body,
                    in: watch.source,
                    entity: watch.plan.entity,
                    change: record,
                    action: nil
                )
            }
        } catch {
            // Interrupted: the attempt stays pending, to run again (creates looked for first).
            if Task.isCancelled { throw error }
            checkpoint.pending = nil
            let reason = (error as? RuntimeError)?.diagnostics.first?.message ?? "\(error)"
            let givenUp = checkpoint.markFailed(
                change,
                reason: reason,
                limit: options.attempts,
                now: interpreter.serverSeconds
            )
            interpreter.output.standardError(
                "watch: \(watch.plan.entity.singular) \(change.id) (changed \(UTCDate(secondsSinceEpoch: change.lastUpdated).iso8601)): "
                    + (givenUp ? "passed over after \(options.attempts) failures: " : "failed, to retry: ")
                    + "\(error)\n"
            )
            try interpreter.save(checkpoint, of: index)
            return
        }
        checkpoint.pending = nil
        checkpoint.markHandled(change, now: interpreter.serverSeconds)
        if attempt.wrote(under: recordPath), let own = try await read(ids: [change.id]).first.flatMap(self.change(of:))
        {
            checkpoint.rememberOwnWrite(own)
        }
        try interpreter.save(checkpoint, of: index)
    }

    /// The records with these ids, with the fields the block reads.
    private func read(ids: [Int]) async throws -> [JSON] {
        var query: [(name: String, value: String)] = [
            (
                "conditions",
                Conditions.comparison(path: "id", op: "in", value: .list(ids.map { .number(String($0)) })).rendered()
            ),
            ("pageSize", String(max(ids.count, 1))),
        ]
        if let fields = watch.plan.fields { query.append(("fields", fields.joined(separator: ","))) }
        return try await client.get(watch.plan.entity.path, query: query).arrayValue ?? []
    }

    /// A record's id and the second of its last update.
    private func change(of record: JSON) -> WatchCheckpoint.Change? {
        guard let id = record["id"]?.intValue,
            let text = record.value(atPathIgnoringCase: WatchPlan.lastUpdated)?.stringValue,
            let moment = DateLiteral(parsing: text)
        else { return nil }
        return WatchCheckpoint.Change(id: id, lastUpdated: moment.date.secondsSinceEpoch)
    }
}

extension Interpreter {
    /// Runs an event block with `$change` (and `$action`) bound, in a level of its own.
    func runEventBlock(
        _ body: [Statement],
        in source: SourceFile,
        entity: EntitySpec,
        change: JSON,
        action: String?
    ) async throws {
        let level = VariableScope(parent: scope, holdsLets: true)
        level.bind(EventVariables.change, Binding(value: Value(change), entity: entity))
        if let action { level.bind(EventVariables.action, Binding(value: .string(action), entity: nil)) }
        try await within(level) { try await execute(body, in: source) }
    }
}
