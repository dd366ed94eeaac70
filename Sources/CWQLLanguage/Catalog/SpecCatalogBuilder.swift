import ConnectWiseRequests
import ConnectWiseSpec

/// Builds the catalog from ConnectWise's published API facts: one entity per `GET` list
/// endpoint, named by ``EndpointNaming``, with every field of its model typed from the spec,
/// and ``CatalogOverlay`` laid over it.
struct SpecCatalogBuilder {
    let facts: APIFacts
    private let endpoints: [String: EndpointFact]
    /// Top-level entity names by path, for the target of a reference (`BoardReference` → `boards`).
    private var entityByPath: [String: String] = [:]

    init(facts: APIFacts) {
        self.facts = facts
        self.endpoints = Dictionary(facts.endpoints.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The list endpoints the catalog names: every `GET` list of records, except paths that
    /// end in a record id (single records the spec marks as lists) and lists nested under
    /// more than one id (reachable with a backquoted path).
    static func namedEndpoints(_ facts: APIFacts) -> [EndpointFact] {
        facts.endpoints.filter { endpoint in
            endpoint.isList && endpoint.model != nil && endpoint.methods.contains(.get) && !endpoint.path.hasSuffix("{id}")
                && endpoint.path.split(separator: "{id}", omittingEmptySubsequences: false).count <= 2
        }
    }

    /// Every entity, and the other names each may be called by (the rule's name under an overlay name).
    mutating func build() -> (entities: [EntitySpec], alternativeNames: [String: String]) {
        let listed = SpecCatalogBuilder.namedEndpoints(facts)
        let topLevel = listed.filter { !$0.path.contains("{id}") }
        let ruleNames = EndpointNaming.sourceNames(for: topLevel.map(\.path), taken: Set(CatalogOverlay.names.values))
        var nameByPath: [String: String] = [:]
        var alternativeNames: [String: String] = [:]
        var used = Set<String>()
        for endpoint in topLevel {
            let ruleName = ruleNames[endpoint.path] ?? EndpointNaming.words(of: endpoint.path).joined(separator: "_")
            var name = CatalogOverlay.names[endpoint.path] ?? ruleName
            if used.contains(name) { name = EndpointNaming.snakeCase(EndpointNaming.module(of: endpoint.path)) + "_" + name }
            used.insert(name)
            nameByPath[endpoint.path] = name
            if name != ruleName { alternativeNames[ruleName] = name }
        }
        entityByPath = nameByPath
        // Children: the words after the parent's `{id}`.
        var childrenByParent: [String: [ChildLink]] = [:]
        var nested: [(endpoint: EndpointFact, name: String, parent: String, childName: String)] = []
        for endpoint in listed where endpoint.path.contains("{id}") {
            let parts = endpoint.path.split(separator: "/{id}", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, let parent = nameByPath[parts[0]] else { continue }
            let childName = EndpointNaming.words(of: "/x" + parts[1]).joined(separator: "_")
            var name = EndpointNaming.singular(parent) + "_" + childName
            while used.contains(name) { name += "_list" }
            used.insert(name)
            nameByPath[endpoint.path] = name
            nested.append((endpoint, name, parent, childName))
            childrenByParent[parent, default: []].append(ChildLink(name: childName, entity: name, access: .subPath(parts[1])))
        }
        var entities: [EntitySpec] = []
        var shapes: [String: ObjectShape] = [:]
        for endpoint in topLevel {
            guard let name = nameByPath[endpoint.path] else { continue }
            let overlayChildren = CatalogOverlay.filteredChildren[name] ?? []
            let specChildren = (childrenByParent[name] ?? []).filter { child in !overlayChildren.contains { $0.name == child.name } }
            entities.append(entity(
                name: name, endpoint: endpoint, children: overlayChildren + specChildren, isTopLevel: true, parentKey: nil,
                shapes: &shapes))
        }
        for child in nested {
            let parentSingular = EndpointNaming.singular(child.parent)
            entities.append(entity(
                name: child.name, endpoint: child.endpoint, children: [], isTopLevel: false,
                parentKey: parentKey(model: child.endpoint.model ?? "", parentSingular: parentSingular),
                templatePath: child.endpoint.path.replacing("{id}", with: "{parentId}"), shapes: &shapes))
        }
        return (entities, alternativeNames)
    }

    /// An entity of the catalog; `shapes` holds the shapes of referenced and embedded models,
    /// built once for all entities (by model and depth).
    private func entity(
        name: String, endpoint: EndpointFact, children: [ChildLink], isTopLevel: Bool, parentKey: String?,
        templatePath: String? = nil, shapes: inout [String: ObjectShape]
    ) -> EntitySpec {
        let model = endpoint.model ?? ""
        let fields = (facts.fields(of: model) ?? []).map { fieldSpec($0, depth: 0, shapes: &shapes) }
        let singular = EndpointNaming.singular(name)
        return EntitySpec(
            name: name, singular: singular == name ? name + "_record" : singular, path: templatePath ?? endpoint.path,
            model: model, collectionMethods: endpoint.methods, recordMethods: endpoints[endpoint.path + "/{id}"]?.methods ?? [],
            permission: CatalogOverlay.permissions[name]
                ?? CatalogOverlay.modules[EndpointNaming.module(of: endpoint.path)] ?? EndpointNaming.module(of: endpoint.path),
            fields: fields, aliases: CatalogOverlay.aliases[name] ?? [:], children: children,
            defaultColumns: CatalogOverlay.defaultColumns[name] ?? SpecCatalogBuilder.defaultColumns(fields),
            isTopLevel: isTopLevel, parentKey: parentKey)
    }

    /// The field of a child's records that holds its parent's id: `ticketId`, else the
    /// parent's reference (`board/id`).
    private func parentKey(model: String, parentSingular: String) -> String? {
        let fields = facts.fields(of: model) ?? []
        let lastWord = parentSingular.split(separator: "_").last.map(String.init) ?? parentSingular
        if let idField = fields.first(where: { $0.name.lowercased() == lastWord + "id" }) { return idField.name }
        if let reference = fields.first(where: { $0.name.lowercased() == lastWord }), case .reference = reference.type {
            return reference.name + "/id"
        }
        return nil
    }

    /// `id`, the first naming field the model has, and the next few plain fields.
    static func defaultColumns(_ fields: [FieldSpec]) -> [String] {
        let naming = ["identifier", "name", "summary", "description", "firstName", "lastName", "title", "subject"]
        var columns = (fields.contains { $0.name == "id" } ? ["id"] : [])
            + naming.filter { name in fields.contains { $0.name == name } }.prefix(2)
        for field in fields where columns.count < 6 && !columns.contains(field.name) && field.name != "_info" {
            switch field.kind {
            case .value: columns.append(field.name)
            case .object(let shape) where shape.defaultField != nil: columns.append(field.name)
            default: continue
            }
        }
        return columns
    }

    // MARK: - Fields

    private func fieldSpec(_ fact: FieldFact, depth: Int, shapes: inout [String: ObjectShape]) -> FieldSpec {
        switch fact.type {
        case .string: return FieldSpec(fact.name, .value(.string))
        case .enumeration(let values): return FieldSpec(fact.name, .value(.string), allowedValues: values)
        case .integer: return FieldSpec(fact.name, .value(.integer))
        case .number: return FieldSpec(fact.name, .value(.decimal))
        case .boolean: return FieldSpec(fact.name, .value(.boolean))
        case .scalar: return FieldSpec(fact.name, .value(.unknown))
        case .datetime, .date: return FieldSpec(fact.name, .value(.date))
        case .object, .embedded:
            return fact.name == "_info" ? FieldSpec(fact.name, .object(CatalogOverlay.info)) : FieldSpec(fact.name, .value(.unknown))
        case .reference(let model):
            guard depth < 2 else { return FieldSpec(fact.name, .value(.unknown)) }
            return FieldSpec(fact.name, .object(shape(of: model, depth: depth + 1, shapes: &shapes)))
        case .model(let model):
            if model == "CustomFieldValue" { return FieldSpec(fact.name, .customFields) }
            guard depth < 2 else { return FieldSpec(fact.name, .value(.unknown)) }
            return FieldSpec(fact.name, .array(shape(of: model, depth: depth + 1, shapes: &shapes)))
        case .array(let items):
            let type: ValueType
            switch items {
            case .integer: type = .integer
            case .number: type = .decimal
            case .boolean: type = .boolean
            case .datetime, .date: type = .date
            case .string, .enumeration: type = .string
            default: type = .unknown
            }
            return FieldSpec(fact.name, .valueArray(type))
        }
    }

    /// The fields of a referenced or embedded model; a reference compares its identifier, else its name.
    private func shape(of model: String, depth: Int, shapes: inout [String: ObjectShape]) -> ObjectShape {
        let key = "\(model)#\(depth)"
        if let known = shapes[key] { return known }
        let fields = (facts.fields(of: model) ?? []).map { fieldSpec($0, depth: depth, shapes: &shapes) }
        let names = Set(fields.map(\.name))
        let defaultField = model.hasSuffix("Reference") ? ["identifier", "name"].first(where: names.contains) : nil
        let target = facts.listPath(forReference: model).flatMap { entityByPath[$0] }
        let shape = ObjectShape(SpecCatalogBuilder.describe(model), fields: fields, defaultField: defaultField, target: target)
        shapes[key] = shape
        return shape
    }

    /// `BoardReference` → "a board reference", `ContactCommunicationItem` → "contact communication items".
    static func describe(_ model: String) -> String {
        let words = SpecNaming.words(model)
        if model.hasSuffix("Reference") { return ("aeiou".contains(words.first ?? "x") ? "an " : "a ") + words }
        return words
    }
}
