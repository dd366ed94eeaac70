import ConnectWiseSpec

/// Checks a whole program before any of it runs, so that a statically certain mistake never
/// follows a write: entities, stages and fields of every query (in statements, `def`s and
/// procedures), the fields of `create`/`upsert`, every variable read (defined by `let`, `for`,
/// a parameter, an import or `--var`), every call (defined, with the right number of
/// arguments, a procedure on its own line and a query as a source), field access on variables
/// holding records (`$t.summary`), and every import. Values themselves are checked when they
/// are known, at run time.
///
/// Scopes are lexical: a procedure's parameters and a loop's variable live in scopes of their
/// own; `let` defines in the scope it is written in.
public struct StaticChecker {
    public let catalog: Catalog
    public let source: SourceFile
    /// Finds an imported module's text, or says why it can't (the runtime does the I/O).
    public var loadModule:
        ((_ name: String, _ from: SourceFile, _ span: SourceSpan) -> Result<ImportedModule, Diagnostic>)?
    /// Reads a `from` source's rows, or says why it can't, naming the file and line (the
    /// runtime does the I/O); nil leaves their columns unchecked.
    public var loadData: ((_ reference: DataSourceReference, _ in: SourceFile) -> Result<DataTable, Diagnostic>)?
    /// True while checking an imported module, where `watch` and `on` are not written.
    var isModule = false

    public init(
        catalog: Catalog = .standard,
        source: SourceFile,
        loadModule: ((String, SourceFile, SourceSpan) -> Result<ImportedModule, Diagnostic>)? = nil,
        loadData: ((DataSourceReference, SourceFile) -> Result<DataTable, Diagnostic>)? = nil
    ) {
        self.catalog = catalog
        self.source = source
        self.loadModule = loadModule
        self.loadData = loadData
    }

