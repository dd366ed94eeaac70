import CWJSON
import CWQLLanguage
import ConnectWiseClient
import Foundation

/// Where results and reports go: results on standard output, reports and progress on
/// standard error.
public protocol OutputSink: Sendable {
    func standardOutput(_ text: String)
    func standardError(_ text: String)
    /// Results as UTF-8 bytes, as the result writer makes them (by default, as text).
    func standardOutput(bytes: UnsafeBufferPointer<UInt8>)
    /// Writes what the sink holds: called at the end of every statement (by default, nothing).
    func flush()
}

extension OutputSink {
    public func standardOutput(bytes: UnsafeBufferPointer<UInt8>) {
        standardOutput(String(decoding: bytes, as: UTF8.self))
    }

    public func flush() {}
}

/// How a run behaves.
public struct RunOptions: Sendable {
    /// How results look: format, width, header, expanded view.
    public var style = ResultStyle()
    public var format: OutputFormat {
        get { style.format }
        set { style.format = newValue }
    }
    /// Pages the read of a statement whose records are printed starts with its first page (see
    /// `--prefetch`); nil: the client's own.
    public var printedReadPrefetch: Int?
    /// Print each write as METHOD path + body and send none.
    public var dryRun = false
    /// Confirm bulk writes and deletes without asking.
    public var assumeYes = false
    /// How `from` reads files and standard input.
    public var data = DataLoader()
    /// Writes to more records than this need confirmation.
    public var bulkThreshold = 20
    /// Asks the user a yes/no question (the REPL); nil in scripts, where `--yes` is needed.
    public var confirm: (@Sendable (String) async -> Bool)?
    /// Values of `--var name=value`, typed by ``CommandLineVariables``.
    public var variables: [String: Value] = [:]
    /// Where each run that writes keeps its journal (`runs/` under it); nil for none.
    public var stateDirectory: String?
    /// Where `today`, `startOfWeek` and the like are (the profile's `timezone`, else the machine's).
    public var zone: LocalZone = .utc
    /// The member identifier `me` stands for (the profile's `member`, CW_MEMBER).
    public var me: String?

    public init() {}
}

/// A variable's value, and for records the entity they came from (so `$t | note …` works).
struct Binding {
    var value: Value
    var entity: EntitySpec?
}

/// A `def`: parameters and a query body (or a procedure's statements), with the source it
/// was written in.
struct Definition {
    enum Body {
        case query(Pipeline)
        case procedure([Statement])
    }

    var parameters: [Name]
    var body: Body
    var source: SourceFile
    /// The module it was defined in (nil: the script, or the prelude): its body runs with
    /// that module's variables and definitions.
    var module: ModuleScope?
}

/// An imported module's names: its variables, its definitions (with the prelude's it starts
/// with) and the namespaces of the modules it imported. Its `let`s are its own: nothing the
/// importing script defines changes what its definitions do.
final class ModuleScope {
    /// Its top level's variables.
    var scope = VariableScope()
    var definitions: [String: Definition] = [:]
    var namespaces: [String: ModuleScope] = [:]
}

/// Runs cwql programs against ConnectWise: statements in order, queries through the planner
/// and the shared client, writes with dry-run, confirmation and an outcome report.
public final class Interpreter: @unchecked Sendable {
    let client: ConnectWiseClient
    var options: RunOptions
    let output: any OutputSink
    let catalog: Catalog
    let clock: @Sendable () -> UTCDate
    let resolver: ReferenceResolver
    /// The variables in sight now: the innermost level of the chain (the script's top level,
    /// a module's while it is imported or one of its definitions runs, a call's, a loop's).
    var scope = VariableScope()
    /// Every variable in sight, inner levels winning.
    var variables: [String: Binding] { scope.visible }
    var definitions: [String: Definition] = [:]
    /// Imported modules by namespace (`alerts` in `alerts.raise_alert(…)`).
    var namespaces: [String: ModuleScope] = [:]
    /// The module running now; nil for the script.
    var currentModule: ModuleScope?
    /// Modules imported so far, by key, each run once.
    var loadedModules: [String: ModuleScope] = [:]
    /// The prelude's definitions, which every module starts with.
    var preludeDefinitions: [String: Definition] = [:]
    var importStack: [String] = []
    var callDepth = 0
    /// How deep `def` and procedure calls may nest (a recursive `def` stops here).
    static let maximumCallDepth = 64
    /// What the static check learned of each `def` (the entity a query yields).
    var knownDefinitions: [String: KnownDefinition] = [:]
    /// Every module a check imported, parsed and checked, by key: an import runs it as it is.
    var checkedModules: [String: Program] = [:]
    /// The rows of each `from` source, as the check read them.
    var checkedData: [String: DataTable] = [:]
    /// The journal of the run now writing, opened at its first write.
    var journal: RunJournal?
    /// How deep `run` calls are nested, and the outermost one's source (the journal's statement).
    var runDepth = 0
    var runSource: SourceFile?
    /// True once a write was sent: a later mistake is then a runtime failure, not a compile error.
    var hasWritten = false
    /// Above zero inside a loop whose writes were confirmed as a whole.
    var bulkConfirmed = 0
    /// The script's `watch`es and `on … changed` blocks, run once its statements have.
    var events = EventRegistry()

