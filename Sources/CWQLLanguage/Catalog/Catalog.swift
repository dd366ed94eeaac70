import ConnectWiseSpec

/// Every entity cwql knows, looked up by plural or singular name, ignoring case; generated
/// from ConnectWise's published API facts (``SpecCatalogBuilder``).
public struct Catalog: Sendable {
    public let entities: [EntitySpec]
    private let byName: [String: Int]
    /// Every child navigation stage name of any entity.
    public let allChildNames: Set<String>
    /// Where the facts come from (the spec's generator and version).
    public let source: String

    /// The catalog of the ConnectWise API this build embeds.
    public static let standard: Catalog = {
        var builder = SpecCatalogBuilder(facts: .published)
        let built = builder.build()
        return Catalog(
            entities: built.entities,
            alternativeNames: built.alternativeNames,
            source: APIFacts.published.source
        )
    }()

    init(entities: [EntitySpec], alternativeNames: [String: String] = [:], source: String) {
        self.entities = entities
        self.source = source
        var byName: [String: Int] = [:]
        for (index, entity) in entities.enumerated() { byName[entity.name.lowercased()] = index }
        for (alternative, name) in alternativeNames where byName[alternative] == nil {
            byName[alternative] = byName[name]
        }
        for (index, entity) in entities.enumerated()
        where entity.isTopLevel && byName[entity.singular.lowercased()] == nil {
            byName[entity.singular.lowercased()] = index
        }
        for (index, entity) in entities.enumerated() where byName[entity.singular.lowercased()] == nil {
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

    /// The sources most queries start from (the first release's short names).
    public var commonSourceNames: [String] { CatalogOverlay.commonSources }

    /// Singular names usable with `ticket 4711` and `create ticket`.
    public var singularNames: [String] { entities.filter(\.isTopLevel).map(\.singular) }
}
