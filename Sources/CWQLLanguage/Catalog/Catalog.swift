/// Every entity cwql knows, looked up by plural or singular name, ignoring case.
public struct Catalog: Sendable {
    public let entities: [EntitySpec]
    private let byName: [String: Int]
    /// Every child navigation stage name of any entity.
    public let allChildNames: Set<String>

    /// The built-in catalog of ConnectWise PSA entities.
    public static let standard = Catalog(entities: Catalog.serviceEntities + Catalog.companyEntities
        + Catalog.financeEntities + Catalog.otherEntities)

    public init(entities: [EntitySpec]) {
        self.entities = entities
        var byName: [String: Int] = [:]
        for (index, entity) in entities.enumerated() {
            byName[entity.name.lowercased()] = index
            byName[entity.singular.lowercased()] = index
        }
        self.byName = byName
        self.allChildNames = Set(entities.flatMap { $0.children.map(\.name) })
    }

    /// The entity with this plural or singular name.
    public func entity(named name: String) -> EntitySpec? {
        byName[name.lowercased()].map { entities[$0] }
    }

    /// Names that start a query: the top-level plural names.
    public var sourceNames: [String] { entities.filter(\.isTopLevel).map(\.name) }

    /// Singular names usable with `ticket 4711` and `create ticket`.
    public var singularNames: [String] { entities.filter(\.isTopLevel).map(\.singular) }
}