    public init(
        client: ConnectWiseClient,
        options: RunOptions,
        output: any OutputSink,
        catalog: Catalog = .standard,
        clock: @escaping @Sendable () -> UTCDate = { UTCDate(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) }
    ) {
        self.client = client
        self.options = options
        self.output = output
        self.catalog = catalog
        self.clock = clock
        self.resolver = ReferenceResolver(client: client)
        for (name, value) in options.variables { scope.assign(name, Binding(value: value, entity: nil)) }
    }

    /// Takes over another interpreter's variables, definitions and imports (the REPL's
    /// `.profile NAME` switches site without losing the session: a record read on one site can
    /// be used to write on the other).
    public func adoptSession(of other: Interpreter) {
        for (name, binding) in other.variables { scope.assign(name, binding) }
        for (name, definition) in other.definitions { definitions[name] = definition }
        for (name, module) in other.namespaces { namespaces[name] = module }
        for (key, module) in other.loadedModules { loadedModules[key] = module }
        if preludeDefinitions.isEmpty { preludeDefinitions = other.preludeDefinitions }
    }

    /// The current options (the REPL changes format and dry-run as it goes).
    public var runOptions: RunOptions {
        get { options }
        set { options = newValue }
    }

    /// Loads the prelude from the embedded standard library.
    public func loadPrelude() async throws(RuntimeError) {
        guard let prelude = Interpreter.prelude else { return }
        try await run(prelude)
        preludeDefinitions = definitions
    }

    /// The prelude, parsed and checked once per process.
    static let prelude: CheckedProgram? = {
        guard let text = StandardLibrary.module(named: "prelude") else { return nil }
        return try? Interpreter.check(
            SourceFile(name: "<stdlib>/prelude.cwql", text: text),
            in: CheckScope(),
            catalog: .standard,
            data: DataLoader(standardInputIsFree: false)
        )
    }()

    /// Parses and runs a script or REPL entry, stopping at the first failing statement. The
    /// whole entry is checked first (in the scope of what the session has defined); a mistake
    /// only found while running, after a write was sent, is a runtime error (exit 1), since the
    /// script did change something.
    public func run(_ source: SourceFile) async throws(RuntimeError) {
        try await run(Interpreter.check(source, in: checkScope(), catalog: catalog, data: options.data))
    }

    /// Runs a program checked before (``check(_:variables:catalog:)``): nothing is parsed or
    /// checked again, and each module it imports runs as it was checked.
    public func run(_ checked: CheckedProgram) async throws(RuntimeError) {
        for (name, known) in checked.definitions { knownDefinitions[name] = known }
        for (key, program) in checked.modules where checkedModules[key] == nil { checkedModules[key] = program }
        for (key, table) in checked.data { checkedData[key] = table }
        let source = checked.program.source
        // The outermost run is what a journal records (a script, a REPL entry, a `-c`).
        runDepth += 1
        if runDepth == 1 { runSource = source }
        defer { endRun() }
        do {
            try await execute(checked.program.statements, in: source)
        } catch {
            var failure = error
            if failure.kind == .compile, hasWritten { failure.kind = .runtime }
            throw failure
        }
    }

    /// Leaves a run; the outermost one says which journal holds its writes, if any.
    func endRun() {
        runDepth -= 1
        if runDepth == 0, let journal {
            output.standardError("journal: run \(journal.id) (`cwql undo \(journal.id)` reverses it)\n")
            self.journal = nil
        }
    }

