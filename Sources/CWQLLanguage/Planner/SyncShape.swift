/// What `sync` knows before it reads anything: the entity's fields each column writes, the
/// paths the keys compare, and how a record is deactivated. The static check and the run
/// both build it, so a column typo stops a script before its first write.
public struct SyncShape: Sendable {
    /// A column of the rows, and the field it writes.
    public struct Column: Sendable {
        public var name: String
        public var field: FieldPath
        /// What the record holds for it, to compare with the row (`name`, `product/identifier`).
        public var comparePath: String
    }

    public var entity: EntitySpec
    /// Every column, keys included, in the rows' order.
    public var columns: [Column]
    public var keys: [Column]
    /// The field and value that deactivate a record (`activeFlag` false, `inactiveFlag` true).
    public var deactivation: (field: String, value: Bool)?

    /// Checks a sync of rows with `columns` into `entity`'s records (`columns` nil: rows not
    /// known yet, so only the scope and the writes are checked).
    public static func make(
        _ sync: SyncStatement,
        entity: EntitySpec,
        columns names: [String]?,
        rowsName: String,
        source: SourceFile
    ) throws(Diagnostic) -> SyncShape {
        if entity.isRows {
            throw Diagnostic(
                .notConnectWiseRecords(stage: "sync", rows: entity.name),
                source: source,
                span: sync.scope.span
            )
        }
        for stage in sync.scope.stages {
            switch stage.kind {
            case .where, .child: continue
            default: throw Diagnostic(.syncScopeStage(stage.kind.keyword), source: source, span: stage.keywordSpan)
            }
        }
        try entity.require(.update, source: source, span: sync.span)
        if sync.missing == .delete { try entity.require(.delete, source: source, span: sync.span) }
        var columns: [Column] = []
        for name in names ?? [] {
            let parts = name.split(separator: ".").map { Name(String($0), span: sync.source.span) }
            let path = FieldPath(.dotted(parts), span: sync.source.span)
            guard !parts.isEmpty, (try? entity.resolveForWrite(path, in: source)) != nil,
                let compare = try? entity.resolve(path, in: source)
            else {
                throw Diagnostic(
                    .syncColumnNotAField(
                        column: name,
                        rows: rowsName,
                        entity: entity.name,
                        near: Suggestions.didYouMean(name, among: entity.fields.map(\.name))
                    ),
                    source: source,
                    span: sync.source.span
                )
            }
            columns.append(Column(name: name, field: path, comparePath: compare.path))
        }
        var keys: [Column] = []
        for key in sync.keys where names != nil {
            guard let column = columns.first(where: { $0.name.lowercased() == key.folded }) else {
                throw Diagnostic(
                    .syncKeyNotAColumn(key: key.text, columns: names ?? []),
                    source: source,
                    span: key.span
                )
            }
            keys.append(column)
        }
        var deactivation: (String, Bool)?
        if sync.missing == .deactivate {
            if entity.field(named: "inactiveFlag")?.valueType == .boolean {
                deactivation = ("inactiveFlag", true)
            } else if entity.field(named: "activeFlag")?.valueType == .boolean {
                deactivation = ("activeFlag", false)
            } else {
                throw Diagnostic(.syncNoActiveFlag(entity: entity.name), source: source, span: sync.span)
            }
        }
        return SyncShape(entity: entity, columns: columns, keys: keys, deactivation: deactivation)
    }
}
