/// What `sync` does with records in scope that no row names.
public enum MissingAction: String, Sendable, CaseIterable {
    /// Leave them as they are (the default; they are counted).
    case leave
    /// Set their active flag off (`activeFlag = false` or `inactiveFlag = true`).
    case deactivate
    /// Delete them.
    case delete
}

/// Where `sync` takes its rows: a file or standard input, or a variable holding rows.
public enum SyncSource: Sendable {
    case data(DataSourceReference)
    case variable(Name)

    public var span: SourceSpan {
        switch self {
        case .data(let reference): return reference.span
        case .variable(let name): return name.span
        }
    }
}

/// `sync configurations where company = ACME key name from "inventory.csv" [missing deactivate]`:
/// makes the records in scope match the rows, matched by the key columns.
public struct SyncStatement: Sendable {
    /// The records in scope: an entity with `where`s (child stages lead to a child entity:
    /// `agreements where … | additions`).
    public var scope: Pipeline
    public var keys: [Name]
    public var source: SyncSource
    public var missing: MissingAction
    public var span: SourceSpan

    public init(scope: Pipeline, keys: [Name], source: SyncSource, missing: MissingAction, span: SourceSpan) {
        self.scope = scope
        self.keys = keys
        self.source = source
        self.missing = missing
        self.span = span
    }
}