    /// Parses a script and checks it whole against the catalog, without a client: a mistake
    /// is reported before credentials are looked for or a request is sent. The prelude's
    /// definitions and the `--var`s are in scope.
    @discardableResult
    public static func check(
        _ source: SourceFile,
        variables: [String: Value],
        catalog: Catalog = .standard,
        data: DataLoader = DataLoader()
    ) throws(RuntimeError) -> CheckedProgram {
        let scope = CheckScope()
        for (name, value) in variables { scope.define(variable: name, KnownValue(value, entity: nil)) }
        for (name, known) in Interpreter.prelude?.definitions ?? [:] { scope.define(definition: name, known) }
        scope.markPrelude()
        return try check(source, in: scope, catalog: catalog, data: data)
    }

    static func check(
        _ source: SourceFile,
        in scope: CheckScope,
        catalog: Catalog,
        data: DataLoader
    ) throws(RuntimeError) -> CheckedProgram {
        let program: Program
        do {
            program = try Parser.parse(source)
        } catch {
            throw RuntimeError(error)
        }
        let checker = StaticChecker(
            catalog: catalog,
            source: source,
            loadModule: ModuleLocator.locate,
            loadData: data.load
        )
        let problems = checker.check(program, in: scope)
        if !problems.isEmpty { throw RuntimeError(kind: .compile, diagnostics: problems) }
        return CheckedProgram(
            program: program,
            modules: scope.checkedModules,
            definitions: scope.definitions,
            data: scope.checkedData
        )
    }

    /// Checks a source in the scope of what the session has defined so far, without running it.
    @discardableResult
    public func check(_ source: SourceFile) throws(RuntimeError) -> CheckedProgram {
        try Interpreter.check(source, in: checkScope(), catalog: catalog, data: options.data)
    }

    /// True once a write was sent (a later mistake is a runtime failure, exit 1).
    public var hasWrittenAnything: Bool { hasWritten }

    /// What the session has defined so far, as the static check sees it.
    func checkScope() -> CheckScope {
        let scope = CheckScope()
        func known(_ name: String, _ definition: Definition) -> KnownDefinition {
            let isProcedure: Bool
            if case .procedure = definition.body { isProcedure = true } else { isProcedure = false }
            return knownDefinitions[name]
                ?? KnownDefinition(parameters: definition.parameters.map(\.text), isProcedure: isProcedure, yields: nil)
        }
        for (name, definition) in preludeDefinitions { scope.define(definition: name, known(name, definition)) }
        scope.markPrelude()
        for (name, binding) in variables {
            scope.define(variable: name, KnownValue(binding.value, entity: binding.entity))
        }
        for (name, definition) in definitions { scope.define(definition: name, known(name, definition)) }
        for (namespace, module) in namespaces {
            for (name, definition) in module.definitions where definition.module === module {
                let qualified = ModuleNamespace.qualified(name, in: namespace)
                scope.define(definition: qualified, known(qualified, definition))
            }
        }
        return scope
    }

    /// Names of variables and defs, for completion.
    public var knownNames: (variables: [String], definitions: [String]) {
        let qualified = namespaces.flatMap { namespace, module in
            module.definitions.filter { $0.value.module === module }.keys.map {
                ModuleNamespace.qualified($0, in: namespace)
            }
        }
        return (variables.keys.sorted(), (Array(definitions.keys) + qualified).sorted())
    }

    /// The definition a call names: one of the running scope's, or `namespace.name` of an
    /// imported module.
    func definition(named name: String) -> Definition? {
        if let own = definitions[name] { return own }
        guard let dot = name.firstIndex(of: ".") else { return nil }
        let module = namespaces[String(name[..<dot])]
        let member = String(name[name.index(after: dot)...])
        return module?.definitions[member].flatMap { $0.module === module ? $0 : nil }
    }

    /// Runs `body` in the scope of the module `definition` was written in (its variables,
    /// definitions and namespaces), then returns to the caller's.
    func inScope<T>(of definition: Definition, _ body: () async throws -> T) async throws -> T {
        guard let module = definition.module, module !== currentModule else { return try await body() }
        let saved = (scope, definitions, namespaces, currentModule)
        (scope, definitions, namespaces, currentModule) = (
            module.scope, module.definitions, module.namespaces, module
        )
        defer { (scope, definitions, namespaces, currentModule) = saved }
        return try await body()
    }

    func execute(_ statements: [Statement], in source: SourceFile) async throws(RuntimeError) {
        for statement in statements {
            try Task.checkCancellationAsRuntime(source: source, span: statement.span)
            do {
                try await execute(statement, in: source)
                output.flush()
            } catch let error as RuntimeError {
                throw error
            } catch {
                throw RuntimeError(error, source: source, span: statement.span)
            }
        }
    }

