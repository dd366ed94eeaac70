/// What the static checker knows of a variable before the program runs.
public enum KnownValue: Sendable {
    /// A list of records of an entity (nil: records of no catalog entity, such as groups).
    case records(EntitySpec?)
    /// One record (`for $t in …`, `ticket 5`).
    case record(EntitySpec?)
    /// A number, text, date or boolean; the text names the kind for messages ("a number").
    case scalar(String)
    /// Anything: a parameter, a value only known when it runs.
    case unknown

    /// What a runtime value is, for a REPL session's variables or `--var`s.
    public init(_ value: Value, entity: EntitySpec?) {
        switch value {
        case .list(let items)
        where entity != nil || items.contains(where: { if case .record = $0 { true } else { false } }):
            self = .records(entity)
        case .record: self = .record(entity)
        case .list: self = .unknown
        default: self = .scalar(value.kindName)
        }
    }
}

/// What the checker knows of a `def`: its parameters, and for a query the entity it yields.
public struct KnownDefinition: Sendable {
    public var parameters: [String]
    public var isProcedure: Bool
    /// The records a query `def` yields (nil: unknown, so later stages are checked when run).
    public var yields: EntitySpec?

    public init(parameters: [String], isProcedure: Bool, yields: EntitySpec?) {
        self.parameters = parameters
        self.isProcedure = isProcedure
        self.yields = yields
    }
}

/// A lexical scope of the static check: a program's top level, a procedure's body, a loop's
/// variable; names are looked up through the parent chain.
public final class CheckScope {
    public let parent: CheckScope?
    public private(set) var variables: [String: KnownValue] = [:]
    public private(set) var definitions: [String: KnownDefinition] = [:]
    /// The definitions every module sees (the prelude's), shared by the whole program.
    private let shared: Shared

    /// What every scope of a program shares: the prelude's definitions and what each module
    /// defines (checked once, by key).
    private final class Shared {
        var preludeDefinitions: [String: KnownDefinition] = [:]
        var modules: [String: [String: KnownDefinition]] = [:]
        var programs: [String: Program] = [:]
        var data: [String: DataTable] = [:]
    }

    public init(parent: CheckScope? = nil) {
        self.parent = parent
        self.shared = parent?.shared ?? Shared()
    }

    /// The top-level scope of a module imported from `importer`'s program: the prelude's
    /// definitions, none of the importer's names.
    init(module importer: CheckScope) {
        self.parent = nil
        self.shared = importer.shared
        self.definitions = shared.preludeDefinitions
    }

    /// Marks the definitions made so far as the prelude's, which every module sees.
    public func markPrelude() { shared.preludeDefinitions = definitions }

    /// The definitions a module made itself (not the prelude's it starts with).
    var ownDefinitions: [String: KnownDefinition] {
        definitions.filter { definedHere.contains($0.key) && !$0.key.contains(".") }
    }

    func moduleDefinitions(_ key: String) -> [String: KnownDefinition]? { shared.modules[key] }
    func remember(module key: String, program: Program, definitions: [String: KnownDefinition]) {
        shared.modules[key] = definitions
        shared.programs[key] = program
    }

    /// Every module the check imported, parsed and checked, by key: what the run executes
    /// (a module is read, parsed and checked once).
    public var checkedModules: [String: Program] { shared.programs }

    /// The rows of a `from` source the check read, by ``DataSourceReference/key``.
    func data(_ key: String) -> DataTable? { shared.data[key] }
    func remember(data table: DataTable, key: String) { shared.data[key] = table }

    /// Every `from` source the check read, by key: what the run reads (each once, before
    /// anything is written).
    public var checkedData: [String: DataTable] { shared.data }

    public func define(variable name: String, _ value: KnownValue) { variables[name] = value }
    public func define(definition name: String, _ definition: KnownDefinition) {
        definitions[name] = definition
        definedHere.insert(name)
    }

    /// Names defined in this scope (not inherited from the prelude).
    private var definedHere = Set<String>()

    public func variable(_ name: String) -> KnownValue? {
        variables[name] ?? parent?.variable(name)
    }

    public func definition(_ name: String) -> KnownDefinition? {
        definitions[name] ?? parent?.definition(name)
    }

    /// Every variable name in sight, for did-you-mean.
    var allVariableNames: [String] {
        Array(Set(variables.keys).union(parent?.allVariableNames ?? [])).sorted()
    }

    /// Every definition name in sight, for did-you-mean.
    var allDefinitionNames: [String] {
        Array(Set(definitions.keys).union(parent?.allDefinitionNames ?? [])).sorted()
    }
}

/// A module's text found by `import`, for the checker (the runtime supplies the I/O).
public struct ImportedModule: Sendable {
    /// What identifies the module (`<stdlib>/alerts`, an absolute path).
    public var key: String
    public var source: SourceFile

    public init(key: String, source: SourceFile) {
        self.key = key
        self.source = source
    }
}
