import ConnectWiseSpec
import Synchronization

/// Every entity cwql knows, looked up by plural or singular name, ignoring case; generated
/// from ConnectWise's published API facts (``SpecCatalogBuilder``, embedded as a
/// ``CatalogTable``). An entity is made from its row the first time it is looked up (a query
/// reads one or two of several hundred), the same object every time after.
public struct Catalog: Sendable {
    private let table: CatalogTable
    private let made: MadeEntities
    private let types: SpecFieldTypes
    private let childNames: LazilyBuilt<Set<String>>
    /// Where the facts come from (the spec's generator and version).
    public let source: String

    /// The catalog of the ConnectWise API this build embeds.
    public static let standard = Catalog(table: .generated, facts: .published)

    init(table: CatalogTable, facts: APIFacts) {
        self.table = table
        self.source = facts.source
        made = MadeEntities(count: table.rows.count)
        types = SpecFieldTypes(facts: facts, referenceTargets: table)
        childNames = LazilyBuilt {
            Set(table.rows.map(\.stage).filter { !$0.isEmpty })
                .union(CatalogOverlay.filteredChildren.values.joined().map(\.name))
        }
    }

    /// Every entity: the sources in path order, then those reachable only from a parent.
    public var entities: [EntitySpec] { table.rows.indices.map(entity(at:)) }

    /// Every child navigation stage name of any entity.
    public var allChildNames: Set<String> { childNames.value }

    /// The entity with this plural or singular name.
    public func entity(named name: String) -> EntitySpec? {
        table.row(named: name).map(entity(at:))
    }

    /// Names that start a query: the top-level plural names.
    public var sourceNames: [String] { table.rows.filter { $0.parent == nil }.map(\.name) }

    /// The sources most queries start from (the first release's short names).
    public var commonSourceNames: [String] { CatalogOverlay.commonSources }

    /// Singular names usable with `ticket 4711` and `create ticket`.
    public var singularNames: [String] { table.rows.filter { $0.parent == nil }.map(\.singular) }

    private func entity(at index: Int) -> EntitySpec {
        made.entity(at: index) { makeEntity(table.rows[index], at: index) }
    }

    /// An entity of the catalog, with ``CatalogOverlay``'s aliases, columns and children; its
    /// fields are typed the first time they are read.
    private func makeEntity(_ row: CatalogTable.Row, at index: Int) -> EntitySpec {
        let overlayChildren = CatalogOverlay.filteredChildren[row.name] ?? []
        let specChildren = table.rows.indices.compactMap { child -> ChildLink? in
            let link = table.rows[child]
            guard link.parent == index, !overlayChildren.contains(where: { $0.name == link.stage }) else { return nil }
            return ChildLink(name: link.stage, entity: link.name, access: .subPath)
        }
        let overlayColumns = CatalogOverlay.defaultColumns[row.name]
        let parentSingular = row.parent.map { EndpointNaming.singular(table.rows[$0].name) }
        let types = self.types
        return EntitySpec(
            name: row.name,
            singular: row.singular,
            path: row.path,
            model: row.model,
            collectionMethods: EndpointMethods(spelled: ArraySlice(row.collectionMethods.utf8)),
            recordMethods: EndpointMethods(spelled: ArraySlice(row.recordMethods.utf8)),
            permission: SecurityModules.module(ofPath: row.path),
            aliases: CatalogOverlay.aliases[row.name] ?? [:],
            children: overlayChildren + specChildren,
            isTopLevel: row.parent == nil,
            records: {
                let fields = types.fields(ofModel: row.model)
                return EntityRecords(
                    fields: fields,
                    defaultColumns: overlayColumns ?? Catalog.defaultColumns(fields),
                    parentKey: parentSingular.flatMap { Catalog.parentKey(fields: fields, parentSingular: $0) }
                )
            }
        )
    }

    /// The field of a child's records that holds its parent's id: `ticketId`, else the
    /// parent's reference (`board/id`).
    static func parentKey(fields: [FieldSpec], parentSingular: String) -> String? {
        let lastWord = parentSingular.split(separator: "_").last.map(String.init) ?? parentSingular
        if let idField = fields.first(where: { $0.name.lowercased() == lastWord + "id" }) { return idField.name }
        if let reference = fields.first(where: { $0.name.lowercased() == lastWord }), case .object = reference.kind {
            return reference.name + "/id"
        }
        return nil
    }

    /// `id`, the first naming fields the model has, and the next few plain fields.
    static func defaultColumns(_ fields: [FieldSpec]) -> [String] {
        DefaultColumns.choose(
            from: fields.map { field in
                switch field.kind {
                case .value: return (field.name, field.name)
                case .object(let shape) where shape.defaultField != nil: return (field.name, field.name)
                default: return (field.name, nil)
                }
            }
        )
    }
}

/// The entities a catalog has made, by row: each made once, and the same object every time
/// after (two threads may make one at once; the first stored is the one both get).
private final class MadeEntities: Sendable {
    private let entities: Mutex<[EntitySpec?]>

    init(count: Int) { entities = Mutex(Array(repeating: nil, count: count)) }

    func entity(at index: Int, make: () -> EntitySpec) -> EntitySpec {
        if let made = entities.withLock({ $0[index] }) { return made }
        let entity = make()
        return entities.withLock { entities in
            if let made = entities[index] { return made }
            entities[index] = entity
            return entity
        }
    }
}
