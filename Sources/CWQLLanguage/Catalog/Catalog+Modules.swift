import ConnectWiseSpec

extension Catalog {
    /// One source per security module, for `cwql doctor` to probe what API keys may reach:
    /// the first release's source where the module guards one (`tickets`), else the source
    /// with the shortest path.
    public var moduleProbes: [(module: String, entity: EntitySpec)] {
        sourcesByModule.compactMap { module, entities in
            let common = CatalogOverlay.commonSources.compactMap { name in entities.first { $0.name == name } }.first
            let shortest = entities.min { ($0.path.count, $0.path) < ($1.path.count, $1.path) }
            return (common ?? shortest).map { (module, $0) }
        }
    }

    /// Every source (top-level list), grouped by the module that guards it, in
    /// ``SecurityModules/all`` order.
    public var sourcesByModule: [(module: String, entities: [EntitySpec])] {
        let grouped = Dictionary(grouping: entities.filter { $0.isTopLevel && !$0.isRaw }, by: \.permission)
        return SecurityModules.all.compactMap { module in grouped[module].map { (module, $0) } }
    }
}
