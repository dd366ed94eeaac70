import ConnectWiseRequests
import ConnectWiseSpec

/// Builds the catalog from ConnectWise's published API facts: one entity per `GET` list
/// endpoint, named by ``EndpointNaming``, with every field of its model typed from the spec,
/// and ``CatalogOverlay`` laid over it.
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

    /// Every entity, and the other names each may be called by (the rule's name under an overlay name).
    func build() -> (entities: [EntitySpec], alternativeNames: [String: String]) {
        let listed = SpecCatalogBuilder.namedEndpoints(facts)
        let topLevel = listed.filter { $0.idHoles == 0 }
        let ruleNames = EndpointNaming.sourceNames(for: topLevel.map(\.path), taken: Set(CatalogOverlay.names.values))
        var nameByPath: [String: String] = [:]
        var alternativeNames: [String: String] = [:]
        var used = Set<String>()
        for endpoint in topLevel {
            let ruleName = ruleNames[endpoint.path] ?? EndpointNaming.words(of: endpoint.path).joined(separator: "_")
            var name = CatalogOverlay.names[endpoint.path] ?? ruleName
            if used.contains(name) {
                name = EndpointNaming.snakeCase(EndpointNaming.module(of: endpoint.path)) + "_" + name
            }
            used.insert(name)
            nameByPath[endpoint.path] = name
            if name != ruleName { alternativeNames[ruleName] = name }
        }
        let types = SpecFieldTypes(facts: facts, entityByPath: nameByPath)
        // The spec spells a few parents differently in a nested path (`/system/menuEntries/{id}/…`
        // under `/system/menuentries`); ConnectWise's paths ignore case.
        var nameByFoldedPath = Dictionary(
            nameByPath.map { ($0.key.lowercased(), $0.value) },
            uniquingKeysWith: { first, _ in first }
        )
        // Children: the words after the parent's `{id}`; a list under two ids is a child of the
        // child list under the first (`/service/boards/{id}/statuses/{id}/notifications`).
        var childrenByParent: [String: [ChildLink]] = [:]
        var nested: [(endpoint: EndpointFact, name: String, parent: String)] = []
        for holes in 1...2 {
            for endpoint in listed where endpoint.idHoles == holes {
                guard let split = SpecCatalogBuilder.lastIdHole(in: endpoint.path) else { continue }
                let parentPath = String(endpoint.path[..<split.lowerBound])
                let suffix = String(endpoint.path[split.upperBound...])
                guard let parent = nameByPath[parentPath] ?? nameByFoldedPath[parentPath.lowercased()] else { continue }
                let childName = EndpointNaming.words(of: "/x" + suffix).joined(separator: "_")
                var name = EndpointNaming.singular(parent) + "_" + childName
                while used.contains(name) { name += "_list" }
                used.insert(name)
                nameByPath[endpoint.path] = name
                nameByFoldedPath[endpoint.path.lowercased()] = name
                nested.append((endpoint, name, parent))
                childrenByParent[parent, default: []].append(ChildLink(name: childName, entity: name, access: .subPath))
            }
        }
        var entities: [EntitySpec] = []
        for endpoint in topLevel {
            guard let name = nameByPath[endpoint.path] else { continue }
            let overlayChildren = CatalogOverlay.filteredChildren[name] ?? []
            let specChildren = (childrenByParent[name] ?? []).filter { child in
                !overlayChildren.contains { $0.name == child.name }
            }
            entities.append(
                entity(
                    name: name,
                    endpoint: endpoint,
                    children: overlayChildren + specChildren,
                    isTopLevel: true,
                    parentSingular: nil,
                    types: types
                )
            )
        }
        for child in nested {
            entities.append(
                entity(
                    name: child.name,
                    endpoint: child.endpoint,
                    children: childrenByParent[child.name] ?? [],
                    isTopLevel: false,
                    parentSingular: EndpointNaming.singular(child.parent),
                    types: types
                )
            )
        }
        return (entities, alternativeNames)
    }

    /// Where the last `/{id}` of a path is.
    static func lastIdHole(in path: String) -> Range<String.Index>? {
        let bytes = Array(path.utf8)
        let hole = Array("/{id}".utf8)
        var start = bytes.count - hole.count
        while start >= 0 {
            if bytes[start..<(start + hole.count)].elementsEqual(hole) {
                let lower = path.utf8.index(path.utf8.startIndex, offsetBy: start)
                return lower..<path.utf8.index(lower, offsetBy: hole.count)
            }
            start -= 1
        }
        return nil
    }

    /// An entity of the catalog; its fields are typed by `types` the first time they are read.
    private func entity(
        name: String,
        endpoint: EndpointFact,
        children: [ChildLink],
        isTopLevel: Bool,
        parentSingular: String?,
        types: SpecFieldTypes
    ) -> EntitySpec {
        let model = endpoint.model ?? ""
        let overlayColumns = CatalogOverlay.defaultColumns[name]
        return EntitySpec(
            name: name,
            singular: SpecNaming.recordSingular(name),
            path: endpoint.path,
            model: model,
            collectionMethods: endpoint.methods,
            recordMethods: endpoints[endpoint.path + "/{id}"]?.methods ?? [],
            permission: SecurityModules.module(ofPath: endpoint.path),
            aliases: CatalogOverlay.aliases[name] ?? [:],
            children: children,
            isTopLevel: isTopLevel,
            records: {
                let fields = types.fields(ofModel: model)
                return EntityRecords(
                    fields: fields,
                    defaultColumns: overlayColumns ?? SpecCatalogBuilder.defaultColumns(fields),
                    parentKey: parentSingular.flatMap {
                        SpecCatalogBuilder.parentKey(fields: fields, parentSingular: $0)
                    }
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
