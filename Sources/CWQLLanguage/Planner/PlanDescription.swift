extension QueryPlan {
    /// The plan as `name: value` lines: each request's parameters and headers, the stages
    /// left to the client, and the write. A heading names each segment when there are several.
    public var parameterLines: [String] {
        var lines: [String] = []
        for (index, segment) in segments.enumerated() {
            let request = steps[index].request
            if segments.count > 1 {
                lines.append("# \(index + 1). \(segment.entity.isRows ? "rows of " : "")\(segment.entity.name)")
            }
            if case .provided = segment.origin {
                lines.append(
                    "source: \(segment.entity.isRows ? "rows of " + segment.entity.name : "records held by cwql")"
                )
            }
            if segment.origin.sendsNothing {
                for stage in segment.clientStages where !stage.isPresentationOnly {
                    lines.append("client: \(stage.summary)")
                }
                continue
            }
            if segment.isUnchecked { lines.append("unchecked: \(QueryPlan.uncheckedNote)") }
            if segment.countOnly { lines.append("count: GET \(request.path)") }
            if case .record(let id) = segment.origin { lines.append("record: \(segment.entity.singular) \(id)") }
            for item in request.query where item.name != "page" {
                lines.append("\(item.name): \(item.value.rendered())")
            }
            for (name, value) in request.headers { lines.append("\(name): \(value)") }
            for stage in segment.clientStages where !stage.isPresentationOnly {
                lines.append("client: \(stage.summary)")
            }
        }
        if let write {
            for lookup in write.lookups {
                let when = lookup.repeats.map { "once for \($0)" } ?? "once"
                let query = lookup.request.query.filter { $0.name != "page" }.map {
                    "\($0.name)=\($0.value.rendered())"
                }
                lines.append(
                    "lookup: \(lookup.request.method.rawValue) \(lookup.request.path)?\(query.joined(separator: "&")) (\(lookup.kind), \(when))"
                )
            }
            lines.append("write: \(write.requestLine) for each \(write.entity.singular.replacingUnderscores)")
        }
        return lines
    }
}

extension QueryPlan {
    /// What `translate` says of a backquoted endpoint.
    public static let uncheckedNote =
        "not in cwql's catalog of ConnectWise's spec: its fields and conditions are sent as written, unchecked"
}

extension ClientStage {
    /// A `select` only shapes the output; the server already narrowed the fields.
    public var isPresentationOnly: Bool {
        if case .project = self { return true }
        return false
    }

    /// True for stages that keep every record, in order (a `take` after them can go to the
    /// server): `select` and its computed columns.
    public var keepsEveryRecordInOrder: Bool {
        switch self {
        case .project, .compute: return true
        default: return false
        }
    }
}
