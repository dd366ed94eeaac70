import ConnectWiseSpec

/// What `cwql schema` and `.schema` print: the entities that match a pattern, or one entity
/// with its ConnectWise path, fields and types, aliases, children and allowed writes.
public struct SchemaDescription {
    public let catalog: Catalog

    public init(catalog: Catalog = .standard) { self.catalog = catalog }

    /// The answer for a pattern: one entity when it names one, else every entity whose name
    /// or path contains it (all of them for an empty pattern); nil when nothing matches.
    public func describe(_ pattern: String) -> String? {
        if !pattern.isEmpty, let entity = catalog.entity(named: pattern) { return describe(entity) }
        let folded = pattern.lowercased()
        let matches = catalog.entities.filter { entity in
            folded.isEmpty || entity.name.contains(folded) || entity.path.lowercased().contains(folded)
        }
        guard !matches.isEmpty else { return nil }
        let width = min(40, matches.map(\.name.count).max() ?? 0)
        return matches.map { entity in
            let padded = entity.name + String(repeating: " ", count: max(0, width - entity.name.count))
            return "\(padded)  \(entity.path)"
        }.joined(separator: "\n") + "\n"
    }

    /// What to say about a pattern that matches nothing: the message, then a did-you-mean line.
    public func noMatch(_ pattern: String) -> String {
        let help = Suggestions.didYouMean(pattern, among: catalog.entities.map(\.name))
        return "no entity matches `\(pattern)`\n" + help.map { "  = help: \($0)\n" }.joined()
    }

    /// One entity in full.
    public func describe(_ entity: EntitySpec) -> String {
        var lines = ["\(entity.name)  \(entity.path)  (model \(entity.model), \(entity.permission))"]
        if entity.isTopLevel {
            lines.append("  one record: \(entity.singular) N")
        }
        lines.append("  writes: " + allowedWrites(entity))
        if !entity.aliases.isEmpty {
            lines.append(
                "  aliases: "
                    + entity.aliases.sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value)" }.joined(
                        separator: ", "
                    )
            )
        }
        if !entity.children.isEmpty {
            lines.append("  children: " + entity.children.map { "\($0.name) (\($0.entity))" }.joined(separator: ", "))
        }
        lines.append("  fields:")
        let width = entity.fields.map(\.name.count).max() ?? 0
        for field in entity.fields {
            let padded = field.name + String(repeating: " ", count: max(0, width - field.name.count))
            lines.append("    " + padded + "  " + SchemaDescription.type(of: field))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The writes the spec's methods allow on an entity (`create`, `set`, `delete`).
    public func allowedWrites(_ entity: EntitySpec) -> String {
        var writes: [String] = []
        if entity.collectionMethods.contains(.post) { writes.append("create") }
        if entity.recordMethods.contains(.patch) { writes.append("set") }
        if entity.recordMethods.contains(.delete) { writes.append("delete") }
        return writes.isEmpty ? "none (read-only)" : writes.joined(separator: ", ")
    }

    /// How a field's type reads in the schema.
    static func type(of field: FieldSpec) -> String {
        switch field.kind {
        case .value(let type):
            if let values = field.allowedValues { return "one of " + values.joined(separator: ", ") }
            return type == .unknown ? "an object" : type.displayName
        case .object(let shape):
            let key = shape.defaultField.map { ", compared by \($0)" } ?? ""
            let target = shape.target.map { " → \($0)" } ?? ""
            return shape.description + target + key
        case .customFields: return "custom fields, compared with custom(\"Caption\")"
        case .array(let shape): return "a list of \(shape.description) (conditions go to childConditions)"
        case .valueArray(let type): return "a list of \(type.pluralName)"
        }
    }
}
