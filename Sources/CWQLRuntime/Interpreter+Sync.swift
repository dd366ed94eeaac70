import CWJSON
import CWQLLanguage
import ConnectWiseClient
import ConnectWiseRequests

/// `sync ENTITY where … key F from SOURCE [missing deactivate|delete]`: reads the scope once,
/// matches rows to records by key, creates what is missing, PATCHes only the fields that
/// differ, and treats records no row names as asked. Every write goes through the journal.
extension Interpreter {
    /// One change a sync makes.
    private enum SyncChange {
        case create(row: JSON, assignments: [FieldAssignment])
        case update(record: JSON, assignments: [FieldAssignment], described: [String])
        case deactivate(record: JSON)
        case delete(record: JSON)
    }

    func sync(_ sync: SyncStatement, in source: SourceFile) async throws {
        let (rowsName, columnNames, rows) = try await syncRows(sync, in: source)
        let resolved = try await resolve(sync.scope, in: source)
        let readPlan = try plan(resolved, in: source)
        let entity = readPlan.final.entity
        let shape: SyncShape
        do {
            shape = try SyncShape.make(sync, entity: entity, columns: columnNames, rowsName: rowsName, source: source)
        } catch {
            throw RuntimeError(kind: .compile, diagnostics: [error])
        }
        let noun = entity.name.replacing("_", with: " ")
        let span = sync.span
        // The write actions the plan makes of the scope: their paths fill a child's holes.
        let updating = try writeAction(
            .set(shape.columns.map { FieldAssignment(field: .field($0.field), value: .null(span)) }),
            sync,
            resolved,
            source
        )
        let deleting = sync.missing == .delete ? try writeAction(.delete, sync, resolved, source) : nil

        var records: [JSON] = []
        _ = try await execute(readPlan, provided: resolved.provided?.records, source: source, span: sync.scope.span) {
            records.append($0)
            return true
        }
        func key(_ values: [Value?]) -> String {
            values.map { ($0 ?? .null).displayText.trimmingSpacesAndTabs.lowercased() }.joined(separator: "\u{1F}")
        }
        func written(_ values: [Value?]) -> String { values.map { ($0 ?? .null).displayText }.joined(separator: ", ") }
        var byKey: [String: JSON] = [:]
        for record in records {
            let values = shape.keys.map { record.lookup($0.comparePath) }
            let identity = key(values)
            if let other = byKey[identity] {
                let ids = [other, record].compactMap { $0["id"]?.intValue }.map(String.init).joined(separator: " and ")
                throw RuntimeError(
                    .syncDuplicateKey(key: "`\(written(values))`", where: "in ConnectWise (records \(ids))"),
                    source: source,
                    span: span
                )
            }
            byKey[identity] = record
        }
        let builder = writeBuilder(for: source)
        var changes: [SyncChange] = []
        var unchanged = 0
        var seen: [String: Int] = [:]
        for (index, row) in rows.enumerated() {
            let values = shape.keys.map { Interpreter.cell(row, $0.name) }
            let identity = key(values)
            if let first = seen[identity] {
                throw RuntimeError(
                    .syncDuplicateKey(
                        key: "`\(written(values))`",
                        where: "in \(rowsName) (rows \(first + 1) and \(index + 1))"
                    ),
                    source: source,
                    span: sync.source.span
                )
            }
            seen[identity] = index
            var assignments: [FieldAssignment] = []
            for column in shape.columns {
                guard let value = Interpreter.expression(Interpreter.cell(row, column.name), span: sync.source.span)
                else { continue }
                assignments.append(FieldAssignment(field: .field(column.field), value: value))
            }
            guard let record = byKey[identity] else {
                // What the rows name is active, when the sync deactivates what they don't.
                var creating = assignments
                if let flag = shape.deactivation {
                    let path = FieldPath(.dotted([Name(flag.field, span: span)]), span: span)
                    creating.append(FieldAssignment(field: .field(path), value: .boolean(!flag.value, span)))
                }
                changes.append(.create(row: row, assignments: creating))
                continue
            }
            if let flag = shape.deactivation, record[flag.field]?.boolValue == flag.value {
                // Named again by the rows: active again.
                let path = FieldPath(.dotted([Name(flag.field, span: span)]), span: span)
                assignments.append(FieldAssignment(field: .field(path), value: .boolean(!flag.value, span)))
            }
            var differing: [FieldAssignment] = []
            var described: [String] = []
            for assignment in assignments {
                let operations = try await builder.patchOperations([assignment], entity: entity, record: record)
                for operation in operations {
                    guard let path = operation["path"]?.stringValue, let sent = operation["value"] else { continue }
                    let held = record.value(atPathIgnoringCase: path) ?? .null
                    if !Interpreter.same(held, sent) {
                        differing.append(assignment)
                        described.append("\(path): \(JSONWriter.string(held)) → \(JSONWriter.string(sent))")
                        break
                    }
                }
            }
            if differing.isEmpty {
                unchanged += 1
            } else {
                changes.append(.update(record: record, assignments: differing, described: described))
            }
        }
        var absent = 0
        let named = Set(seen.keys)
        for (identity, record) in byKey where !named.contains(identity) {
            switch sync.missing {
            case .leave: absent += 1
            case .delete: changes.append(.delete(record: record))
            case .deactivate:
                if let flag = shape.deactivation, record[flag.field]?.boolValue != flag.value {
                    changes.append(.deactivate(record: record))
                } else {
                    unchanged += 1
                }
            }
        }
        changes.sort { Interpreter.order($0) < Interpreter.order($1) }
        var counts = (create: 0, update: 0, deactivate: 0, delete: 0)
        for change in changes {
            switch change {
            case .create: counts.create += 1
            case .update: counts.update += 1
            case .deactivate: counts.deactivate += 1
            case .delete: counts.delete += 1
            }
        }
        var summary = "\(counts.create) to create, \(counts.update) to update, \(unchanged) unchanged"
        if sync.missing == .deactivate { summary += ", \(counts.deactivate) to deactivate" }
        if sync.missing == .delete { summary += ", \(counts.delete) to delete" }
        if absent > 0 { summary += ", \(absent) not in \(rowsName) (left alone)" }
        let defaults = Interpreter.scopeDefaults(sync.scope, providedBy: shape.columns)

        if options.dryRun || changes.isEmpty {
            for change in changes {
                switch change {
                case .create(_, let assignments):
                    let body = try await builder.createBody(
                        ObjectLiteral(fields: defaults + assignments, span: span),
                        entity: entity
                    )
                    output.standardOutput("create \(JSONWriter.string(.object(body)))\n")
                case .update(let record, _, let described):
                    output.standardOutput(
                        "update \(Interpreter.describe(record, shape)): \(described.joined(separator: ", "))\n"
                    )
                case .deactivate(let record):
                    output.standardOutput("deactivate \(Interpreter.describe(record, shape))\n")
                case .delete(let record): output.standardOutput("delete \(Interpreter.describe(record, shape))\n")
                }
            }
            let note = changes.isEmpty ? "nothing to do" : "dry run, nothing sent"
            output.standardError("sync \(noun): \(summary) (\(note))\n")
            return
        }
        if changes.count > options.bulkThreshold, !options.assumeYes, bulkConfirmed == 0 {
            let question = "sync \(noun): \(summary); go ahead?"
            guard let confirm = options.confirm else {
                throw RuntimeError(
                    .bulkWriteUnconfirmed(verb: "sync", count: changes.count, plural: noun),
                    source: source,
                    span: span
                )
            }
            guard await confirm(question) else {
                output.standardError("sync: cancelled; nothing was changed\n")
                return
            }
        }
        var createPath: String?
        if counts.create > 0 {
            do throws(Diagnostic) {
                try entity.require(.create, source: source, span: span)
            } catch {
                throw RuntimeError(kind: .compile, diagnostics: [error])
            }
            createPath = try await syncCreatePath(entity, scope: sync.scope, resolved: resolved, in: source, span: span)
        }
        let client = self.client
        var done = 0
        var failures: [(record: String, reason: String)] = []
        for change in changes {
            if Task.isCancelled {
                // Ctrl-C or SIGTERM: no new change starts; the journal holds the ones done.
                output.standardError(
                    "sync \(noun): \(done) of \(changes.count) changes done, \(changes.count - done - failures.count) not attempted\n"
                )
                try Task.checkCancellationAsRuntime(source: source, span: span)
            }
            do {
                switch change {
                case .create(let row, let assignments):
                    let body = try await builder.createBody(
                        ObjectLiteral(fields: defaults + assignments, span: span),
                        entity: entity
                    )
                    let path = createPath ?? entity.path
                    let request = Request(.post, path, body: .object(body))
                    let keyField = shape.keys[0]
                    // An unknown outcome is settled by looking for the record with the row's key.
                    var reconcile: (@Sendable () async throws -> JSON?)?
                    if let keyValue = Interpreter.cell(row, keyField.name) {
                        reconcile = Reconciliation.ofCreation(
                            at: path,
                            key: keyField.comparePath,
                            text: keyValue.displayText,
                            body: body,
                            client: client
                        )
                    }
                    hasWritten = true
                    _ = try await journaling(request, before: nil) {
                        try await WriteVerification.send(request, through: client, reconcile: reconcile)
                    }
                case .update(let record, let assignments, _):
                    try await syncPatch(updating, assignments, record: record, builder: builder, span: span)
                case .deactivate(let record):
                    guard let flag = shape.deactivation else { continue }
                    let path = FieldPath(.dotted([Name(flag.field, span: span)]), span: span)
                    try await syncPatch(
                        updating,
                        [FieldAssignment(field: .field(path), value: .boolean(flag.value, span))],
                        record: record,
                        builder: builder,
                        span: span
                    )
                case .delete(let record):
                    guard let deleting else { continue }
                    let prepared = try await builder.prepare(deleting, record: record)
                    hasWritten = true
                    _ = try await journaling(prepared.request, before: record) {
                        try await WriteVerification.send(prepared.request, through: client)
                    }
                }
                done += 1
            } catch {
                if Task.isCancelled, error is CancellationError { throw error }
                let record: String
                switch change {
                case .create(let row, _): record = "row \(written(shape.keys.map { Interpreter.cell(row, $0.name) }))"
                case .update(let r, _, _), .deactivate(let r), .delete(let r): record = Interpreter.describe(r, shape)
                }
                failures.append((record, "\(error)"))
            }
        }
        var report = "created \(counts.create), updated \(counts.update), \(unchanged) unchanged"
        if sync.missing == .deactivate { report += ", deactivated \(counts.deactivate)" }
        if sync.missing == .delete { report += ", deleted \(counts.delete)" }
        if absent > 0 { report += ", \(absent) not in \(rowsName) (left alone)" }
        if !failures.isEmpty { report += "; \(failures.count) failed" }
        output.standardError("sync \(noun): \(report)\n")
        if let first = failures.first {
            throw RuntimeError(
                .writesFailed(
                    failed: failures.count,
                    attempted: changes.count,
                    record: first.record,
                    reason: first.reason
                ),
                source: source,
                span: span
            )
        }
    }

