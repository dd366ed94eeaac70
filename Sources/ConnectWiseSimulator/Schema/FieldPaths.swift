import ConnectWiseSpec

extension ResourceCatalog {
    /// True when a `/`-separated path names a field of a resource's model: through references,
    /// embedded objects and arrays of a model; any key inside an undescribed object (`_info/…`).
    /// ConnectWise answers a condition on any other path with `400 ApiFindCondition`.
    func knows(_ path: String, in resource: SimulatedResource) -> Bool {
        var fields = resource.fieldsByName
        var parts = path.split(separator: "/")[...]
        while let head = parts.popFirst() {
            guard let field = fields[head.lowercased()] else { return false }
            if parts.isEmpty { return true }
            switch field.type {
            case .reference(let model), .embedded(let model), .model(let model):
                let nested = facts.fields(of: model) ?? []
                fields = Dictionary(nested.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
            case .object:
                return true
            default:
                return false
            }
        }
        return true
    }
}
