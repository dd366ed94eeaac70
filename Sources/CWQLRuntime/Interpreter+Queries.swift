import CWJSON
import CWQLLanguage
import ConnectWiseClient

/// What a pipeline produced.
enum PipelineResult {
    case records([JSON], entity: EntitySpec, columns: [OutputColumn], projected: Bool)
    case count(Int)
    case written(WriteReport)
}

extension Interpreter {
    /// A pipeline ready to plan: its stages' sources, records a variable provides, and the
    /// variables a `def` call binds.
    struct Resolved {
        var pipeline: Pipeline
        var stageSources: [SourceFile]
        var provided: (entity: EntitySpec, records: [JSON])?
        var parameters: [String: Binding]
    }

    /// Expands `$variable | …` and `def(…) | …` into something the planner takes.
    func resolve(_ pipeline: Pipeline, in source: SourceFile) async throws -> Resolved {
        let own = Array(repeating: source, count: pipeline.stages.count)
        switch pipeline.source {
        case .entity, .record, .endpoint:
            return Resolved(pipeline: pipeline, stageSources: own, provided: nil, parameters: [:])
        case .data(let reference):
            // Read by the check, before anything ran; a module checked apart reads it now.
            var table = checkedData[reference.key]
            if table == nil {
                switch options.data.load(reference, from: source) {
                case .success(let loaded): table = loaded
                case .failure(let problem): throw RuntimeError(kind: .compile, diagnostics: [problem])
                }
                checkedData[reference.key] = table
            }
            let rows = table ?? DataTable(name: reference.displayName, columns: [], rows: [])
            return Resolved(
                pipeline: pipeline,
                stageSources: own,
                provided: (.rows(of: reference.displayName, columns: rows.columns), rows.rows),
                parameters: [:]
            )
        case .variable(let name):
            guard let binding = scope.lookup(name.text) else {
                throw RuntimeError(
                    kind: .compile,
                    diagnostics: [.unknownVariable(name, in: source, known: variables.keys.sorted())]
                )
            }
            guard let entity = binding.entity else {
                throw RuntimeError(
                    .variableHoldsNoRecords(variable: name.text, kind: binding.value.kindName),
                    source: source,
                    span: name.span
                )
            }
            let records: [JSON]
            switch binding.value {
            case .list(let items): records = items.map(\.json)
            case .record: records = [binding.value.json]
            default: records = []
            }
            return Resolved(pipeline: pipeline, stageSources: own, provided: (entity, records), parameters: [:])
        case .call(let name, let arguments, let span):
            guard let definition = definition(named: name.text) else {
                throw RuntimeError(
                    kind: .compile,
                    diagnostics: [.unknownQuery(name, in: source, known: knownNames.definitions)]
                )
            }
            guard case .query(let body) = definition.body else {
                throw RuntimeError(.procedureUsedAsQuery(name.text), source: source, span: name.span, kind: .compile)
            }
            guard callDepth < Interpreter.maximumCallDepth else {
                throw RuntimeError(.callsNestedTooDeeply, source: source, span: span)
            }
            callDepth += 1
            defer { callDepth -= 1 }
            let parameters = try await bindArguments(name, definition, arguments, in: source, span: span)
            // The body is resolved and planned with its module's variables and its parameters,
            // whatever the caller's variables of the same names hold.
            return try await inScope(of: definition) {
                try await within(VariableScope(parent: scope, holdsLets: false, bindings: parameters)) {
                    var inner = try await resolve(body, in: definition.source)
                    inner.pipeline.stages += pipeline.stages
                    inner.stageSources += own
                    // A module's body reads its module's variables; a script's reads the caller's.
                    for (key, value) in definition.module != nil ? variables : parameters
                    where inner.parameters[key] == nil {
                        inner.parameters[key] = value
                    }
                    return inner
                }
            }
        }
    }

    /// Plans a resolved pipeline with the current variables (and a `def`'s parameters).
    func plan(_ resolved: Resolved, in source: SourceFile) throws -> QueryPlan {
        let parameters = VariableScope(parent: scope, holdsLets: false, bindings: resolved.parameters)
        let outer = scope
        scope = parameters
        defer { scope = outer }
        do {
            return try QueryPlanner(
                catalog: catalog,
                source: resolved.stageSources.first ?? source,
                environment: compileEnvironment
            )
            .plan(resolved.pipeline, stageSources: resolved.stageSources, provided: resolved.provided?.entity)
        } catch {
            throw RuntimeError(kind: .compile, diagnostics: [error])
        }
    }

    /// Where a printed pipeline's records go as they arrive.
    struct RecordSink {
        /// A built record.
        let record: (JSON) -> Void
        /// A page of records as it came, from a plan with nothing to do on the client.
        let page: (RecordPage) -> Void
    }

