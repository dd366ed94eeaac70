import ConnectWiseRequests

/// A request a write makes before it writes: the id a name stands for (`assign jsmith`,
/// `set priority = "P1"`, a status on a ticket's board), a board's closed status, or a custom
/// field's id. The planner lists them with the write, `translate` prints them, and the
/// runtime sends exactly these requests (each once, then remembered). Each is one page.
public struct ReferenceLookup: Sendable {
    public var request: Request
    /// Nil when it is sent once; else what it is sent once for ("each board").
    public var repeats: String?
    /// What it finds, for messages: "member", "board status"; and several of them.
    public var kind: String
    public var kinds: String
    /// The field of the answer that names the record (`identifier`), nil for a closed status
    /// or a custom field.
    public var key: String?

    /// As `translate` prints it among the steps.
    public var step: PlanStep { PlanStep(request: request, repeats: repeats) }

    /// At most this many records are asked for (for a name: one found is the answer,
    /// several are an error).
    public var pageSize: Int

    /// The record of the collection at `path` whose `key` is `name`.
    public static func byName(
        _ name: String,
        key: String,
        in path: RequestPath,
        kind: String,
        kinds: String,
        repeats: String? = nil
    ) -> ReferenceLookup {
        let query = [
            QueryItem("conditions", .conditions(.comparison(path: key, op: "=", value: .text(name)))),
            QueryItem("fields", "id,\(key)"), QueryItem("pageSize", "3"),
        ]
        return ReferenceLookup(
            request: Request(.get, path, query: query),
            repeats: repeats,
            kind: kind,
            kinds: kinds,
            key: key,
            pageSize: 3
        )
    }

    /// The statuses of a board that close a ticket (the board's id read from the ticket).
    public static func closedStatus(ofBoard board: RequestPath.Part) -> ReferenceLookup {
        let query = [
            QueryItem("conditions", .conditions(.comparison(path: "closedStatus", op: "=", value: .boolean(true)))),
            QueryItem("fields", "id,name,inactive,defaultFlag"), QueryItem("pageSize", String(maximumPageSize)),
        ]
        return ReferenceLookup(
            request: Request(.get, boardStatuses(board), query: query),
            repeats: "each board",
            kind: "closed status",
            kinds: "closed statuses",
            key: nil,
            pageSize: maximumPageSize
        )
    }

    /// One record of the entity with its custom fields, whose ids are read by caption.
    public static func customFields(of entity: EntitySpec) -> ReferenceLookup {
        let query = [QueryItem("fields", "id,customFields"), QueryItem("pageSize", "1")]
        return ReferenceLookup(
            request: Request(.get, RequestPath(entity.path), query: query),
            repeats: nil,
            kind: "custom field",
            kinds: "custom fields",
            key: nil,
            pageSize: 1
        )
    }

    /// `/service/boards/{board}/statuses`.
    static func boardStatuses(_ board: RequestPath.Part) -> RequestPath {
        RequestPath([.literal("/service/boards/"), board, .literal("/statuses")])
    }
}

extension EntitySpec {
    /// The lookup that turns `name` into the id of the record the reference field `key` points
    /// to, or nil when the field is sent by name (no catalog entity to look it up in).
    /// - Parameter board: the board whose statuses a `status` is looked up on (its id, or a
    ///   hole read from each record).
    public func lookup(
        forReference key: String,
        named name: String,
        board: RequestPath.Part,
        catalog: Catalog
    )
        -> ReferenceLookup?
    {
        if key == "status", hasBoardStatuses {
            return .byName(
                name,
                key: "name",
                in: ReferenceLookup.boardStatuses(board),
                kind: "board status",
                kinds: "board statuses",
                repeats: "each board"
            )
        }
        guard let spec = field(named: key), case .object(let shape) = spec.kind, let target = shape.target,
            let defaultField = shape.defaultField, let entity = catalog.entity(named: target)
        else { return nil }
        return .byName(
            name,
            key: defaultField,
            in: RequestPath(entity.path),
            kind: entity.singular.replacingUnderscores,
            kinds: entity.name.replacingUnderscores
        )
    }

    /// The member `assign` names.
    public static func memberLookup(_ identifier: String, catalog: Catalog) -> ReferenceLookup {
        .byName(
            identifier,
            key: "identifier",
            in: RequestPath(catalog.entity(named: "members")?.path ?? "/system/members"),
            kind: "member",
            kinds: "members"
        )
    }
}
