/// `{ summary: "Disk full", board: "Alerts", custom("Alert ID"): "42" }`
public struct ObjectLiteral: Sendable {
    public var fields: [FieldAssignment]
    public var span: SourceSpan

    public init(fields: [FieldAssignment], span: SourceSpan) {
        self.fields = fields
        self.span = span
    }
}

/// One statement of a script or REPL entry.
public struct Statement: Sendable {
    public var kind: StatementKind
    public var span: SourceSpan

    public init(kind: StatementKind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

/// What a statement does.
public enum StatementKind: Sendable {
    /// `let board = "Help"`
    case `let`(Name, ValueExpr)
    /// `def stale(days) = tickets where …`
    case def(Name, parameters: [Name], body: Pipeline)
    /// `def raise_alert(id, summary) { … }`: a procedure, called as a statement.
    case procedure(Name, parameters: [Name], body: [Statement])
    /// `import "alerts"` or `import "lib/helpers.cwql" as h`: the module's `def`s are
    /// called through its namespace (`alerts.raise_alert(…)`); nil takes the namespace from
    /// the module's name (``ModuleNamespace``).
    case `import`(String, alias: Name?, SourceSpan)
    /// `for $t in (tickets …) { … }`
    case `for`(Name, in: ValueExpr, body: [Statement])
    /// `if COND { … } else { … }`
    case `if`(ValueExpr, then: [Statement], else: [Statement]?)
    /// `print $t.summary, "…"`
    case print([ValueExpr])
    /// `create ticket { … }`
    case create(entity: Name, ObjectLiteral)
    /// `upsert ticket where COND { … }`
    case upsert(entity: Name, match: Condition, ObjectLiteral)
    /// `sync ENTITY where … key F from SOURCE [missing deactivate|delete]`
    case sync(SyncStatement)
    /// `watch QUERY [every D] [since T] { … }`: a poll of changed records (top level only).
    case watch(WatchStatement)
    /// `on ENTITY changed { … }`: what `cwql listen` runs for each callback (top level only).
    case on(ChangeHandler)
    /// A query, with or without writes.
    case pipeline(Pipeline)
}

/// A parsed script or REPL entry.
public struct Program: Sendable {
    public var source: SourceFile
    public var statements: [Statement]

    public init(source: SourceFile, statements: [Statement]) {
        self.source = source
        self.statements = statements
    }
}

/// The namespace an `import` gives a module's `def`s.
public enum ModuleNamespace {
    /// The module's file name without `.cwql` (`"alerts"` → `alerts`, `"lib/sync-helpers.cwql"`
    /// → nil), when it is a name a call can be written with; otherwise the import needs `as`.
    public static func defaultName(of module: String) -> String? {
        var name = module.split(separator: "/").last.map(String.init) ?? module
        if name.hasSuffix(".cwql") { name = String(name.dropLast(5)) }
        return Lexer.isIdentifier(name) ? name : nil
    }

    /// `alerts.raise_alert`: the name a module's `def` is called by.
    public static func qualified(_ name: String, in namespace: String) -> String { namespace + "." + name }
}

/// A program that passed the static check, with every module it imports as the check parsed
/// it: what a run executes, so nothing is read, parsed or checked twice.
public struct CheckedProgram: Sendable {
    public var program: Program
    /// The imported modules' programs, by key (`<stdlib>/alerts`, a file's path).
    public var modules: [String: Program]
    /// What the program defines, as the check saw it.
    public var definitions: [String: KnownDefinition]
    /// The rows of each `from` source, read by the check (``DataSourceReference/key``).
    public var data: [String: DataTable]

    public init(
        program: Program,
        modules: [String: Program],
        definitions: [String: KnownDefinition],
        data: [String: DataTable] = [:]
    ) {
        self.program = program
        self.modules = modules
        self.definitions = definitions
        self.data = data
    }
}