    /// Runs a pipeline and returns everything it produced (writes included).
    ///
    /// - Parameter streaming: called once planning is done, with the output columns; a
    ///   returned sink receives the records as they arrive instead of collecting them.
    func runPipeline(
        _ pipeline: Pipeline,
        in source: SourceFile,
        streaming: ((_ columns: [OutputColumn], _ projected: Bool) -> RecordSink?)? = nil
    ) async throws -> PipelineResult {
        let resolved = try await resolve(pipeline, in: source)
        let plan = try plan(resolved, in: source)
        let outer = scope
        scope = VariableScope(parent: scope, holdsLets: false, bindings: resolved.parameters)
        defer { scope = outer }
        let final = plan.final
        let columns = outputColumns(plan)
        let endsInRecords: Bool
        if case .records = final.clientStages.last.map(Interpreter.endingKind) ?? .records, !final.countOnly {
            endsInRecords = true
        } else {
            endsInRecords = false
        }
        let sink = plan.write == nil && endsInRecords ? streaming?(columns.columns, columns.projected) : nil
        var collected: [JSON] = []
        let ending = try await execute(
            plan,
            provided: resolved.provided?.records,
            source: source,
            span: pipeline.span,
            prefetch: sink == nil ? nil : options.printedReadPrefetch,
            pages: sink?.page
        ) { record in
            if let sink { sink.record(record) } else { collected.append(record) }
            return true
        }
        if let write = plan.write {
            return .written(try await performWrites(write, on: collected, source: source))
        }
        switch ending {
        case .count(let count): return .count(count)
        case .records:
            return .records(collected, entity: final.entity, columns: columns.columns, projected: columns.projected)
        }
    }

    /// The read part of a plan, feeding `sink`; records a variable holds go through the
    /// client stages directly.
    func execute(
        _ plan: QueryPlan,
        provided: [JSON]?,
        source: SourceFile,
        span: SourceSpan,
        prefetch: Int? = nil,
        pages: ((RecordPage) -> Void)? = nil,
        _ sink: @escaping (JSON) async throws -> Bool
    ) async throws -> ClientStageChain.Ending {
        let executor = QueryExecutor(
            client: client,
            plan: plan,
            source: source,
            environment: compileEnvironment,
            provided: provided,
            prefetch: prefetch,
            pages: pages
        )
        return try await executor.run(sink)
    }

    /// The columns a result shows: the last `select`, or the entity's defaults.
    func outputColumns(_ plan: QueryPlan) -> (columns: [OutputColumn], projected: Bool) {
        let final = plan.final
        for stage in final.clientStages.reversed() {
            if case .project(let columns) = stage { return (columns, true) }
        }
        return (defaultColumns(final.entity), false)
    }

    func defaultColumns(_ entity: EntitySpec) -> [OutputColumn] {
        entity.defaultColumns.compactMap { name in
            let path = FieldPath(.dotted([Name(name, span: .none)]), span: .none)
            guard let resolved = try? entity.resolve(path, in: SourceFile(name: "<catalog>", text: "")) else {
                return nil
            }
            return OutputColumn(label: name, path: resolved.path)
        }
    }

    /// Runs a pipeline statement and prints its result in the chosen format, record by record
    /// as the records arrive (a table after its first rows, which size its columns).
    func runPipelineStatement(_ pipeline: Pipeline, in source: SourceFile) async throws {
        let output = self.output
        let style = options.style
        var writer: ResultWriter?
        let result = try await runPipeline(
            pipeline,
            in: source,
            streaming: { columns, projected in
                writer = ResultWriter(style: style, columns: columns, projected: projected) {
                    output.standardOutput(bytes: $0)
                }
                return RecordSink(record: { writer?.write($0) }, page: { writer?.write($0) })
            }
        )
        switch result {
        case .records(let records, let entity, let columns, let projected):
            if writer != nil {
                writer?.finish()
            } else {
                var fresh = ResultWriter(
                    style: style,
                    columns: columns.isEmpty ? defaultColumns(entity) : columns,
                    projected: projected
                ) {
                    output.standardOutput(bytes: $0)
                }
                for record in records { fresh.write(record) }
                fresh.finish()
            }
        case .count(let count):
            output.standardOutput(
                style.format == .json || style.format == .jsonl ? "{\"count\":\(count)}\n" : "\(count)\n"
            )
        case .written(let report):
            if report.failed == 0, let first = report.unknowns.first {
                throw RuntimeError(
                    .writesUnknown(
                        unknown: report.unknowns.count,
                        attempted: report.attempted,
                        record: "\(first.record)"
                    ),
                    source: source,
                    span: pipeline.span
                )
            }
            if report.failed > 0 {
                let first = report.failures[0]
                throw RuntimeError(
                    .writesFailed(
                        failed: report.failed,
                        attempted: report.attempted,
                        record: "\(first.record)",
                        reason: first.reason
                    ),
                    source: source,
                    span: pipeline.span
                )
            }
        }
    }

