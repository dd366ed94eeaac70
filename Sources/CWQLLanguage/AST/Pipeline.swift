/// Where a pipeline's records come from.
public enum PipelineSource: Sendable {
    /// `tickets`, `companies`, …
    case entity(Name)
    /// `ticket 4711`: one record by id.
    case record(entity: Name, id: ValueExpr)
    /// `$open`: a variable holding records or a query.
    case variable(Name)
    /// `stale(14)`: a call of a `def`.
    case call(Name, arguments: [ValueExpr], SourceSpan)
    /// `` `/system/mycompany/other` ``: an endpoint the catalog lacks, reached raw.
    case endpoint(Name)
    /// `from "seats.csv"`, `from stdin as csv`: rows read from outside ConnectWise.
    case data(DataSourceReference)

    public var span: SourceSpan {
        switch self {
        case .data(let reference): return reference.span
        case .entity(let name), .variable(let name), .endpoint(let name): return name.span
        case .record(let entity, let id): return entity.span.merged(with: id.span)
        case .call(_, _, let span): return span
        }
    }
}

/// `source | stage | stage …`
public struct Pipeline: Sendable {
    public var source: PipelineSource
    public var stages: [Stage]
    public var span: SourceSpan

    public init(source: PipelineSource, stages: [Stage], span: SourceSpan) {
        self.source = source
        self.stages = stages
        self.span = span
    }
}

/// One stage of a pipeline, with its span (from its keyword to its last token).
public struct Stage: Sendable {
    public var kind: StageKind
    /// The stage keyword's span, for "this stage can't follow that one" messages.
    public var keywordSpan: SourceSpan
    public var span: SourceSpan

    public init(kind: StageKind, keywordSpan: SourceSpan, span: SourceSpan) {
        self.kind = kind
        self.keywordSpan = keywordSpan
        self.span = span
    }
}

/// A column of `select`: a field, a custom field, or a computed value with its name.
public enum SelectItem: Sendable {
    case field(FieldPath)
    /// `custom("Alert ID")`, shown under its caption.
    case customField(caption: String, SourceSpan)
    /// `minutes = actualHours * 60`.
    case computed(Name, ValueExpr)

    public var span: SourceSpan {
        switch self {
        case .field(let path): return path.span
        case .customField(_, let span): return span
        case .computed(let name, let value): return name.span.merged(with: value.span)
        }
    }
}

/// A key of `sort`.
public struct SortKey: Sendable {
    public var field: FieldPath
    public var descending: Bool

    public init(field: FieldPath, descending: Bool) {
        self.field = field
        self.descending = descending
    }
}

/// A `field = value` of `set`.
public struct FieldAssignment: Sendable {
    public var field: ConditionSubject
    public var value: ValueExpr

    /// The key a record made of an object literal holds the value under: the field as
    /// written, or a custom field's caption.
    public var key: String {
        switch field {
        case .field(let path): return path.written
        case .customField(let caption, _): return caption
        }
    }

    public init(field: ConditionSubject, value: ValueExpr) {
        self.field = field
        self.value = value
    }
}

/// Where a ticket note shows: the flags of `note "…" internal`.
public enum NoteFlag: String, Sendable, CaseIterable {
    /// `detailDescriptionFlag`, the default.
    case discussion
    /// `internalAnalysisFlag`.
    case `internal`
    /// `resolutionFlag`.
    case resolution
}

/// What a stage does.
public enum StageKind: Sendable {
    case `where`(Condition)
    case select([SelectItem])
    case sort([SortKey])
    case take(ValueExpr)
    case first
    case count
    /// `count by …`, `sum F by …`, `avg`, `min`, `max`, `summarize …`: rows, one per group.
    case aggregate(Aggregation)
    /// `notes`, `additions`, `statuses`, `time`, `configurations`, `contacts`, …
    case child(Name)
    /// `` `/service/tickets/{id}/tasks` ``: an endpoint the catalog lacks, for each record
    /// of the stage before (`{id}` is its id).
    case endpoint(Name)
    case note(text: ValueExpr, flags: [NoteFlag])
    case set([FieldAssignment])
    case close
    case assign(ValueExpr)
    case log(hours: Duration, notes: ValueExpr?, details: LogDetails)
    case delete

    /// The stage keyword it was written with (nil for a child or an endpoint).
    public var stageKeyword: StageKeyword? {
        switch self {
        case .where: return .where
        case .select: return .select
        case .sort: return .sort
        case .take: return .take
        case .first: return .first
        case .count: return .count
        case .aggregate(let aggregation): return aggregation.keyword
        case .child, .endpoint: return nil
        case .note: return .note
        case .set: return .set
        case .close: return .close
        case .assign: return .assign
        case .log: return .log
        case .delete: return .delete
        }
    }

    /// The keyword that starts the stage, for messages.
    public var keyword: String {
        switch self {
        case .aggregate(let aggregation) where aggregation.isCountBy: return "count by"
        case .child(let name): return name.text
        case .endpoint(let path): return "`\(path.text)`"
        default: return stageKeyword?.rawValue ?? ""
        }
    }

    /// True for stages that lead to the records under each record (`| notes`, `` | `/x/{id}/y` ``).
    public var isChild: Bool {
        switch self {
        case .child, .endpoint: return true
        default: return false
        }
    }

    /// True for stages that change records on the server.
    public var isWrite: Bool { stageKeyword?.isWrite ?? false }
}

/// What `log` may say besides hours and notes: `member M`, `worktype W`, `start T` (each
/// defaults as before: the API member, the board's default work type, hours before now).
public struct LogDetails: Sendable {
    public var member: ValueExpr?
    public var workType: ValueExpr?
    public var start: ValueExpr?

    public init(member: ValueExpr? = nil, workType: ValueExpr? = nil, start: ValueExpr? = nil) {
        self.member = member
        self.workType = workType
        self.start = start
    }

    /// Every value written, for the static check.
    public var values: [ValueExpr] { [member, workType, start].compactMap { $0 } }
}
