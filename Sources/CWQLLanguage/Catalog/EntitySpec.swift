/// How a child collection hangs off its parent record.
public enum ChildAccess: Sendable {
    /// A sub-path of the parent record: `/service/tickets/{id}/notes`.
    case subPath(String)
    /// A top-level collection filtered by the parent's id: contacts where `company/id = {id}`.
    case filteredBy(String)
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
public struct EntitySpec: Sendable {
    /// The plural source name (`tickets`).
    public var name: String
    /// The singular, used by `ticket 4711` and `create ticket`.
    public var singular: String
    /// The collection path under the API root (`/service/tickets`); for a child-only entity,
    /// the path with `{parentId}` standing for the parent record's id.
    public var path: String
    /// The security-role module that guards the endpoint, named as ConnectWise names it.
    public var permission: String
    public var fields: [FieldSpec]
    /// Friendly names, folded to lower case, mapped to ConnectWise paths (`board` → `board/name`).
    public var aliases: [String: String]
    public var children: [ChildLink]
    /// Columns shown by default in a table.
    public var defaultColumns: [String]
    /// False for collections reachable only from a parent (ticket notes, board statuses).
    public var isTopLevel: Bool
    /// For a child-only entity, the field of its records that holds the parent's id.
    public var parentKey: String?
    /// Field positions by lower-cased name, for case-insensitive lookups without scanning.
    private let fieldPositions: [String: Int]

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