    /// The rows to sync: their name for messages, their columns and the rows.
    private func syncRows(_ sync: SyncStatement, in source: SourceFile) async throws -> (String, [String], [JSON]) {
        switch sync.source {
        case .data(let reference):
            let pipeline = Pipeline(source: .data(reference), stages: [], span: reference.span)
            let resolved = try await resolve(pipeline, in: source)
            let rows = resolved.provided?.records ?? []
            return (reference.displayName, resolved.provided?.entity.fields.map(\.name) ?? [], rows)
        case .variable(let name):
            guard let binding = scope.lookup(name.text) else {
                throw RuntimeError(
                    kind: .compile,
                    diagnostics: [.unknownVariable(name, in: source, known: variables.keys.sorted())]
                )
            }
            let rows: [JSON]
            switch binding.value {
            case .list(let items): rows = items.map(\.json)
            case .record(let record): rows = [.object(record)]
            default:
                throw RuntimeError(
                    .variableHoldsNoRecords(variable: name.text, kind: binding.value.kindName),
                    source: source,
                    span: name.span
                )
            }
            var columns: [String] = []
            if let entity = binding.entity, entity.isRows, !entity.isRaw {
                columns = entity.fields.map(\.name)
            } else {
                for case .object(let object) in rows {
                    for key in object.keys where !columns.contains(key) { columns.append(key) }
                }
            }
            return ("$\(name.text)", columns, rows)
        }
    }

