import ConnectWiseSpec

/// Every endpoint of ConnectWise's published spec, as the simulator serves it: one resource per
/// `GET` list endpoint, the routes of all endpoints, and which list a reference model points at.
/// Built once from ``APIFacts/published``; nothing here is written by hand but the overlay of the
/// first release's resources (their short names).
final class ResourceCatalog: Sendable {
    /// The catalog of the spec this build embeds.
    static let published = ResourceCatalog(facts: .published)

    let facts: APIFacts
    /// Resources by path template.
    let resources: [String: SimulatedResource]
    /// The template of a hand-seeded resource by its short name (`tickets`).
    let templatesByName: [String: String]
    /// The list a reference model points at (`CompanyReference` → `/company/companies`).
    let referenceTargets: [String: String]
    private let routes: RouteNode

    init(facts: APIFacts) {
        self.facts = facts
        let endpoints = Dictionary(facts.endpoints.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let lists = facts.listEndpoints
        let listTemplates = Set(lists.map(\.path))
        var resources: [String: SimulatedResource] = [:]
        for endpoint in lists {
            guard let model = endpoint.model else { continue }
            let template = endpoint.path
            // 15 list endpoints name a model the spec does not describe: their records carry an id.
            let fields = Self.ordered(facts.fields(of: model) ?? [FieldFact(name: "id", type: .integer)])
            let parentCount = template.components(separatedBy: "{id}").count - 1
            var parentTemplate: String?
            if parentCount > 0, let range = template.range(of: "/{id}", options: .backwards) {
                let candidate = String(template[..<range.lowerBound])
                if listTemplates.contains(candidate) { parentTemplate = candidate }
            }
            let parentField = parentTemplate.flatMap { Self.parentField(under: $0, in: fields) }
            resources[template] = SimulatedResource(
                template: template,
                model: model,
                fields: fields,
                fieldsByName: Dictionary(
                    fields.map { ($0.name.lowercased(), $0) },
                    uniquingKeysWith: { first, _ in first }
                ),
                collectionMethods: endpoint.methods,
                recordMethods: endpoints[template + "/{id}"]?.methods ?? [],
                module: Self.module(of: template),
                parentCount: parentCount,
                parentTemplate: parentTemplate,
                parentField: parentField,
                viewOf: Self.viewSource(of: template, lists: listTemplates),
                coreName: CoreResources.name(of: template)
            )
        }
        self.resources = resources
        templatesByName = Dictionary(uniqueKeysWithValues: CoreResources.all.map { ($0.name, $0.template) })
        referenceTargets = Dictionary(
            uniqueKeysWithValues: facts.modelNames.compactMap { model in
                facts.listPath(forReference: model).map { (model, $0) }
            }
        )
        let root = RouteNode()
        for endpoint in facts.endpoints { root.insert(endpoint) }
        routes = root
    }

    /// The resource of a hand-seeded short name (`tickets`) or a template.
    func resource(named name: String) -> SimulatedResource? {
        resources[templatesByName[name] ?? name]
    }

    /// What a request path (the segments under the API root) addresses, or nil when the spec has
    /// no such endpoint.
    func route(_ segments: [String]) -> Route? {
        guard let (endpoint, ids) = routes.match(segments[...], ids: []) else { return nil }
        let template = endpoint.path
        if let resource = resources[template] { return .collection(resource, parents: ids) }
        if template.hasSuffix("/count"), let resource = resources[String(template.dropLast("/count".count))] {
            return .count(resource, parents: ids)
        }
        if template.hasSuffix("/{id}"), let resource = resources[String(template.dropLast("/{id}".count))],
            let id = ids.last
        {
            return .record(resource, parents: Array(ids.dropLast()), id: id)
        }
        return .other(endpoint, ids: ids)
    }

    /// The integer `<parent>Id` field, else the `<parent>` reference, of a nested list's model.
    private static func parentField(under parentTemplate: String, in fields: [FieldFact]) -> FieldFact? {
        let segment = String(parentTemplate.split(separator: "/").last ?? "")
        let parent = SpecNaming.singular(SpecNaming.snakeCase(segment)).replacing("_", with: "")
        let id = fields.first { $0.name.lowercased() == parent + "id" && $0.type == .integer }
        return id
            ?? fields.first { field in
                if case .reference = field.type { return field.name.lowercased() == parent }
                return false
            }
    }

    /// `id` first, `_info` last, the rest in name order, as ConnectWise sends them.
    private static func ordered(_ fields: [FieldFact]) -> [FieldFact] {
        let id = fields.filter { $0.name == "id" }
        let info = fields.filter { $0.name == "_info" }
        return id + fields.filter { $0.name != "id" && $0.name != "_info" } + info
    }

    /// `…/info` shows its list's records in the info model; `allNotes` shows a ticket's notes.
    private static func viewSource(of template: String, lists: Set<String>) -> String? {
        for (suffix, replacement) in [("/info", ""), ("/allNotes", "/notes")] where template.hasSuffix(suffix) {
            let source = String(template.dropLast(suffix.count)) + replacement
            if lists.contains(source) { return source }
        }
        return nil
    }

    /// The module of the longest hand-seeded resource its path starts with, else of its area.
    private static func module(of template: String) -> String {
        SecurityModules.module(ofPath: template)
    }
}

/// Where a request path leads.
enum Route {
    /// A list endpoint, under these parent ids.
    case collection(SimulatedResource, parents: [Int])
    /// `…/count` of a list.
    case count(SimulatedResource, parents: [Int])
    /// One record of a list.
    case record(SimulatedResource, parents: [Int], id: Int)
    /// An endpoint of the spec that is neither (`/company/companies/default`, an action).
    case other(EndpointFact, ids: [Int])
}

/// A trie of the spec's path templates: literal segments (ignoring case) before `{id}`.
private final class RouteNode: @unchecked Sendable {
    // Written only while the catalog is built, read-only after.
    var literals: [String: RouteNode] = [:]
    var identifier: RouteNode?
    var endpoint: EndpointFact?

    func insert(_ endpoint: EndpointFact) {
        var node = self
        for segment in endpoint.path.split(separator: "/") {
            if segment == "{id}" {
                if node.identifier == nil { node.identifier = RouteNode() }
                node = node.identifier!
            } else {
                let key = segment.lowercased()
                if node.literals[key] == nil { node.literals[key] = RouteNode() }
                node = node.literals[key]!
            }
        }
        if node.endpoint == nil { node.endpoint = endpoint }
    }

    func match(_ segments: ArraySlice<String>, ids: [Int]) -> (EndpointFact, [Int])? {
        guard let segment = segments.first else { return endpoint.map { ($0, ids) } }
        if let next = literals[segment.lowercased()], let found = next.match(segments.dropFirst(), ids: ids) {
            return found
        }
        if let next = identifier, let id = Int(segment), id > 0 {
            return next.match(segments.dropFirst(), ids: ids + [id])
        }
        return nil
    }
}
