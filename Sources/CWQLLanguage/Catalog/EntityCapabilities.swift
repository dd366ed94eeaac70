import ConnectWiseSpec

/// A write and the HTTP method ConnectWise's spec must list for it.
public enum WriteCapability: Sendable {
    /// `create`, `upsert` (when nothing matches): POST on the collection.
    case create
    /// `set`, `close`, `assign`, `upsert` (when one matches): PATCH on a record.
    case update
    /// `delete`: DELETE on a record.
    case delete

    /// How a message names the write, and the method it needs.
    var wording: (verb: String, method: String, onRecord: Bool) {
        switch self {
        case .create: return ("created", "POST", false)
        case .update: return ("changed", "PATCH", true)
        case .delete: return ("deleted", "DELETE", true)
        }
    }
}

extension EntitySpec {
    /// True when the spec lists the method this write sends.
    public func allows(_ write: WriteCapability) -> Bool {
        switch write {
        case .create: return collectionMethods.contains(.post)
        case .update: return recordMethods.contains(.patch)
        case .delete: return recordMethods.contains(.delete)
        }
    }

    /// Refuses a write the spec does not list for this entity, naming what it allows.
    public func require(_ write: WriteCapability, source: SourceFile, span: SourceSpan) throws(Diagnostic) {
        guard !allows(write) else { return }
        let allowed = [(WriteCapability.create, "create"), (.update, "set"), (.delete, "delete")].filter {
            allows($0.0)
        }.map(\.1)
        let wording = write.wording
        let target = path + (wording.onRecord ? "/{id}" : "")
        throw Diagnostic(
            .writeNotAllowed(
                entity: name,
                verb: wording.verb,
                method: wording.method,
                target: target,
                allowed: allowed
            ),
            source: source,
            span: span
        )
    }
}

/// What the ticket stages need of an entity, read from its fields and children (not its name).
extension EntitySpec {
    /// `note`: each record has a `notes` list that takes POST with a note's text and flags.
    public func takesNotes(in catalog: Catalog) -> Bool {
        guard let link = child(named: "notes"), case .subPath = link.access,
            let notes = catalog.entity(named: link.entity),
            notes.allows(.create)
        else { return false }
        return ["text", "detailDescriptionFlag", "internalAnalysisFlag", "resolutionFlag"].allSatisfy {
            notes.field(named: $0) != nil
        }
    }

    /// A `status` that belongs to the record's board (`close`, and `set status = "…"` by name).
    public var hasBoardStatuses: Bool { field(named: "board") != nil && field(named: "status") != nil }

    /// `close`: a board's closed status, set with PATCH.
    public var canClose: Bool { hasBoardStatuses && field(named: "closedFlag") != nil }

    /// `assign`: an `owner` member, set with PATCH.
    public var canAssign: Bool { field(named: "owner") != nil }

    /// `log`: the `chargeToType` of time entries charged to these records (`ServiceTicket`),
    /// from the condition of their `time` child.
    public var timeChargeType: String? {
        guard let link = child(named: "time"), case .filteredBy(_, let also?) = link.access,
            case .comparison("chargeToType", "=", .text(let type)) = also
        else { return nil }
        return type
    }
}