    /// The write action the planner makes of the scope followed by `kind` (for its paths).
    private func writeAction(
        _ kind: StageKind,
        _ sync: SyncStatement,
        _ resolved: Resolved,
        _ source: SourceFile
    ) throws -> WriteAction {
        var writing = resolved
        writing.pipeline.stages.append(Stage(kind: kind, keywordSpan: sync.span, span: sync.span))
        writing.stageSources.append(source)
        guard let write = try plan(writing, in: source).write else {
            throw RuntimeError(.notAWrite(kind.keyword), source: source, span: sync.span)
        }
        return write
    }

    private func syncPatch(
        _ updating: WriteAction,
        _ assignments: [FieldAssignment],
        record: JSON,
        builder: WriteBuilder,
        span: SourceSpan
    ) async throws {
        var action = updating
        action.stage = Stage(kind: .set(assignments), keywordSpan: span, span: span)
        let prepared = try await builder.prepare(action, record: record)
        hasWritten = true
        let client = self.client
        _ = try await journaling(prepared.request, before: record) {
            try await WriteVerification.send(prepared.request, through: client)
        }
    }

    /// Where new records go: the collection, or for a child (additions) the collection under
    /// the one parent the scope names.
    private func syncCreatePath(
        _ entity: EntitySpec,
        scope: Pipeline,
        resolved: Resolved,
        in source: SourceFile,
        span: SourceSpan
    ) async throws -> String {
        guard entity.parentDepth > 0, let childAt = scope.stages.lastIndex(where: \.kind.isChild) else {
            return entity.path
        }
        var parents = resolved
        parents.pipeline.stages = Array(scope.stages[..<childAt])
        parents.stageSources = Array(resolved.stageSources.prefix(childAt))
        let parentPlan = try plan(parents, in: source)
        var found: [JSON] = []
        _ = try await execute(parentPlan, provided: resolved.provided?.records, source: source, span: span) {
            found.append($0)
            return found.count < 2
        }
        let parentName = parentPlan.final.entity.singular.replacing("_", with: " ")
        guard entity.parentDepth == 1, found.count == 1, let id = found[0]["id"]?.intValue else {
            throw RuntimeError(
                .syncCreateNeedsOneParent(
                    entity: entity.name.replacing("_", with: " "),
                    parent: parentName,
                    count: found.count
                ),
                source: source,
                span: span
            )
        }
        return entity.path.replacing("{id}", with: String(id))
    }

