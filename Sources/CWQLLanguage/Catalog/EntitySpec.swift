import ConnectWiseRequests
import ConnectWiseSpec

/// How a child collection hangs off its parent record.
public enum ChildAccess: Sendable {
    /// The child's own path under the parent record, its `{id}` holes the ids of the records it
    /// hangs under (`/service/tickets/{id}/notes`; a backquoted endpoint's path too).
    case subPath
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

/// What an entity knows of its records, built from the spec the first time it is needed.
struct EntityRecords: Sendable {
    var fields: [FieldSpec]
    var defaultColumns: [String]
    var parentKey: String?
}

/// One ConnectWise collection: its endpoint, fields, aliases and children, generated from
/// ConnectWise's published spec (``SpecCatalogBuilder``) with the first release's short names
/// and aliases laid over it (``CatalogOverlay``).
/// A reference type, so that plans and records carry it without copying its tables. Its
/// names, paths and children are known at once; its fields the first time they are read.
public final class EntitySpec: Sendable {
    /// The plural source name (`tickets`).
    public let name: String
    /// The singular, used by `ticket 4711` and `create ticket`.
    public let singular: String
    /// The collection path under the API root as the spec writes it (`/service/tickets`); a
    /// child-only entity's path has an `{id}` hole for each record it hangs under, outermost
    /// first (`/service/boards/{id}/statuses/{id}/notifications`).
    public let path: String
    /// The spec's model of the records (`Ticket`).
    public let model: String
    /// The HTTP methods the spec lists for the collection path and for one record's path.
    public let collectionMethods: EndpointMethods
    public let recordMethods: EndpointMethods
    /// The security-role module that guards the endpoint, named as ConnectWise names it.
    public let permission: String
    /// Friendly names, folded to lower case, mapped to field paths (`entered` → `_info/dateEntered`).
    public let aliases: [String: String]
    public let children: [ChildLink]
    /// False for collections reachable only from a parent (ticket notes, board statuses).
    public let isTopLevel: Bool
    /// True for a backquoted endpoint the catalog lacks: its fields are not checked, and
    /// every write is left to ConnectWise to allow.
    public let isRaw: Bool
    /// True for rows that are not ConnectWise records (an aggregate's groups, a file's rows):
    /// they have no endpoint, so nothing writes them or reads their children.
    public let isRows: Bool
    private let contents: LazilyBuilt<Contents>

    /// The records' fields with their lookup table and resolved aliases; a class, so that
    /// reading one of them retains one reference, not each table.
    private final class Contents: Sendable {
        let records: EntityRecords
        let table: FieldTable
        let resolvedAliases: [String: ResolvedField]

        init(records: EntityRecords, table: FieldTable, resolvedAliases: [String: ResolvedField]) {
            self.records = records
            self.table = table
            self.resolvedAliases = resolvedAliases
        }
    }

    init(
        name: String,
        singular: String,
        path: String,
        model: String,
        collectionMethods: EndpointMethods,
        recordMethods: EndpointMethods,
        permission: String,
        aliases: [String: AliasTarget] = [:],
        children: [ChildLink] = [],
        isTopLevel: Bool = true,
        isRaw: Bool = false,
        isRows: Bool = false,
        records: @escaping @Sendable () -> EntityRecords
    ) {
        self.isRaw = isRaw
        self.isRows = isRows
        self.name = name
        self.singular = singular
        self.path = path
        self.model = model
        self.collectionMethods = collectionMethods
        self.recordMethods = recordMethods
        self.permission = permission
        self.children = children
        self.isTopLevel = isTopLevel
        self.aliases = Dictionary(
            aliases.map { ($0.key.lowercased(), $0.value.path) },
            uniquingKeysWith: { first, _ in first }
        )
        let aliasNames = self.aliases.keys.sorted()
        self.contents = LazilyBuilt {
            let records = records()
            let table = FieldTable(owner: name, fields: records.fields, aliasNames: aliasNames)
            // Aliases point at this entity's own fields; resolve each once (an alias whose field
            // the spec lacks is dropped here, and the catalog test names it).
            var resolved: [String: ResolvedField] = [:]
            for (alias, target) in aliases {
                guard
                    case .success(var field) = table.resolve(names: target.path.split(separator: "/").map(String.init))
                else { continue }
                field.also = target.also
                resolved[alias.lowercased()] = field
            }
            return Contents(records: records, table: table, resolvedAliases: resolved)
        }
    }

    /// A backquoted endpoint (`` `/system/mycompany/other` ``): named by its path, its records
    /// by the singular of its last word, with no known fields.
    public static func raw(path: String) -> EntitySpec {
        let last =
            path.split(separator: "/").last { $0 != "{id}" }.map { EndpointNaming.snakeCase(String($0)) } ?? "record"
        return EntitySpec(
            name: path,
            singular: SpecNaming.recordSingular(last),
            path: path,
            model: "",
            collectionMethods: [.get, .post],
            recordMethods: [.get, .patch, .put, .delete],
            permission: "",
            isTopLevel: !path.contains("{id}"),
            isRaw: true,
            records: { EntityRecords(fields: [], defaultColumns: [], parentKey: nil) }
        )
    }

    /// Rows that are not ConnectWise records: an aggregate's (its columns known, typed) or a
    /// file's (`columns` nil: any column name is accepted and typed by its values).
    public static func rows(of name: String, columns: [FieldSpec]?) -> EntitySpec {
        EntitySpec(
            name: name,
            singular: "row",
            path: "",
            model: "",
            collectionMethods: [],
            recordMethods: [],
            permission: "",
            isTopLevel: false,
            isRaw: columns == nil,
            isRows: true,
            records: {
                EntityRecords(fields: columns ?? [], defaultColumns: (columns ?? []).map(\.name), parentKey: nil)
            }
        )
    }

    public var fields: [FieldSpec] { contents.value.records.fields }
    /// Columns shown by default in a table.
    public var defaultColumns: [String] { contents.value.records.defaultColumns }
    /// For a child-only entity, the field of its records that holds the parent's id.
    public var parentKey: String? { contents.value.records.parentKey }
    /// The fields by name, for case-insensitive lookups and path resolution.
    var table: FieldTable { contents.value.table }
    /// Every alias resolved once, when the fields are first read.
    var resolvedAliases: [String: ResolvedField] { contents.value.resolvedAliases }

    /// How many parent ids the path needs: 0 for a top-level collection, 1 for a board's
    /// statuses, 2 for a status's notifications.
    public var parentDepth: Int { SpecNaming.idHoles(in: path) }

    /// How many aliases name a field of the spec (all of them, in a correct overlay).
    public var resolvedAliasCount: Int { resolvedAliases.count }

    /// True when a column name is an alias or a field path of this entity (`board`, `_info/lastUpdated`).
    public func hasColumn(_ column: String) -> Bool {
        if isRaw { return true }
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