    private func execute(_ statement: Statement, in source: SourceFile) async throws {
        switch statement.kind {
        case .let(let name, let value):
            scope.assign(name.text, try await evaluate(value, in: source))
        case .def(let name, let parameters, let body):
            definitions[name.text] = Definition(
                parameters: parameters,
                body: .query(body),
                source: source,
                module: currentModule
            )
        case .procedure(let name, let parameters, let body):
            definitions[name.text] = Definition(
                parameters: parameters,
                body: .procedure(body),
                source: source,
                module: currentModule
            )
        case .import(let module, let alias, let span):
            try await importModule(module, alias: alias, from: source, span: span)
        case .for(let variable, let sequence, let body):
            let binding = try await evaluate(sequence, in: source)
            let items: [Value]
            switch binding.value {
            case .list(let values): items = values
            case .null: items = []
            default: items = [binding.value]
            }
            let confirmation = try await confirmLoop(
                passes: items.count,
                body: body,
                source: source,
                span: statement.span
            )
            if case .declined = confirmation { return }
            // Once the loop is confirmed as a whole, its passes do not ask again.
            let confirmed = if case .confirmed = confirmation { 1 } else { 0 }
            bulkConfirmed += confirmed
            defer { bulkConfirmed -= confirmed }
            // The loop's variable lives in a level of its own; `let`s in the body go to the level around.
            let loop = VariableScope(parent: scope, holdsLets: false)
            try await within(loop) {
                for item in items {
                    loop.bind(variable.text, Binding(value: item, entity: binding.entity))
                    try await execute(body, in: source)
                }
            }
        case .if(let condition, let then, let otherwise):
            if truth(try await evaluate(condition, in: source).value) {
                try await execute(then, in: source)
            } else if let otherwise {
                try await execute(otherwise, in: source)
            }
        case .print(let values):
            // Under --format json/jsonl, `print` writes JSON (one value, or an array of them) so
            // that standard output stays machine-readable.
            let asJSON = options.format == .json || options.format == .jsonl
            var parts: [String] = []
            var jsonParts: [JSON] = []
            for value in values {
                let binding = try await evaluate(value, in: source)
                if !asJSON, case .list(let items) = binding.value, let entity = binding.entity {
                    output.standardOutput(render(items.map(\.json), entity: entity))
                    continue
                }
                parts.append(binding.value.displayText)
                jsonParts.append(binding.value.json)
            }
            if asJSON, !jsonParts.isEmpty {
                output.standardOutput(JSONWriter.string(jsonParts.count == 1 ? jsonParts[0] : .array(jsonParts)) + "\n")
            } else if !parts.isEmpty {
                output.standardOutput(parts.joined(separator: " ") + "\n")
            }
        case .create(let entityName, let object):
            let entity = try writableEntity(entityName, source: source)
            try await create(object, entity: entity, source: source, span: statement.span)
        case .upsert(let entityName, let match, let object):
            let entity = try writableEntity(entityName, source: source)
            try await upsert(match, object, entity: entity, source: source, span: statement.span)
        case .sync(let statement):
            try await sync(statement, in: source)
        case .watch(let watch):
            try await register(watch, in: source)
        case .on(let handler):
            try register(handler, in: source)
        case .pipeline(let pipeline):
            if case .call(let name, let arguments, let span) = pipeline.source, pipeline.stages.isEmpty,
                let definition = definition(named: name.text), case .procedure(let body) = definition.body
            {
                try await call(name, definition, arguments: arguments, body: body, in: source, span: span)
            } else {
                try await runPipelineStatement(pipeline, in: source)
            }
        }
    }

    private func writableEntity(_ name: Name, source: SourceFile) throws -> EntitySpec {
        guard let entity = catalog.entity(named: name.text), entity.isTopLevel else {
            throw RuntimeError(
                kind: .compile,
                diagnostics: [.unknownEntity(name, in: source, catalog: catalog, singularOnly: true)]
            )
        }
        return entity
    }

