import ConnectWiseRequests
import ConnectWiseSpec

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

/// One ConnectWise collection: its endpoint, fields, aliases and children, generated from
/// ConnectWise's published spec (``SpecCatalogBuilder``) with the first release's short names
/// and aliases laid over it (``CatalogOverlay``).
/// A reference type, so that plans and records carry it without copying its tables.
public final class EntitySpec: Sendable {
    /// The plural source name (`tickets`).
    public let name: String
    /// The singular, used by `ticket 4711` and `create ticket`.
    public let singular: String
    /// The collection path under the API root (`/service/tickets`); for a child-only entity,
    /// the path with `{parentId}` standing for the parent record's id.
    public let path: String
    /// The spec's model of the records (`Ticket`).
    public let model: String
    /// The HTTP methods the spec lists for the collection path and for one record's path.
    public let collectionMethods: EndpointMethods
    public let recordMethods: EndpointMethods
    /// The security-role module that guards the endpoint, named as ConnectWise names it.
    public let permission: String
    public let fields: [FieldSpec]
    /// Friendly names, folded to lower case, mapped to field paths (`entered` → `_info/dateEntered`).
    public let aliases: [String: String]
    public let children: [ChildLink]
    /// Columns shown by default in a table.
    public let defaultColumns: [String]
    /// False for collections reachable only from a parent (ticket notes, board statuses).
    public let isTopLevel: Bool
    /// For a child-only entity, the field of its records that holds the parent's id.
    public let parentKey: String?
    /// The fields by name, for case-insensitive lookups and path resolution.
    let table: FieldTable
    /// Every alias resolved once, when the catalog is built.
    let resolvedAliases: [String: ResolvedField]

    init(
        name: String, singular: String, path: String, model: String, collectionMethods: EndpointMethods,
        recordMethods: EndpointMethods, permission: String, fields: [FieldSpec], aliases: [String: AliasTarget] = [:],
        children: [ChildLink] = [], defaultColumns: [String], isTopLevel: Bool = true, parentKey: String? = nil
    ) {
        self.name = name
        self.singular = singular
        self.path = path
        self.model = model
        self.collectionMethods = collectionMethods
        self.recordMethods = recordMethods
        self.permission = permission
        self.fields = fields
        self.children = children
        self.defaultColumns = defaultColumns
        self.isTopLevel = isTopLevel
        self.parentKey = parentKey
        self.aliases = Dictionary(uniqueKeysWithValues: aliases.map { ($0.key.lowercased(), $0.value.path) })
        let table = FieldTable(owner: name, fields: fields, aliasNames: self.aliases.keys.sorted())
        self.table = table
        // Aliases point at this entity's own fields; resolve each once (an alias whose field
        // the spec lacks is dropped here, and the catalog test names it).
        var resolved: [String: ResolvedField] = [:]
        for (alias, target) in aliases {
            guard case .success(var field) = table.resolve(names: target.path.split(separator: "/").map(String.init)) else { continue }
            field.also = target.also
            resolved[alias.lowercased()] = field
        }
        self.resolvedAliases = resolved
    }

    /// The path of one record, given the record (child records need their parent's id).
    public func recordPath(id: Int, parentId: Int?) -> String {
        let collection = parentId.map { path.replacing("{parentId}", with: String($0)) } ?? path
        return "\(collection)/\(id)"
    }

    /// How many aliases name a field of the spec (all of them, in a correct overlay).
    public var resolvedAliasCount: Int { resolvedAliases.count }

    /// True when a column name is an alias or a field path of this entity (`board`, `_info/lastUpdated`).
    public func hasColumn(_ column: String) -> Bool {
        if resolvedAliases[column.lowercased()] != nil { return true }
        if case .success = table.resolve(names: column.split(separator: "/").map(String.init)) { return true }
        return false
    }

    /// The field named `name`, ignoring case.
    public func field(named name: String) -> FieldSpec? { table.field(named: name) }

    /// The child collection named `name`, ignoring case.
    public func child(named name: String) -> ChildLink? {
        let folded = name.lowercased()
        return children.first { $0.name == folded }
    }
}


/// Where an alias points: a field path, and a condition every comparison of it carries.
public struct AliasTarget: Sendable, ExpressibleByStringLiteral {
    /// Field names joined by `/` (`_info/dateEntered`, `primarySalesRep`).
    public var path: String
    public var also: Conditions?

    public init(_ path: String, also: Conditions? = nil) {
        self.path = path
        self.also = also
    }

    public init(stringLiteral path: String) { self.init(path) }
}
