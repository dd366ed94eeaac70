/// A field path resolved against an entity: ConnectWise's spelling and the leaf type.
public struct ResolvedField: Sendable, Hashable {
    /// The ConnectWise path (`board/name`), as sent in conditions, fields and orderBy.
    public var path: String
    public var type: ValueType
    /// For a bare reference (`board`), the path of its id (`board/id`): a whole-number value
    /// compares the id instead of the name.
    public var referenceIdPath: String?

    public init(path: String, type: ValueType, referenceIdPath: String? = nil) {
        self.path = path
        self.type = type
        self.referenceIdPath = referenceIdPath
    }
}

extension EntitySpec {
    /// Resolves a field as written to its ConnectWise path, or explains why it can't.
    ///
    /// A single name is tried as an alias first (`entered` → `dateEntered`), then as a field
    /// (case-insensitively). A bare reference compares its default field (`site` →
    /// `site/name`). Backquoted paths are sent exactly as written and are not checked.
    public func resolve(_ field: FieldPath, in source: SourceFile) throws(Diagnostic) -> ResolvedField {
        let names: [Name]
        switch field.form {
        case .raw(let path):
            return ResolvedField(path: path, type: .unknown)
        case .dotted(let dotted):
            names = dotted
        }
        if names.count == 1, let alias = resolvedAliases[names[0].folded] {
            return alias
        }
        var shapeFields = fields
        var path: [String] = []
        var ownerDescription = name
        for (position, name) in names.enumerated() {
            let found = position == 0 ? self.field(named: name.text) : shapeFields.first(where: { $0.name.lowercased() == name.folded })
            guard let spec = found else {
                let candidates = shapeFields.map(\.name) + (position == 0 ? Array(aliases.keys) : [])
                throw Diagnostic(
                    "unknown field `\(name.text)` on \(ownerDescription)", source: source, span: name.span,
                    help: Suggestions.didYouMean(name.text, among: candidates.sorted()))
            }
            path.append(spec.name)
            let isLast = position == names.count - 1
            switch spec.kind {
            case .value(let type):
                if !isLast {
                    throw Diagnostic(
                        "`\(spec.name)` is \(type.displayName) and has no field `\(names[position + 1].text)`",
                        source: source, span: names[position + 1].span)
                }
                return ResolvedField(path: path.joined(separator: "/"), type: type)
            case .customFields:
                throw Diagnostic(
                    "custom fields are compared by caption", source: source, span: field.span,
                    help: ["write `custom(\"Caption\") = \"value\"`"])
            case .object(let shape):
                if isLast {
                    guard let defaultField = shape.defaultField else {
                        throw Diagnostic(
                            "`\(spec.name)` is \(shape.description); name one of its fields", source: source,
                            span: name.span,
                            help: ["for example `\(names.map(\.text).joined(separator: ".")).\(shape.fields[0].name)`"])
                    }
                    let base = path.joined(separator: "/")
                    let type = shape.fields.first { $0.name == defaultField }.flatMap(\.valueType) ?? .string
                    let hasId = shape.fields.contains { $0.name == "id" }
                    return ResolvedField(path: "\(base)/\(defaultField)", type: type, referenceIdPath: hasId ? "\(base)/id" : nil)
                }
                shapeFields = shape.fields
                ownerDescription = "`\(path.joined(separator: "."))` (\(shape.description))"
            }
        }
        fatalError("unreachable: a dotted path has at least one name")
    }

    /// The type of a path this catalog itself wrote (an alias target), among `fields`.
    static func resolve(aliasPath: String, fields: [FieldSpec]) -> ResolvedField {
        var shapeFields = fields
        var type = ValueType.unknown
        let parts = aliasPath.split(separator: "/")
        for part in parts {
            guard let spec = shapeFields.first(where: { $0.name == part }) else { break }
            switch spec.kind {
            case .value(let valueType): type = valueType
            case .object(let shape): shapeFields = shape.fields
            case .customFields: break
            }
        }
        var idPath: String?
        if parts.count == 2, let spec = fields.first(where: { $0.name == parts[0] }), case .object(let shape) = spec.kind,
            shape.defaultField == String(parts[1]), shape.fields.contains(where: { $0.name == "id" })
        {
            idPath = "\(parts[0])/id"
        }
        return ResolvedField(path: aliasPath, type: type, referenceIdPath: idPath)
    }
}

extension FieldSpec {
    /// The leaf type, or nil for objects and custom fields.
    var valueType: ValueType? {
        if case .value(let type) = kind { return type }
        return nil
    }
}