    static func endingKind(_ stage: ClientStage) -> ClientStageChain.Ending {
        switch stage {
        case .count: return .count(0)
        default: return .records
        }
    }

    /// Records shown as a table (for `print $list`).
    func render(_ records: [JSON], entity: EntitySpec) -> String {
        var text = ""
        var writer = ResultWriter(style: options.style, columns: defaultColumns(entity), projected: false) {
            text += String(decoding: $0, as: UTF8.self)
        }
        for record in records { writer.write(record) }
        writer.finish()
        return text
    }

    // MARK: - Values

    /// Evaluates a scripting value; a query runs and gives its records or count.
    func evaluate(_ value: ValueExpr, in source: SourceFile) async throws -> Binding {
        switch value {
        case .query(let pipeline):
            switch try await runPipeline(pipeline, in: source) {
            case .records(let records, let entity, _, _):
                // `ticket 5` (and its stages but a child's) is one record, so `$t.summary` reads it.
                if case .record = pipeline.source, !pipeline.stages.contains(where: \.kind.isChild) {
                    return Binding(value: records.first.map(Value.init) ?? .null, entity: entity)
                }
                return Binding(value: .list(records.map(Value.init)), entity: entity)
            case .count(let count): return Binding(value: .integer(count), entity: nil)
            case .written(let report): return Binding(value: .integer(report.succeeded), entity: nil)
            }
        case .variable(let name, let path, let span):
            if path.isEmpty, let binding = scope.lookup(name.text) { return binding }
            return Binding(
                value: try compileEnvironment.lookUp(name, path: path, span: span, source: source),
                entity: nil
            )
        case .arithmetic(let lhs, let op, let rhs, let span):
            let left = try await evaluate(lhs, in: source).value
            let right = try await evaluate(rhs, in: source).value
            do {
                return Binding(value: try Arithmetic.apply(op, left, right), entity: nil)
            } catch {
                throw RuntimeError(error.problem, source: source, span: span)
            }
        case .interpolated(let parts, _):
            var values: [Value] = []
            for part in parts {
                switch part {
                case .text(let text): values.append(.string(text))
                case .value(let inner): values.append(try await evaluate(inner, in: source).value)
                }
            }
            return Binding(value: .string(Arithmetic.interpolate(values)), entity: nil)
        case .list(let items, _):
            var values: [Value] = []
            for item in items { values.append(try await evaluate(item, in: source).value) }
            return Binding(value: .list(values), entity: nil)
        case .object(let object):
            var pairs: [(String, JSON)] = []
            for assignment in object.fields {
                let value = try await evaluate(assignment.value, in: source).value
                if !pairs.contains(where: { $0.0 == assignment.key }) { pairs.append((assignment.key, value.json)) }
            }
            return Binding(value: .record(JSONObject(distinctPairs: pairs)), entity: nil)
        case .member(let inner, let path, _):
            let held = try await evaluate(inner, in: source)
            guard let found = held.value.field(at: path, of: held.entity) else {
                throw RuntimeError(
                    .noSuchFieldInVariable(variable: source.text(of: inner.span), field: path[0].text),
                    source: source,
                    span: path[0].span
                )
            }
            return Binding(value: found, entity: nil)
        case .compare(let lhs, let op, let rhs, let span):
            let left = try await evaluate(lhs, in: source).value
            let right = try await evaluate(rhs, in: source).value
            let result: Bool?
            switch op {
            case .contains, .notContains:
                let found = left.displayText.lowercased().contains(right.displayText.lowercased())
                result = op == .contains ? found : !found
            default:
                result = ClientPredicate.test(left, op, [right])
            }
            guard let result else {
                if left == .null || right == .null { return Binding(value: .boolean(false), entity: nil) }
                throw RuntimeError(.cannotCompare(left.kindName, right.kindName), source: source, span: span)
            }
            return Binding(value: .boolean(result), entity: nil)
        case .and(let lhs, let rhs):
            let left = truth(try await evaluate(lhs, in: source).value)
            return Binding(
                value: .boolean(left ? truth(try await evaluate(rhs, in: source).value) : false),
                entity: nil
            )
        case .or(let lhs, let rhs):
            let left = truth(try await evaluate(lhs, in: source).value)
            return Binding(value: .boolean(left ? true : truth(try await evaluate(rhs, in: source).value)), entity: nil)
        case .not(let inner, _):
            return Binding(value: .boolean(!truth(try await evaluate(inner, in: source).value)), entity: nil)
        case .word(let word, let span):
            throw RuntimeError(
                .bareWordAsValue(word),
                source: source,
                span: span,
                kind: .compile
            )
        default:
            return Binding(
                value: try compileEnvironment.value(of: value, as: .unknown, field: "value", source: source),
                entity: nil
            )
        }
    }
}
