import ConnectWiseRequests

/// How a child collection hangs off its parent record.
public enum ChildAccess: Sendable {
    /// A sub-path of the parent record: `/service/tickets/{id}/notes`.
    case subPath(String)
    /// A top-level collection filtered by the parent's id (contacts where `company/id in
    /// ({ids})`), with conditions every such request also carries (time entries of tickets are
    /// `chargeToType = "ServiceTicket"`).
    case filteredBy(String, also: Conditions? = nil)
}

/// A child collection reachable from an entity by a pipeline stage (`| notes`).
public struct ChildLink: Sendable {
    /// The stage name (`notes`).
    public var name: String
    /// The child entity's catalog name (`ticket_notes`).
    public var entity: String
    public var access: ChildAccess
}

/// One ConnectWise collection: its endpoint, fields, aliases and children.
/// A reference type, so that plans and records carry it without copying its tables.
public final class EntitySpec: Sendable {
    /// The plural source name (`tickets`).
    public let name: String
    /// The singular, used by `ticket 4711` and `create ticket`.
    public let singular: String
    /// The collection path under the API root (`/service/tickets`); for a child-only entity,
    /// the path with `{parentId}` standing for the parent record's id.
    public let path: String
    /// The security-role module that guards the endpoint, named as ConnectWise names it.
    public let permission: String
    public let fields: [FieldSpec]
    /// Friendly names, folded to lower case, mapped to ConnectWise paths (`board` → `board/name`).
    public let aliases: [String: String]
    public let children: [ChildLink]
    /// Columns shown by default in a table.
    public let defaultColumns: [String]
    /// False for collections reachable only from a parent (ticket notes, board statuses).
    public let isTopLevel: Bool
    /// For a child-only entity, the field of its records that holds the parent's id.
    public let parentKey: String?
    /// Field positions by lower-cased name, for case-insensitive lookups without scanning.
    private let fieldPositions: [String: Int]
    /// Every alias resolved once, when the catalog is built.
    let resolvedAliases: [String: ResolvedField]

    init(
        name: String, singular: String, path: String, permission: String, fields: [FieldSpec],
        aliases: [String: String] = [:], children: [ChildLink] = [], defaultColumns: [String],
        isTopLevel: Bool = true, parentKey: String? = nil
    ) {
        self.name = name
        self.singular = singular
        self.path = path
        self.permission = permission
        self.fields = [.integer("id")] + fields + [.info]
        self.fieldPositions = Dictionary(self.fields.enumerated().map { ($1.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        self.aliases = Dictionary(uniqueKeysWithValues: aliases.map { ($0.key.lowercased(), $0.value) })
        self.children = children
        self.defaultColumns = defaultColumns
        self.isTopLevel = isTopLevel
        self.parentKey = parentKey
        // Aliases point at this entity's own fields; resolve each once.
        var resolved: [String: ResolvedField] = [:]
        for (alias, path) in self.aliases { resolved[alias] = EntitySpec.resolve(aliasPath: path, fields: self.fields) }
        self.resolvedAliases = resolved
    }

    /// The path of one record, given the record (child records need their parent's id).
    public func recordPath(id: Int, parentId: Int?) -> String {
        let collection = parentId.map { path.replacing("{parentId}", with: String($0)) } ?? path
        return "\(collection)/\(id)"
    }

    /// The field named `name`, ignoring case.
    public func field(named name: String) -> FieldSpec? {
        fieldPositions[name.lowercased()].map { fields[$0] }
    }

    /// The child collection named `name`, ignoring case.
    public func child(named name: String) -> ChildLink? {
        let folded = name.lowercased()
        return children.first { $0.name == folded }
    }
}

