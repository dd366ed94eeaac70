import ConnectWiseRequests

/// Turns a pipeline into a ``QueryPlan``, pushing every stage it can to ConnectWise:
/// `where` → `conditions`, `select` → `fields`, `sort` → `orderBy`, `take` → `pageSize` and no
/// further pages, `count` → `/count`, child stages → child endpoints. A stage runs on the
/// client only when the server cannot do it in the same request (a `where` after a `take`,
/// `count by`).
public struct QueryPlanner {
    public let catalog: Catalog
    public let source: SourceFile
    public let environment: CompileEnvironment

    public init(catalog: Catalog = .standard, source: SourceFile, environment: CompileEnvironment) {
        self.catalog = catalog
        self.source = source
        self.environment = environment
    }

    /// Plans a pipeline whose source is an entity or a record.
    ///
    /// - Parameters:
    ///   - stageSources: the source each stage was written in, when they differ (a `def`'s
    ///     body from a module followed by the caller's stages).
    ///   - provided: the entity of records the runtime already holds, for a pipeline that
    ///     starts from a variable.
    public func plan(
        _ pipeline: Pipeline,
        stageSources: [SourceFile]? = nil,
        provided: EntitySpec? = nil
    ) throws(Diagnostic) -> QueryPlan {
        let first: PlanSegment
        if let provided {
            first = PlanSegment(entity: provided, origin: .provided)
        } else {
            first = try firstSegment(pipeline.source)
        }
        var segments = [first]
        var pendingWhere: [(Condition, SourceFile)] = []
        var write: WriteAction?
        var clientStarted = false

        func flushWhere() throws(Diagnostic) {
            guard !pendingWhere.isEmpty else { return }
            var combined = CompiledFilter()
            for (condition, conditionSource) in pendingWhere {
                let compiler = ConditionCompiler(
                    entity: segments[segments.count - 1].entity,
                    source: conditionSource,
                    environment: environment
                )
                guard let both = combined.and(try compiler.compile(condition)) else {
                    throw Diagnostic(.oneCustomFieldPerRequest, source: conditionSource, span: condition.span)
                }
                combined = both
            }
            segments[segments.count - 1].filter = combined
            pendingWhere = []
        }

        for (position, stage) in pipeline.stages.enumerated() {
            let planner =
                stageSources.map { QueryPlanner(catalog: catalog, source: $0[position], environment: environment) }
                ?? self
            let source = planner.source
            try planner.checkOrder(of: stage, at: position, in: pipeline, after: write?.stage)
            // The segment is changed in place (a copy of it would retain each of its parts).
            let last = segments.count - 1
            let entity = segments[last].entity
            /// A column of this segment's rows, which may name their parent's fields.
            func column(_ path: FieldPath) throws(Diagnostic) -> OutputColumn {
                try planner.column(path, at: last, in: &segments)
            }
            let pushable = !clientStarted && segments[last].limit == nil && segments[last].origin.isList
            // A `select` keeps every record, in order, so a `take` after it still goes to the server.
            let limitPushable =
                (!clientStarted || segments[last].clientStages.allSatisfy(\.keepsEveryRecordInOrder))
                && segments[last].origin.isList
            switch stage.kind {
            case .where(let condition):
                try planner.refuseParentFields(in: condition, at: last, in: segments)
                if pushable {
                    pendingWhere.append((condition, source))
                } else {
                    // Checked and compiled now, with the source the stage was written in (a `def`'s
                    // body has its own), so a typo fails before any request and nothing is
                    // compiled again while the records stream.
                    let compiler = ConditionCompiler(entity: entity, source: source, environment: environment)
                    _ = try compiler.compile(condition)
                    // The records must carry what the filter reads, even after a `select`.
                    for path in try planner.paths(in: condition, of: entity) { segments[last].require(path) }
                    segments[last].clientStages.append(
                        .filter(try compiler.predicate(condition), written: source.text(of: condition.span))
                    )
                    clientStarted = true
                }
            case .select(let items):
                var columns: [OutputColumn] = []
                var computed: [ComputedColumn] = []
                var computedReads: [String] = []
                for item in items {
                    switch item {
                    case .field(let path): columns.append(try column(path))
                    case .customField(let caption, let span):
                        computedReads.append("customFields")
                        computed.append(
                            ComputedColumn(
                                label: caption,
                                expression: .custom(caption),
                                source: source,
                                written: source.text(of: span)
                            )
                        )
                        columns.append(OutputColumn(label: caption, path: caption))
                    case .computed(let name, let value):
                        // Compiled against a scratch copy first, to learn what it reads.
                        var scratch = segments
                        scratch[last].fields = []
                        let expression = try planner.rowExpression(value, at: last, in: &scratch)
                        computedReads += scratch[last].fields ?? []
                        computed.append(
                            ComputedColumn(
                                label: name.text,
                                expression: expression,
                                source: source,
                                written: source.text(of: item.span)
                            )
                        )
                        columns.append(OutputColumn(label: name.text, path: name.text))
                    }
                }
                let computedLabels = Set(computed.map(\.label))
                let own =
                    columns.filter { !computedLabels.contains($0.label) }.map(\.path).filter {
                        !segments[last].isCarried($0)
                    }
                    + computedReads.filter { !segments[last].isCarried($0) }
                if !clientStarted && segments[last].fields == nil && segments[last].origin.isList {
                    segments[last].fields = Array((own.isEmpty ? ["id"] : own).uniqued())
                } else {
                    for path in own { segments[last].require(path) }
                }
                if !computed.isEmpty { segments[last].clientStages.append(.compute(computed)) }
                segments[last].clientStages.append(.project(columns))
                clientStarted = true
            case .sort(let keys):
                var resolved: [(column: OutputColumn, descending: Bool)] = []
                for key in keys { resolved.append((try column(key.field), key.descending)) }
                if pushable && segments[last].orderBy.isEmpty
                    && !resolved.contains(where: { segments[last].isCarried($0.column.path) })
                {
                    segments[last].orderBy = resolved.map { "\($0.column.path) \($0.descending ? "desc" : "asc")" }
                    for key in resolved { segments[last].require(key.column.path) }
                } else {
                    for key in resolved where !segments[last].isCarried(key.column.path) {
                        segments[last].require(key.column.path)
                    }
                    segments[last].clientStages.append(.sort(resolved))
                    clientStarted = true
                }
            case .take(let value):
                let count = try planner.takeCount(value)
                if limitPushable {
                    segments[last].limit = min(segments[last].limit ?? count, count)
                } else {
                    segments[last].clientStages.append(.take(count))
                }
            case .first:
                if limitPushable {
                    segments[last].limit = min(segments[last].limit ?? 1, 1)
                } else {
                    segments[last].clientStages.append(.take(1))
                }
            case .count:
                if pushable {
                    segments[last].countOnly = true
                } else {
                    segments[last].clientStages.append(.count)
                }
            case .aggregate(let aggregation):
                try flushWhere()
                try planner.aggregate(aggregation, at: last, in: &segments)
                clientStarted = false
            case .child, .endpoint:
                try planner.refuseRows(stage, in: segments[last])
                try flushWhere()
                if segments[last].fields == nil && segments[last].clientStages.isEmpty {
                    segments[last].fields = ["id"]
                } else {
                    segments[last].require("id")
                }
                try planner.appendSegment(leadingFrom: stage, to: &segments)
                clientStarted = false
            case .note, .close, .assign, .log, .set, .delete:
                try planner.refuseRows(stage, in: segments[last])
                write = try planner.writeAction(stage, at: last, in: &segments)
            }
        }
        try flushWhere()
        return QueryPlan(segments: segments, write: write)
    }