    /// Runs a procedure with its parameters bound; its variables are its own.
    private func call(
        _ name: Name,
        _ definition: Definition,
        arguments: [ValueExpr],
        body: [Statement],
        in source: SourceFile,
        span: SourceSpan
    ) async throws {
        let bound = try await bindArguments(name, definition, arguments, in: source, span: span)
        guard callDepth < Interpreter.maximumCallDepth else {
            throw RuntimeError(.callsNestedTooDeeply, source: source, span: span)
        }
        callDepth += 1
        defer { callDepth -= 1 }
        try await inScope(of: definition) {
            // A level of its own: the parameters and the procedure's `let`s end with the call.
            try await within(VariableScope(parent: scope, bindings: bound)) {
                try await execute(body, in: definition.source)
            }
        }
    }

    /// The values of a call's arguments by parameter name, after checking their number.
    func bindArguments(
        _ name: Name,
        _ definition: Definition,
        _ arguments: [ValueExpr],
        in source: SourceFile,
        span: SourceSpan
    ) async throws -> [String: Binding] {
        let count = definition.parameters.count
        guard arguments.count == count else {
            throw RuntimeError(
                .wrongArgumentCount(
                    name: name.text,
                    parameters: definition.parameters.map(\.text),
                    given: arguments.count
                ),
                source: source,
                span: span,
                kind: .compile
            )
        }
        var bound: [String: Binding] = [:]
        for (parameter, argument) in zip(definition.parameters, arguments) {
            bound[parameter.text] = try await evaluate(argument, in: source)
        }
        return bound
    }

    // MARK: - Imports

    /// Runs a module once, in a scope of its own (the prelude's definitions, nothing of the
    /// importer's), and gives its definitions a namespace in the importing scope.
    private func importModule(_ name: String, alias: Name?, from source: SourceFile, span: SourceSpan) async throws {
        let key = ModuleLocator.key(of: name, from: source)
        if importStack.contains(key) {
            let cycle = (importStack.drop { $0 != key } + [key]).map { ($0 as NSString).lastPathComponent }
            throw RuntimeError(
                kind: .compile,
                diagnostics: [Diagnostic(.importCycle(cycle), source: source, span: span)]
            )
        }
        guard let namespace = alias?.text ?? ModuleNamespace.defaultName(of: name) else {
            throw RuntimeError(
                kind: .compile,
                diagnostics: [Diagnostic(.moduleWithoutNamespace(name), source: source, span: span)]
            )
        }
        if let loaded = loadedModules[key] {
            namespaces[namespace] = loaded
            return
        }
        let module = ModuleScope()
        importStack.append(key)
        defer { importStack.removeLast() }
        let saved = (scope, definitions, namespaces, currentModule)
        (scope, definitions, namespaces, currentModule) = (module.scope, preludeDefinitions, [:], module)
        do {
            if let checked = checkedModules[key] {
                try await execute(checked.statements, in: checked.source)
            } else {
                // Not seen by a check (a module imported by a procedure of an earlier REPL entry).
                switch ModuleLocator.locate(name, from: source, span: span) {
                case .success(let located): try await run(located.source)
                case .failure(let problem): throw RuntimeError(kind: .compile, diagnostics: [problem])
                }
            }
        } catch {
            (scope, definitions, namespaces, currentModule) = saved
            throw error
        }
        (module.definitions, module.namespaces) = (definitions, namespaces)
        (scope, definitions, namespaces, currentModule) = saved
        loadedModules[key] = module
        namespaces[namespace] = module
    }

    // MARK: - Helpers

    func truth(_ value: Value) -> Bool {
        switch value {
        case .null: return false
        case .boolean(let flag): return flag
        case .integer(let number): return number != 0
        case .decimal(let number): return number != 0
        case .string(let text): return !text.isEmpty
        case .list(let items): return !items.isEmpty
        case .date, .record: return true
        }
    }

    /// Runs `body` with `inner` as the innermost level of variables, then returns to the one before.
    func within<T>(_ inner: VariableScope, _ body: () async throws -> T) async rethrows -> T {
        let outer = scope
        scope = inner
        defer { scope = outer }
        return try await body()
    }

    var compileEnvironment: CompileEnvironment {
        let visible = variables
        return CompileEnvironment(
            now: clock(),
            variables: visible.mapValues(\.value),
            zone: options.zone,
            me: options.me,
            variableEntities: visible.compactMapValues(\.entity)
        )
    }
}

extension Task where Success == Never, Failure == Never {
    static func checkCancellationAsRuntime(source: SourceFile, span: SourceSpan) throws(RuntimeError) {
        if Task.isCancelled { throw RuntimeError(.cancelled, source: source, span: span) }
    }
}