    /// Every problem found, one per statement at most; names the program defines are added to
    /// `scope` (so a REPL session or a prelude can carry them on).
    public func check(_ program: Program, in scope: CheckScope = CheckScope()) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var importing: [String] = []
        check(program.statements, in: scope, importing: &importing, into: &diagnostics)
        return diagnostics
    }

    private func check(
        _ statements: [Statement],
        in scope: CheckScope,
        importing: inout [String],
        into diagnostics: inout [Diagnostic]
    ) {
        for statement in statements {
            do {
                try check(statement, in: scope, importing: &importing, into: &diagnostics)
            } catch {
                diagnostics.append(error)
            }
        }
    }

    private func check(
        _ statement: Statement,
        in scope: CheckScope,
        importing: inout [String],
        into diagnostics: inout [Diagnostic]
    ) throws(Diagnostic) {
        switch statement.kind {
        case .let(let name, let value):
            let known = try check(value, in: scope)
            scope.define(variable: name.text, known)
        case .def(let name, let parameters, let body):
            let inner = CheckScope(parent: scope)
            for parameter in parameters { inner.define(variable: parameter.text, .unknown) }
            // Defined first, so that a recursive call is a known name (its depth is limited when it runs).
            scope.define(
                definition: name.text,
                KnownDefinition(parameters: parameters.map(\.text), isProcedure: false, yields: nil)
            )
            let yields = try check(body, in: inner)
            scope.define(
                definition: name.text,
                KnownDefinition(parameters: parameters.map(\.text), isProcedure: false, yields: yields.entity)
            )
        case .procedure(let name, let parameters, let body):
            scope.define(
                definition: name.text,
                KnownDefinition(parameters: parameters.map(\.text), isProcedure: true, yields: nil)
            )
            let inner = CheckScope(parent: scope)
            for parameter in parameters { inner.define(variable: parameter.text, .unknown) }
            check(body, in: inner, importing: &importing, into: &diagnostics)
        case .import(let name, let alias, let span):
            try importModule(name, alias: alias, span: span, in: scope, importing: &importing, into: &diagnostics)
        case .for(let variable, let sequence, let body):
            let known = try check(sequence, in: scope)
            let inner = CheckScope(parent: scope)
            switch known {
            case .records(let entity): inner.define(variable: variable.text, .record(entity))
            default: inner.define(variable: variable.text, .unknown)
            }
            check(body, in: inner, importing: &importing, into: &diagnostics)
            // `let`s in the body stay visible after the loop, as they do when it runs.
            for (name, value) in inner.variables where name != variable.text { scope.define(variable: name, value) }
        case .if(let condition, let then, let otherwise):
            _ = try check(condition, in: scope)
            check(then, in: scope, importing: &importing, into: &diagnostics)
            if let otherwise { check(otherwise, in: scope, importing: &importing, into: &diagnostics) }
        case .print(let values):
            for value in values { _ = try check(value, in: scope) }
        case .create(let name, let object):
            let entity = try entity(name)
            try entity.require(.create, source: source, span: name.span)
            try checkObject(object, entity: entity, in: scope)
            scope.define(variable: "created", .record(catalog.entity(named: name.text)))
        case .upsert(let name, let match, let object):
            let entity = try entity(name)
            try entity.require(.create, source: source, span: name.span)
            try entity.require(.update, source: source, span: name.span)
            try checkCondition(match, entity: entity, in: scope)
            try checkObject(object, entity: entity, in: scope)
            scope.define(variable: "created", .record(entity))
        case .sync(let sync):
            try checkSync(sync, in: scope)
        case .watch(let watch):
            guard !isModule else { throw Diagnostic(.eventsInModule("watch"), source: source, span: watch.span) }
            try checkWatch(watch, in: scope, importing: &importing, into: &diagnostics)
        case .on(let handler):
            guard !isModule else { throw Diagnostic(.eventsInModule("on"), source: source, span: handler.span) }
            let entity = try changedEntity(handler.entity)
            let inner = CheckScope(parent: scope)
            inner.define(variable: EventVariables.change, .record(entity))
            inner.define(variable: EventVariables.action, .scalar("text"))
            check(handler.body, in: inner, importing: &importing, into: &diagnostics)
        case .pipeline(let pipeline):
            if case .call(let name, let arguments, let span) = pipeline.source, pipeline.stages.isEmpty,
                let definition = scope.definition(name.text), definition.isProcedure
            {
                try checkCall(name, arguments: arguments, span: span, definition: definition, in: scope)
                return
            }
            _ = try check(pipeline, in: scope)
        }
    }

    // MARK: - Events

    /// `watch`: an entity with `where`s ConnectWise can filter by, a sensible `every`, a
    /// `since` that is a date, and a block in which `$change` is one of its records.
    private func checkWatch(
        _ watch: WatchStatement,
        in scope: CheckScope,
        importing: inout [String],
        into diagnostics: inout [Diagnostic]
    ) throws(Diagnostic) {
        let known = try check(watch.query, in: scope)
        let environment = CompileEnvironment(now: UTCDate(secondsSinceEpoch: 0))
        // A written length is checked now; one from a variable when the script runs.
        if let every = watch.every, case .number = every.amount {
            try WatchPlan.requireInterval(every, environment: environment, source: source)
        }
        if let since = watch.since { try check(since, in: scope) }
        let planner = QueryPlanner(catalog: catalog, source: source, environment: environment)
        do {
            _ = try WatchPlan(watch, planner: planner)
        } catch {
            // Values only known when it runs (a variable in a condition) are checked then.
            switch error.problem {
            case .watchSource, .watchStage, .watchWithoutLastUpdated, .watchFilterOnClient: throw error
            default: break
            }
        }
        let inner = CheckScope(parent: scope)
        inner.define(variable: EventVariables.change, .record(known.entity))
        check(watch.body, in: inner, importing: &importing, into: &diagnostics)
    }

    /// The entity of `on ENTITY changed`: one ConnectWise sends callbacks for.
    private func changedEntity(_ name: Name) throws(Diagnostic) -> EntitySpec {
        let entity = try topLevelEntity(name, singularOnly: false)
        guard CallbackTypes.byPath[entity.path] != nil else {
            let entities = CallbackTypes.byPath.keys.compactMap { path in
                catalog.entities.first { $0.path == path }?.singular
            }
            throw Diagnostic(
                .noCallbacks(entity: entity.name, entities: entities.sorted()),
                source: source,
                span: name.span
            )
        }
        return entity
    }

    // MARK: - Imports

    private func importModule(
        _ name: String,
        alias: Name?,
        span: SourceSpan,
        in scope: CheckScope,
        importing: inout [String],
        into diagnostics: inout [Diagnostic]
    ) throws(Diagnostic) {
        guard let loadModule else { return }
        let module: ImportedModule
        switch loadModule(name, source, span) {
        case .success(let found): module = found
        case .failure(let problem): throw problem
        }
        if importing.contains(module.key) {
            let cycle = (importing.drop { $0 != module.key } + [module.key]).map {
                $0.split(separator: "/").last.map(String.init) ?? $0
            }
            throw Diagnostic(.importCycle(cycle), source: source, span: span)
        }
        guard let namespace = alias?.text ?? ModuleNamespace.defaultName(of: name) else { return }
        let definitions: [String: KnownDefinition]
        if let known = scope.moduleDefinitions(module.key) {
            definitions = known
        } else {
            let program: Program
            do {
                program = try Parser.parse(module.source)
            } catch {
                diagnostics += error.diagnostics
                return
            }
            importing.append(module.key)
            defer { importing.removeLast() }
            // A module has a scope of its own: the prelude's definitions, not the importer's
            // variables; its `let`s stay its own.
            let own = CheckScope(module: scope)
            var inner = StaticChecker(catalog: catalog, source: module.source, loadModule: loadModule)
            inner.loadData = loadData
            inner.isModule = true
            inner.check(program.statements, in: own, importing: &importing, into: &diagnostics)
            definitions = own.ownDefinitions
            scope.remember(module: module.key, program: program, definitions: definitions)
        }
        for (definition, known) in definitions {
            scope.define(definition: ModuleNamespace.qualified(definition, in: namespace), known)
        }
    }

    // MARK: - Values and variables

    /// Checks a value and says what it holds.
    @discardableResult
    private func check(_ value: ValueExpr, in scope: CheckScope) throws(Diagnostic) -> KnownValue {
        switch value {
        case .query(let pipeline):
            return try check(pipeline, in: scope).value
        case .variable(let name, let path, let span):
            return try checkVariable(name, path: path, span: span, in: scope)
        case .compare(let lhs, _, let rhs, _), .and(let lhs, let rhs), .or(let lhs, let rhs):
            try check(lhs, in: scope)
            try check(rhs, in: scope)
            return .scalar("true or false")
        case .not(let inner, _):
            try check(inner, in: scope)
            return .scalar("true or false")
        case .duration(let duration):
            try check(duration.amount, in: scope)
            return .scalar("a date")
        case .arithmetic(let lhs, let op, let rhs, let span):
            let left = try check(lhs, in: scope)
            let right = try check(rhs, in: scope)
            // Known kinds that can't combine are a compile error (`"a" + 1`).
            if case .scalar(let a) = left, case .scalar(let b) = right,
                let sample = ValueType.sample(ofKind: a), let other = ValueType.sample(ofKind: b)
            {
                do {
                    if let result = try Arithmetic.kind(op, sample, other) { return .scalar(result.kindName) }
                } catch {
                    throw Diagnostic(error.problem, source: source, span: span)
                }
            }
            return .unknown
        case .interpolated(let parts, _):
            for case .value(let inner) in parts { try check(inner, in: scope) }
            return .scalar("text")
        case .list(let items, _):
            for item in items { try check(item, in: scope) }
            return .scalar("a list")
        case .member(let inner, let path, _):
            if case .record(let entity?) = try check(inner, in: scope), let first = path.first,
                !entity.hasColumn(first.text)
            {
                throw Diagnostic(
                    .unknownField(
                        message: "unknown field `\(first.text)` on \(entity.name)",
                        help: Suggestions.didYouMean(first.text, among: entity.fields.map(\.name))
                    ),
                    source: source,
                    span: first.span
                )
            }
            return .unknown
        case .object(let object):
            for assignment in object.fields { try check(assignment.value, in: scope) }
            return .record(nil)
        case .field, .customField: return .unknown
        case .string: return .scalar("text")
        case .number: return .scalar("a number")
        case .boolean: return .scalar("true or false")
        case .date: return .scalar("a date")
        case .null, .word: return .unknown
        }
    }

    /// `sync`: the scope is a read of ConnectWise records, and every column of the rows (when
    /// they are known now) writes one of their fields.
    private func checkSync(_ sync: SyncStatement, in scope: CheckScope) throws(Diagnostic) {
        guard let entity = try check(sync.scope, in: scope).entity else { return }
        let rows: EntitySpec?
        switch sync.source {
        case .data(let reference):
            let pipeline = Pipeline(source: .data(reference), stages: [], span: reference.span)
            rows = try check(pipeline, in: scope).entity
        case .variable(let name):
            switch try checkVariable(name, path: [], span: name.span, in: scope) {
            case .records(let held), .record(let held): rows = held
            case .scalar(let kind):
                throw Diagnostic(
                    .variableHoldsNoRecords(variable: name.text, kind: kind),
                    source: source,
                    span: name.span
                )
            case .unknown: rows = nil
            }
        }
        // Rows read now, or held by a variable whose columns are known: checked now.
        let known = rows.flatMap { $0.isRows && !$0.isRaw ? $0 : nil }
        _ = try SyncShape.make(
            sync,
            entity: entity,
            columns: known?.fields.map(\.name),
            rowsName: known?.name ?? "",
            source: source
        )
    }

    /// `$name` and `$name.field…`: the variable is defined, and a field of records exists.
    private func checkVariable(
        _ name: Name,
        path: [Name],
        span: SourceSpan,
        in scope: CheckScope
    ) throws(Diagnostic) -> KnownValue {
        guard let known = scope.variable(name.text) else {
            throw .unknownVariable(name, in: source, known: scope.allVariableNames)
        }
        guard let first = path.first else { return known }
        switch known {
        case .record(let entity?), .records(let entity?):
            guard entity.field(named: first.text) != nil || entity.hasColumn(first.text) else {
                throw Diagnostic(
                    .variableHoldsEntityWithoutField(
                        variable: name.text,
                        entity: entity.name,
                        field: first.text,
                        near: Suggestions.didYouMean(first.text, among: entity.fields.map(\.name))
                    ),
                    source: source,
                    span: first.span
                )
            }
            return .unknown
        case .scalar(let kind):
            throw Diagnostic(
                .variableHoldsNoFields(variable: name.text, kind: kind, field: first.text),
                source: source,
                span: first.span
            )
        default:
            return .unknown
        }
    }

    /// A call of a `def`: defined, with as many arguments as parameters.
    private func checkCall(
        _ name: Name,
        arguments: [ValueExpr],
        span: SourceSpan,
        definition: KnownDefinition,
        in scope: CheckScope
    ) throws(Diagnostic) {
        let count = definition.parameters.count
        guard arguments.count == count else {
            throw Diagnostic(
                .wrongArgumentCount(name: name.text, parameters: definition.parameters, given: arguments.count),
                source: source,
                span: span
            )
        }
        for argument in arguments { try check(argument, in: scope) }
    }

    // MARK: - Pipelines

    /// Checks a pipeline; gives the entity of its records (when known) and what it yields.
    private func check(
        _ pipeline: Pipeline,
        in scope: CheckScope
    ) throws(Diagnostic) -> (entity: EntitySpec?, value: KnownValue) {
        var current: EntitySpec?
        var single = false
        let planner = QueryPlanner(
            catalog: catalog,
            source: source,
            environment: CompileEnvironment(now: UTCDate(secondsSinceEpoch: 0))
        )
        switch pipeline.source {
        case .data(let reference):
            // Read now, once: bad input is a located error before anything runs.
            if let table = scope.data(reference.key) {
                current = .rows(of: reference.displayName, columns: table.columns)
            } else if let loadData {
                let table = try loadData(reference, source).get()
                scope.remember(data: table, key: reference.key)
                current = .rows(of: reference.displayName, columns: table.columns)
            } else {
                current = .rows(of: reference.displayName, columns: nil)
            }
        case .endpoint(let path):
            current = try planner.endpointSource(path).entity
        case .entity(let name):
            current = try topLevelEntity(name)
        case .record(let name, let id):
            current = try topLevelEntity(name)
            try check(id, in: scope)
            single = true
        case .variable(let name):
            switch try checkVariable(name, path: [], span: name.span, in: scope) {
            case .records(let entity): current = entity
            case .record(let entity):
                current = entity
                single = true
            case .scalar(let kind):
                throw Diagnostic(
                    .variableHoldsNoRecords(variable: name.text, kind: kind),
                    source: source,
                    span: name.span
                )
            case .unknown: current = nil
            }
        case .call(let name, let arguments, let span):
            guard let definition = scope.definition(name.text) else {
                throw .unknownQuery(name, in: source, known: scope.allDefinitionNames)
            }
            guard !definition.isProcedure else {
                throw Diagnostic(.procedureUsedAsQuery(name.text), source: source, span: name.span)
            }
            try checkCall(name, arguments: arguments, span: span, definition: definition, in: scope)
            current = definition.yields
        }
        var value: KnownValue = single ? .record(current) : .records(current)
        // The planner's own rules decide columns (a child's rows may name their parent's
        // fields), child stages and what a write needs; values are known only when it runs.
        var segments = current.map { [PlanSegment(entity: $0, origin: .collection)] } ?? []
        var write: Stage?
        for (position, stage) in pipeline.stages.enumerated() {
            try planner.checkOrder(of: stage, at: position, in: pipeline, after: write)
            if stage.kind.isWrite { write = stage }
            try checkValues(of: stage, in: scope)
            if stage.kind.isWrite { value = .scalar("a number") }
            switch stage.kind {
            case .count: value = .scalar("a number")
            case .take, .first: break
            case .child, .endpoint: single = false
            default: break
            }
            guard let entity = current else { continue }
            let index = segments.count - 1
            switch stage.kind {
            case .where(let condition):
                try planner.refuseParentFields(in: condition, at: index, in: segments)
                try checkCondition(condition, entity: entity, in: scope)
            case .select(let items):
                for item in items {
                    switch item {
                    case .field(let path): _ = try planner.column(path, at: index, in: &segments)
                    case .customField: break
                    case .computed(_, let value):
                        for path in value.fieldsRead { _ = try planner.column(path, at: index, in: &segments) }
                    }
                }
            case .sort(let keys): for key in keys { _ = try planner.column(key.field, at: index, in: &segments) }
            case .aggregate(let aggregation):
                try planner.aggregate(aggregation, at: index, in: &segments)
                current = segments[segments.count - 1].entity
                value = .records(current)
            case .note, .close, .assign, .log, .set, .delete:
                try planner.refuseRows(stage, in: segments[index])
                _ = try planner.writeAction(stage, at: index, in: &segments)
            case .child, .endpoint:
                try planner.refuseRows(stage, in: segments[index])
                try planner.appendSegment(leadingFrom: stage, to: &segments)
                let child = segments[segments.count - 1].entity
                current = child
                if case .records = value { value = .records(child) }
            default: break
            }
        }
        // A query whose values are all written in it is planned whole now, so what only the
        // planner finds (`take 0`, `summary > 5`, a status a board lacks) stops the script
        // before anything runs; one that reads a variable is planned when it runs.
        switch pipeline.source {
        case .entity, .record, .endpoint:
            do {
                _ = try planner.plan(pipeline)
            } catch {
                if !error.problem.isKnownOnlyWhenRunning { throw error }
            }
        case .variable, .call, .data: break
        }
        return (current, value)
    }

    /// The values written inside a stage (`take $n`, `note $text`, `set f = $v`, `log -$h h`).
    private func checkValues(of stage: Stage, in scope: CheckScope) throws(Diagnostic) {
        switch stage.kind {
        case .take(let value), .assign(let value): try check(value, in: scope)
        case .note(let text, _): try check(text, in: scope)
        case .set(let assignments): for assignment in assignments { try check(assignment.value, in: scope) }
        case .log(let hours, let notes, let details):
            try check(hours.amount, in: scope)
            if let notes { try check(notes, in: scope) }
            for value in details.values { try check(value, in: scope) }
        case .where(let condition): try checkConditionValues(condition, in: scope)
        default: break
        }
    }

    private func checkConditionValues(_ condition: Condition, in scope: CheckScope) throws(Diagnostic) {
        for comparison in condition.comparisons {
            for value in comparison.values { try check(value, in: scope) }
        }
    }

    private func checkCondition(_ condition: Condition, entity: EntitySpec, in scope: CheckScope) throws(Diagnostic) {
        for comparison in condition.comparisons {
            if case .field(let path) = comparison.subject {
                try entity.resolve(path, in: source).checkEnumeration(comparison, source: source)
            }
            for value in comparison.values { try check(value, in: scope) }
        }
    }

    private func checkObject(_ object: ObjectLiteral, entity: EntitySpec, in scope: CheckScope) throws(Diagnostic) {
        for assignment in object.fields {
            if case .field(let path) = assignment.field { _ = try entity.resolveForWrite(path, in: source) }
            try check(assignment.value, in: scope)
        }
    }

    private func topLevelEntity(_ name: Name, singularOnly: Bool = false) throws(Diagnostic) -> EntitySpec {
        guard let found = catalog.entity(named: name.text), found.isTopLevel else {
            throw .unknownEntity(name, in: source, catalog: catalog, singularOnly: singularOnly)
        }
        return found
    }

    private func entity(_ name: Name) throws(Diagnostic) -> EntitySpec {
        try topLevelEntity(name, singularOnly: true)
    }
}
