import ConnectWiseRequests

/// One request of a plan, final but for what only the run knows: the id (`{id}`) or ids
/// (`{ids}`) of the previous step's records and the page number. `translate` prints it with
/// those holes; the runtime fills them and sends it; nothing builds it a second time.
public struct PlanStep: Sendable {
    public var request: Request
    /// Nil for a single request; otherwise what the request is repeated for ("each page",
    /// "each ticket").
    public var repeats: String?

    /// `METHOD path?query` with the holes shown, as `translate --url` prints it.
    public var line: String { "\(request.method.rawValue) \(request.pathAndQuery())" }
}

/// The largest page ConnectWise serves.
public let maximumPageSize = 1000

extension QueryPlan {
    /// The requests the plan makes, in order: one step per segment, then the write's.
    static func lower(_ segments: [PlanSegment], write: WriteAction?) -> [PlanStep] {
        var steps: [PlanStep] = []
        var parent: PlanSegment?
        for segment in segments {
            steps.append(segment.lowered(after: parent))
            parent = segment
        }
        if let write { steps += write.lookups.map(\.step) + [write.step] }
        return steps
    }
}

extension WriteAction {
    /// The path of one written record: `{id}` is its id, `{agreementId}` and the like the ids
    /// of the records it hangs under, read from it.
    public var recordPath: RequestPath {
        RequestPath(template: entity.path, ancestorPaths: ancestorPaths).appending("/").appendingHole()
    }

    /// The request each record causes (its body is built per record).
    var step: PlanStep {
        let record = recordPath
        let request: Request
        switch stage.kind {
        case .note: request = Request(.post, record.appending("/notes"))
        case .set, .close, .assign: request = Request(.patch, record)
        case .log: request = Request(.post, RequestPath("/time/entries"))
        default: request = Request(.delete, record)
        }
        return PlanStep(request: request, repeats: "each \(entity.singular.replacingUnderscores)")
    }
}

extension RequestPath {
    /// This path followed by a hole for a record's id.
    func appendingHole() -> RequestPath { RequestPath(parts + [.parentId]) }

    /// A catalog path whose `{id}` holes are filled, in order, from these paths of a record.
    init(template: String, ancestorPaths: [String]) {
        guard template.utf8.contains(UInt8(ascii: "{")) else {
            self.init(template)
            return
        }
        var parts: [Part] = []
        for (index, literal) in template.split(separator: "{id}", omittingEmptySubsequences: false).enumerated() {
            if index > 0 {
                parts.append(index - 1 < ancestorPaths.count ? .ancestorId(ancestorPaths[index - 1]) : .parentId)
            }
            if !literal.isEmpty { parts.append(.literal(String(literal))) }
        }
        self.init(parts)
    }
}

extension PlanSegment {
    /// The request of this segment; `parent` is the segment whose records it hangs off.
    func lowered(after parent: PlanSegment?) -> PlanStep {
        var path = RequestPath(entity.path)
        var repeats: String?
        var parentCondition: Conditions?
        switch origin {
        case .collection, .provided, .rows:
            break
        case .record(let id):
            path = RequestPath("\(entity.path)/\(id)")
        case .child(let link):
            let parentName = parent.map { $0.entity.singular.replacingUnderscores } ?? "record"
            switch link.access {
            case .subPath:
                // The child's own path as the spec writes it: its holes are the parent's
                // ancestors' ids, then the parent's id.
                path = RequestPath(template: entity.path, ancestorPaths: parentAncestorPaths)
                repeats = "each \(parentName)"
            case .filteredBy(let field, let also):
                parentCondition = Conditions.both(also, .parentIds(field: field))
                repeats = "each batch of \(parentName) ids"
            }
        }
        var query = filter.queryItems(and: parentCondition)
        if countOnly {
            return PlanStep(request: Request(.get, path.appending("/count"), query: query), repeats: repeats)
        }
        if case .record = origin {
            if let fields { query.append(QueryItem("fields", fields.joined(separator: ","))) }
            return PlanStep(request: Request(.get, path, query: query), repeats: repeats)
        }
        if !orderBy.isEmpty { query.append(QueryItem("orderBy", orderBy.joined(separator: ", "))) }
        if let fields { query.append(QueryItem("fields", fields.joined(separator: ","))) }
        // Numbered pages: the first says how many there are (Link rel="last"), the rest are
        // fetched --concurrency at a time, each with exactly the first page's parameters.
        query.append(QueryItem("page", .page))
        query.append(QueryItem("pageSize", String(Swift.min(limit ?? maximumPageSize, maximumPageSize))))
        if limit.map({ $0 > maximumPageSize }) ?? true {
            let pages =
                limit.map { "pages 2…\(($0 + maximumPageSize - 1) / maximumPageSize) at most" }
                ?? "pages 2, 3, … as the first page's Link rel=\"last\" says"
            repeats = repeats.map { "\($0), \(pages)" } ?? pages
        }
        return PlanStep(request: Request(.get, path, query: query), repeats: repeats)
    }
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