    /// `company = ACME` in the scope: what a record made by the sync must hold to be in it.
    private static func scopeDefaults(_ scope: Pipeline, providedBy columns: [SyncShape.Column]) -> [FieldAssignment] {
        let stages =
            scope.stages.lastIndex(where: \.kind.isChild).map { Array(scope.stages[($0 + 1)...]) } ?? scope.stages
        var defaults: [FieldAssignment] = []
        func collect(_ condition: Condition) {
            switch condition {
            case .and(let lhs, let rhs):
                collect(lhs)
                collect(rhs)
            case .comparison(let comparison):
                guard comparison.op == .equal, comparison.values.count == 1, case .field(let path) = comparison.subject,
                    !columns.contains(where: { $0.field.written.lowercased() == path.written.lowercased() })
                else { return }
                defaults.append(FieldAssignment(field: .field(path), value: comparison.values[0]))
            default: return
            }
        }
        for case .where(let condition) in stages.map(\.kind) { collect(condition) }
        return defaults
    }

    /// A row's cell by column name (any case), nil when absent or null.
    static func cell(_ row: JSON, _ name: String) -> Value? {
        guard case .object(let object) = row, let key = object.key(matching: name), let value = object[key],
            value != .null
        else { return nil }
        return Value(value)
    }

    /// A cell as the value a field assignment writes.
    static func expression(_ value: Value?, span: SourceSpan) -> ValueExpr? {
        switch value {
        case .string(let text)?: return .string(text, span)
        case .integer(let number)?: return .number(String(number), span)
        case .decimal(let number)?: return .number(String(number), span)
        case .boolean(let flag)?: return .boolean(flag, span)
        default: return nil
        }
    }

    /// True when a record's value equals what a write would send (5 and 5.0 are the same).
    static func same(_ held: JSON, _ sent: JSON) -> Bool {
        if held == sent { return true }
        switch (Value(held), Value(sent)) {
        case (.integer, _), (.decimal, _):
            return ClientPredicate.order(Value(held), Value(sent)) == 0
        default: return false
        }
    }

    private static func describe(_ record: JSON, _ shape: SyncShape) -> String {
        let id = record["id"]?.intValue.map(String.init) ?? "?"
        let key = shape.keys.map { record.lookup($0.comparePath)?.displayText ?? "" }.joined(separator: ", ")
        return "\(shape.entity.singular.replacing("_", with: " ")) \(id) (\(key))"
    }

    private static func order(_ change: SyncChange) -> Int {
        switch change {
        case .create: return 0
        case .update: return 1
        case .deactivate: return 2
        case .delete: return 3
        }
    }
}
