import ConnectWiseRequests
import ConnectWiseSpec

/// Names the catalog's entities from ConnectWise's published API facts: one entity per `GET`
/// list endpoint, named by ``EndpointNaming`` with ``CatalogOverlay``'s names laid over it.
/// Its result is the ``CatalogTable`` a build embeds (generated; `CatalogTableTests` compares
/// the two); ``Catalog`` makes each entity from its row.
struct SpecCatalogBuilder {
    let facts: APIFacts
    private let endpoints: [String: EndpointFact]

    init(facts: APIFacts) {
        self.facts = facts
        self.endpoints = Dictionary(facts.endpoints.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The list endpoints the catalog names: every `GET` list of records, except paths that
    /// end in a record id (single records the spec marks as lists) and lists nested under
    /// more than two ids (reachable with a backquoted path).
    static func namedEndpoints(_ facts: APIFacts) -> [EndpointFact] {
        facts.listEndpoints.filter { endpoint in !endpoint.path.hasSuffix("{id}") && endpoint.idHoles <= 2 }
    }

    /// Every entity with the names it is looked up by, and the targets of reference models.
    func table() -> CatalogTable {
        let listed = SpecCatalogBuilder.namedEndpoints(facts)
        let topLevel = listed.filter { $0.idHoles == 0 }
        let ruleNames = EndpointNaming.sourceNames(for: topLevel.map(\.path), taken: Set(CatalogOverlay.names.values))
        var rows: [CatalogTable.Row] = []
        var rowByPath: [String: Int] = [:]
        var alternativeNames: [String: String] = [:]
        var used = Set<String>()
        for endpoint in topLevel {
            let ruleName = ruleNames[endpoint.path] ?? EndpointNaming.words(of: endpoint.path).joined(separator: "_")
            var name = CatalogOverlay.names[endpoint.path] ?? ruleName
            if used.contains(name) {
                name = EndpointNaming.snakeCase(EndpointNaming.module(of: endpoint.path)) + "_" + name
            }
            used.insert(name)
            rowByPath[endpoint.path] = rows.count
            rows.append(row(name: name, endpoint: endpoint))
            if name != ruleName { alternativeNames[ruleName] = name }
        }
        let references = referenceModels().compactMap { model in
            facts.listPath(forReference: model).flatMap { rowByPath[$0] }.map {
                CatalogTable.Reference(model: model, entity: rows[$0].name)
            }
        }
        // The spec spells a few parents differently in a nested path (`/system/menuEntries/{id}/…`
        // under `/system/menuentries`); ConnectWise's paths ignore case.
        var rowByFoldedPath = Dictionary(
            rowByPath.map { ($0.key.lowercased(), $0.value) },
            uniquingKeysWith: { first, _ in first }
        )
        // Children: the words after the parent's `{id}`; a list under two ids is a child of the
        // child list under the first (`/service/boards/{id}/statuses/{id}/notifications`).
        for holes in 1...2 {
            for endpoint in listed where endpoint.idHoles == holes {
                guard let split = endpoint.path.ranges(of: "/{id}").last else { continue }
                let parentPath = String(endpoint.path[..<split.lowerBound])
                let suffix = String(endpoint.path[split.upperBound...])
                guard let parent = rowByPath[parentPath] ?? rowByFoldedPath[parentPath.lowercased()] else { continue }
                let stage = EndpointNaming.words(of: "/x" + suffix).joined(separator: "_")
                var name = EndpointNaming.singular(rows[parent].name) + "_" + stage
                while used.contains(name) { name += "_list" }
                used.insert(name)
                rowByPath[endpoint.path] = rows.count
                rowByFoldedPath[endpoint.path.lowercased()] = rows.count
                rows.append(row(name: name, endpoint: endpoint, parent: parent, stage: stage))
            }
        }
        return CatalogTable(
            rows: rows,
            names: SpecCatalogBuilder.names(of: rows, alternativeNames: alternativeNames),
            references: references.sorted { $0.model < $1.model }
        )
    }

    private func row(name: String, endpoint: EndpointFact, parent: Int? = nil, stage: String = "") -> CatalogTable.Row {
        CatalogTable.Row(
            name: name,
            singular: SpecNaming.recordSingular(name),
            path: endpoint.path,
            model: endpoint.model ?? "",
            collectionMethods: endpoint.methods.names.joined(separator: ","),
            recordMethods: (endpoints[endpoint.path + "/{id}"]?.methods ?? []).names.joined(separator: ","),
            parent: parent,
            stage: stage
        )
    }

    /// The names each entity is looked up by, ignoring case: its name; the rule's name of an
    /// entity the overlay renames, unless an entity has it; a source's singular, unless taken;
    /// then any other entity's singular, unless taken.
    private static func names(of rows: [CatalogTable.Row], alternativeNames: [String: String]) -> [CatalogTable.Name] {
        var byName: [String: Int] = [:]
        for (index, row) in rows.enumerated() { byName[row.name.lowercased()] = index }
        for (alternative, name) in alternativeNames where byName[alternative] == nil {
            byName[alternative] = byName[name]
        }
        for (index, row) in rows.enumerated() where row.parent == nil && byName[row.singular.lowercased()] == nil {
            byName[row.singular.lowercased()] = index
        }
        for (index, row) in rows.enumerated() where byName[row.singular.lowercased()] == nil {
            byName[row.singular.lowercased()] = index
        }
        return byName.map { CatalogTable.Name(key: $0.key, row: $0.value) }.sorted { $0.key < $1.key }
    }

    /// Every model a field refers to, and every model of the spec.
    private func referenceModels() -> Set<String> {
        var models = Set(facts.modelNames)
        for model in facts.modelNames {
            for field in facts.fields(of: model) ?? [] {
                switch field.type {
                case .reference(let target), .model(let target), .embedded(let target): models.insert(target)
                default: continue
                }
            }
        }
        return models
    }
}
