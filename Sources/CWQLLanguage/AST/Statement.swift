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
    /// `import "alerts"`
    case `import`(String, SourceSpan)
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