    private func firstSegment(_ source: PipelineSource) throws(Diagnostic) -> PlanSegment {
        switch source {
        case .entity(let name):
            guard let entity = catalog.entity(named: name.text), entity.isTopLevel else {
                throw .unknownEntity(name, in: self.source, catalog: catalog)
            }
            if entity.singular.lowercased() == name.folded, entity.name.lowercased() != name.folded {
                throw Diagnostic(
                    .recordNeedsId(name: name.text, collection: entity.name),
                    source: self.source,
                    span: name.span
                )
            }
            return PlanSegment(entity: entity, origin: .collection)
        case .record(let name, let idValue):
            guard let entity = catalog.entity(named: name.text), entity.isTopLevel else {
                throw .unknownEntity(name, in: self.source, catalog: catalog)
            }
            let literal = try ValueConversion(source: self.source, environment: environment)
                .literal(idValue, as: .integer, field: "id")
            guard case .number(let text) = literal, let id = Int(text), id > 0 else {
                throw Diagnostic(.recordIdNotPositive, source: self.source, span: idValue.span)
            }
            return PlanSegment(entity: entity, origin: .record(id: id))
        case .endpoint(let path):
            return try endpointSource(path)
        case .data(let reference):
            // Planned without its rows (`translate`): the columns are known when it is read.
            return PlanSegment(entity: .rows(of: reference.displayName, columns: nil), origin: .provided)
        case .variable(let name):
            throw Diagnostic(.variableOnlyAtRunTime(name.text), source: self.source, span: name.span)
        case .call(let name, _, let span):
            throw Diagnostic(.definitionOnlyAtRunTime(name.text), source: self.source, span: span)
        }
    }

