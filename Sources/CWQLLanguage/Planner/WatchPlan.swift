import ConnectWiseRequests

/// Where a watch has read to: the `_info/lastUpdated` second of the last record it handled and,
/// within that second, its id (records are read in that order).
public struct WatchCursor: Sendable, Equatable, Codable {
    public var seconds: Int64
    /// nil: from the start of the second, inclusive.
    public var id: Int?

    public init(seconds: Int64, id: Int? = nil) {
        self.seconds = seconds
        self.id = id
    }
}

/// What a `watch` sends: its entity, its conditions, the fields its block reads, and the
/// order that lets it page by position in time (`_info/lastUpdated`, then `id`) rather than by
/// page number, so that a record changed while the watch pages moves ahead instead of shifting
/// a page and hiding another.
public struct WatchPlan: Sendable {
    /// Where ConnectWise keeps a record's last change, to the second.
    public static let lastUpdated = "_info/lastUpdated"

    public var entity: EntitySpec
    public var filter: CompiledFilter
    /// The fields asked for; nil for whole records.
    public var fields: [String]?

    /// Plans `watch`: its query must be an entity with `where`s that ConnectWise can filter by.
    public init(_ watch: WatchStatement, planner: QueryPlanner) throws(Diagnostic) {
        let source = planner.source
        guard case .entity = watch.query.source else {
            throw Diagnostic(.watchSource, source: source, span: watch.query.span)
        }
        for stage in watch.query.stages {
            guard case .where = stage.kind else {
                throw Diagnostic(
                    .watchStage(stage.kind.stageKeyword?.rawValue ?? source.text(of: stage.span)),
                    source: source,
                    span: stage.span
                )
            }
        }
        let plan = try planner.plan(watch.query)
        let segment = plan.segments[0]
        guard segment.entity.hasColumn(WatchPlan.lastUpdated) || segment.entity.field(named: "_info") != nil else {
            throw Diagnostic(
                .watchWithoutLastUpdated(entity: segment.entity.name),
                source: source,
                span: watch.query.span
            )
        }
        if segment.clientStages.contains(where: { if case .filter = $0 { true } else { false } }) {
            throw Diagnostic(.watchFilterOnClient, source: source, span: watch.query.span)
        }
        entity = segment.entity
        filter = segment.filter
        let uses = VariableUses(of: EventVariables.change, in: watch.body)
        fields = uses.paths(on: entity, in: source).map { ($0 + [WatchPlan.lastUpdated]).uniqued() }
    }

    /// Seconds between polls of a watch written without `every`.
    public static let defaultInterval: Double = 60

    /// The seconds `every` names: a second or more.
    @discardableResult
    public static func requireInterval(
        _ every: Duration,
        environment: CompileEnvironment,
        source: SourceFile
    ) throws(Diagnostic) -> Double {
        let seconds = try environment.length(of: every, source: source)
        guard seconds >= 1 else {
            throw Diagnostic(.watchInterval(source.text(of: every.span)), source: source, span: every.span)
        }
        return seconds
    }

    /// The request for the next page after `cursor`: records changed at or after its second
    /// (after its id within that second), oldest first.
    public func request(after cursor: WatchCursor, pageSize: Int) -> Request {
        let moment = ConditionsValue.date(UTCDate(secondsSinceEpoch: cursor.seconds).iso8601)
        let since: Conditions
        if let id = cursor.id {
            since = .any([
                .comparison(path: WatchPlan.lastUpdated, op: ">", value: moment),
                .all([
                    .comparison(path: WatchPlan.lastUpdated, op: "=", value: moment),
                    .comparison(path: "id", op: ">", value: .number(String(id))),
                ]),
            ])
        } else {
            since = .comparison(path: WatchPlan.lastUpdated, op: ">=", value: moment)
        }
        var query = filter.queryItems(and: since)
        query.append(QueryItem("orderBy", "\(WatchPlan.lastUpdated) asc, id asc"))
        if let fields { query.append(QueryItem("fields", fields.joined(separator: ","))) }
        query.append(QueryItem("pageSize", String(pageSize)))
        return Request(.get, RequestPath(entity.path), query: query)
    }
}
