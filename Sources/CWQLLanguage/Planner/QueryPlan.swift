/// How a pipeline runs: one or more server requests (segments), the stages that must run on
/// the client, and the write at the end, if any.
public struct QueryPlan: Sendable {
    /// Segments in order; each after the first runs for the records of the one before.
    public let segments: [PlanSegment]
    /// The write stage that ends the pipeline, if any.
    public let write: WriteAction?
    /// The requests, lowered once: one per segment, then the write's. `translate` prints them
    /// and the runtime sends them.
    public let steps: [PlanStep]

    init(segments: [PlanSegment], write: WriteAction?) {
        self.segments = segments
        self.write = write
        self.steps = QueryPlan.lower(segments, write: write)
    }

    /// The last segment, whose records are the pipeline's result.
    public var final: PlanSegment { segments[segments.count - 1] }

    /// The steps that send a request, with their segment (nil for the write's): a segment of
    /// rows cwql holds (a file's, an aggregate's) sends nothing.
    public var sentSteps: [(step: PlanStep, segment: PlanSegment?)] {
        steps.enumerated().compactMap { index, step in
            guard index < segments.count else { return (step, nil) }
            return segments[index].origin.sendsNothing ? nil : (step, segments[index])
        }
    }
}

/// Where a segment's records come from.
public enum SegmentOrigin: Sendable {
    /// The entity's collection.
    case collection
    /// One record by id (`ticket 4711`).
    case record(id: Int)
    /// A child collection of each record of the previous segment.
    case child(ChildLink)
    /// Records the runtime already holds (a variable, a file's rows); every stage runs on
    /// the client.
    case provided
    /// The rows the segment before makes of its records (an aggregate's groups); every
    /// stage runs on the client, and nothing is requested.
    case rows

    /// True for segments whose records cwql already holds: nothing is requested for them.
    public var sendsNothing: Bool {
        switch self {
        case .provided, .rows: return true
        case .collection, .record, .child: return false
        }
    }
}

/// One server request shape: what is pushed to ConnectWise, and what is left for the client.
public struct PlanSegment: Sendable {
    public var entity: EntitySpec
    public var origin: SegmentOrigin
    /// `conditions` and `customFieldConditions`.
    public var filter = CompiledFilter()
    /// `orderBy` terms, e.g. `dateEntered desc`.
    public var orderBy: [String] = []
    /// `fields`, or nil for whole records.
    public var fields: [String]?
    /// Stop after this many records (`take`), pushed as `pageSize`.
    public var limit: Int?
    /// True when the segment asks the entity's `/count` endpoint instead of listing.
    public var countOnly = false
    /// Stages run on the client after the server's answer, in order.
    public var clientStages: [ClientStage] = []
    /// How the rows of a child segment name a record of this one: the singular of the source
    /// or child stage (`agreement` in `agreements | additions | select agreement.name`).
    public var label: String
    /// For a child segment, the name under which each record carries the record it hangs
    /// under (the label of the segment before, unless the records have a field of that name).
    public var carryKey: String?
    /// True when each record carries the record it hangs under, for its fields or its id.
    public var carriesParent = false
    /// For a child of a child segment, the paths of the parent's records that hold the ids
    /// of the records they hang under (`board/id` of a board's status), outermost first.
    public var parentAncestorPaths: [String] = []

    init(entity: EntitySpec, origin: SegmentOrigin, label: String? = nil) {
        self.entity = entity
        self.origin = origin
        self.label = label ?? entity.singular
    }

    /// Asks only for `paths` when nothing else needs whole records, or adds them to the
    /// fields already asked for.
    mutating func narrow(to paths: [String]) {
        if fields == nil, clientStages.isEmpty, origin.isList {
            fields = paths
        } else {
            for path in paths { require(path) }
        }
    }

    /// Adds `path` to the requested fields when fields are being narrowed (a path of the
    /// carried parent is not the records' own, and is left out).
    mutating func require(_ path: String) {
        if fields != nil, !isCarried(path), !fields!.contains(path) { fields!.append(path) }
    }

    /// True when `path` reads the parent each record carries.
    func isCarried(_ path: String) -> Bool {
        guard let carryKey else { return false }
        return path.hasPrefix(carryKey + "/")
    }
}

/// A column of the output: a label (as the user wrote it) and the ConnectWise path it reads.
public struct OutputColumn: Sendable, Hashable {
    public var label: String
    public var path: String

    public init(label: String, path: String) {
        self.label = label
        self.path = path
    }
}

/// A stage that runs on the client.
public enum ClientStage: Sendable {
    /// A `where` that could not be pushed (after a `take`, say), compiled for the records of
    /// the segment's entity.
    case filter(ClientPredicate, written: String)
    case project([OutputColumn])
    /// Computed columns, added to each record under their labels.
    case compute([ComputedColumn])
    case sort([(column: OutputColumn, descending: Bool)])
    case take(Int)
    case count
    /// Groups the records and yields one row per group; the next segment holds the rows.
    case aggregate(AggregatePlan)

    /// A short description for plans: "count by status".
    public var summary: String {
        switch self {
        case .filter(_, let written): return "where \(written)"
        case .project(let columns): return "select " + columns.map(\.label).joined(separator: ", ")
        case .compute(let columns): return "compute " + columns.map(\.written).joined(separator: ", ")
        case .sort(let keys):
            return "sort " + keys.map { "\($0.column.label)\($0.descending ? " desc" : "")" }.joined(separator: ", ")
        case .take(let count): return "take \(count)"
        case .count: return "count"
        case .aggregate(let plan): return plan.summary
        }
    }
}

/// An aggregate as it runs: the key columns, then the measures, each reading a record path.
public struct AggregatePlan: Sendable {
    /// One measure: its column name, function and the path it reads (nil for `count`).
    public struct PlannedMeasure: Sendable {
        public var name: String
        public var function: AggregateFunction
        public var path: String?
    }

    /// The keys: `label` is the row's column name, `path` what it reads of each record.
    public var keys: [OutputColumn]
    public var measures: [PlannedMeasure]
    /// `count by`'s groups come largest first; every other aggregate's in key order.
    public var largestFirst: Bool
    /// As the user wrote it, for plans: `sum actualHours by member`.
    public var summary: String

    /// The rows' columns, as the output shows them.
    public var columns: [OutputColumn] {
        keys.map { OutputColumn(label: $0.label, path: $0.label) }
            + measures.map { OutputColumn(label: $0.name, path: $0.name) }
    }
}

/// A write that ends a pipeline, applied to each record the pipeline yields.
public struct WriteAction: Sendable {
    public var stage: Stage
    /// The entity whose records are written.
    public var entity: EntitySpec
    /// The paths of each record that hold the ids of the records it hangs under, outermost
    /// first (`agreementId` of an addition), which fill the holes of its path.
    public var ancestorPaths: [String] = []
    /// What the write looks up before it writes (a name's id, a board's closed status), in
    /// order; each distinct request is sent once per run.
    public var lookups: [ReferenceLookup] = []

    /// The request each record causes, as `METHOD path` (`{id}` is the record's id).
    public var requestLine: String { "\(step.request.method.rawValue) \(step.request.path)" }

}