    /// Refuses a write or a child stage on rows that are not ConnectWise records.
    func refuseRows(_ stage: Stage, in segment: PlanSegment) throws(Diagnostic) {
        guard segment.entity.isRows else { return }
        throw Diagnostic(
            .notConnectWiseRecords(stage: stage.kind.keyword, rows: segment.entity.name),
            source: source,
            span: stage.keywordSpan
        )
    }

    /// The ConnectWise paths a condition reads (a client-side filter needs them fetched).
    func paths(in condition: Condition, of entity: EntitySpec) throws(Diagnostic) -> [String] {
        try condition.comparisons.map { (comparison) throws(Diagnostic) in
            switch comparison.subject {
            case .field(let path):
                // A field of a list's elements is read from the whole list.
                let field = try entity.resolve(path, in: source)
                return field.arrayField ?? field.path
            case .customField: return "customFields"
            }
        }
    }

    /// The largest `take`: far more than any ConnectWise site holds, and far from overflowing
    /// the page arithmetic.
    static let largestTake = 1_000_000_000

    private func takeCount(_ value: ValueExpr) throws(Diagnostic) -> Int {
        let literal = try ValueConversion(source: source, environment: environment).literal(
            value,
            as: .integer,
            field: "take"
        )
        guard case .number(let text) = literal, let count = Int(text), count >= 1, count <= QueryPlanner.largestTake
        else {
            throw Diagnostic(.takeOutOfRange(largest: QueryPlanner.largestTake), source: source, span: value.span)
        }
        return count
    }
}

extension SegmentOrigin {
    /// True when the segment lists records (as opposed to fetching one by id).
    var isList: Bool {
        switch self {
        case .record, .provided, .rows: return false
        default: return true
        }
    }
}

extension StageKind {
    /// The keyword of a stage after which nothing may follow.
    var endsPipeline: String? {
        switch self {
        case .count: return "count"
        default: return nil
        }
    }

}

extension EntitySpec {
    /// Resolves a field named in `set` or an object literal: aliases to references keep the
    /// whole reference (`status` → `status`), since writes send `{"id": …}`.
    public func resolveForWrite(_ path: FieldPath, in source: SourceFile) throws(Diagnostic) -> ResolvedField {
        let resolved = try resolve(path, in: source)
        if let idPath = resolved.referenceIdPath {
            return ResolvedField(path: String(idPath.dropLast(3)), type: resolved.type, referenceIdPath: idPath)
        }
        return resolved
    }
}

extension Sequence where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
