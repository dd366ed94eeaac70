import ConnectWiseRequests

/// A field path resolved against an entity: ConnectWise's spelling and the leaf type.
public struct ResolvedField: Sendable, Hashable {
    /// The ConnectWise path (`board/name`), as sent in conditions, fields and orderBy.
    public var path: String
    public var type: ValueType
    /// For a bare reference (`board`), the path of its id (`board/id`): a whole-number value
    /// compares the id instead of the name.
    public var referenceIdPath: String?
    /// For an enum, the values ConnectWise allows.
    public var allowedValues: [String]?
    /// For a field inside an array of objects (`communicationItems/value`), the array's name:
    /// such conditions go to `childConditions`.
    public var arrayField: String?
    /// A condition every comparison of this field carries (the `email` of a contact is a
    /// communication item whose type is `Email`).
    public var also: Conditions?

    public init(
        path: String,
        type: ValueType,
        referenceIdPath: String? = nil,
        allowedValues: [String]? = nil,
        arrayField: String? = nil,
        also: Conditions? = nil
    ) {
        self.path = path
        self.type = type
        self.referenceIdPath = referenceIdPath
        self.allowedValues = allowedValues
        self.arrayField = arrayField
        self.also = also
    }
}

/// Why a dotted path does not name a field, with the position of the name at fault.
struct FieldResolutionFailure: Error {
    var position: Int
    var message: String
    var help: [String]
}

/// An entity's fields by name, and the walk that resolves a dotted path through them.
struct FieldTable: Sendable {
    /// The entity's name, for messages.
    let owner: String
    let fields: [FieldSpec]
    /// Alias names, offered by did-you-mean.
    let aliasNames: [String]
    private let positions: [String: Int]

    init(owner: String, fields: [FieldSpec], aliasNames: [String]) {
        self.owner = owner
        self.fields = fields
        self.aliasNames = aliasNames
        self.positions = Dictionary(
            fields.enumerated().map { ($1.name.lowercased(), $0) },
            uniquingKeysWith: { first, _ in first }
        )
    }

    /// The field named `name`, ignoring case.
    func field(named name: String) -> FieldSpec? { positions[name.lowercased()].map { fields[$0] } }

    /// Resolves a path of field names (`board`, `name`) against this entity's fields.
    /// With `wholeValues`, a path may end on a list or an object (`select communicationItems`).
    func resolve(names: [String], wholeValues: Bool = false) -> Result<ResolvedField, FieldResolutionFailure> {
        var shapeFields = fields
        var path: [String] = []
        var arrayField: String?
        // What the names so far lead into, for messages only (built when one is needed).
        var owningShape: (position: Int, description: String)?
        for (position, name) in names.enumerated() {
            let found =
                position == 0
                ? self.field(named: name)
                : shapeFields.first(where: { $0.name == name })
                    ?? shapeFields.first(where: { $0.name.lowercased() == name.lowercased() })
            func written() -> String { names[...position].joined(separator: ".") }
            guard let spec = found else {
                let ownerDescription =
                    owningShape.map { "`\(names[...$0.position].joined(separator: "."))` (\($0.description))" } ?? owner
                let candidates = shapeFields.map(\.name) + (position == 0 ? aliasNames : [])
                return .failure(
                    FieldResolutionFailure(
                        position: position,
                        message: "unknown field `\(name)` on \(ownerDescription)",
                        help: Suggestions.didYouMean(name, among: candidates.sorted())
                    )
                )
            }
            path.append(spec.name)
            let isLast = position == names.count - 1
            if wholeValues, isLast {
                switch spec.kind {
                case .value: break
                case .object(let shape) where shape.defaultField != nil: break
                default:
                    return .success(
                        ResolvedField(path: path.joined(separator: "/"), type: .unknown, arrayField: arrayField)
                    )
                }
            }
            switch spec.kind {
            case .value(let type):
                if !isLast {
                    return .failure(
                        FieldResolutionFailure(
                            position: position + 1,
                            message: "`\(spec.name)` is \(type.displayName) and has no field `\(names[position + 1])`",
                            help: []
                        )
                    )
                }
                return .success(
                    ResolvedField(
                        path: path.joined(separator: "/"),
                        type: type,
                        allowedValues: spec.allowedValues,
                        arrayField: arrayField
                    )
                )
            case .customFields:
                return .failure(
                    FieldResolutionFailure(
                        position: position,
                        message: "custom fields are compared by caption",
                        help: ["write `custom(\"Caption\") = \"value\"`"]
                    )
                )
            case .valueArray(let type):
                return .failure(
                    FieldResolutionFailure(
                        position: position,
                        message:
                            "`\(written())` is a list of \(type.pluralName), which ConnectWise conditions cannot reach",
                        help: ["filter on it after a `take`, or with a backquoted path"]
                    )
                )
            case .array(let shape):
                if isLast {
                    return .failure(
                        FieldResolutionFailure(
                            position: position,
                            message: "`\(written())` is a list of \(shape.description); name one of its fields",
                            help: ["for example `\(written()).\(shape.fields.first { $0.name != "id" }?.name ?? "id")`"]
                        )
                    )
                }
                if arrayField != nil {
                    return .failure(
                        FieldResolutionFailure(
                            position: position,
                            message: "`\(written())` is a list inside a list, which conditions cannot reach",
                            help: []
                        )
                    )
                }
                arrayField = path.joined(separator: "/")
                shapeFields = shape.fields
                owningShape = (position, shape.description)
            case .object(let shape):
                if isLast {
                    guard let defaultField = shape.defaultField else {
                        return .failure(
                            FieldResolutionFailure(
                                position: position,
                                message: "`\(spec.name)` is \(shape.description); name one of its fields",
                                help: ["for example `\(written()).\(shape.fields.first?.name ?? "id")`"]
                            )
                        )
                    }
                    let base = path.joined(separator: "/")
                    let leaf = shape.fields.first { $0.name == defaultField }
                    let hasId = shape.fields.contains { $0.name == "id" }
                    return .success(
                        ResolvedField(
                            path: "\(base)/\(defaultField)",
                            type: leaf?.valueType ?? .string,
                            referenceIdPath: hasId ? "\(base)/id" : nil,
                            allowedValues: leaf?.allowedValues,
                            arrayField: arrayField
                        )
                    )
                }
                shapeFields = shape.fields
                owningShape = (position, shape.description)
            }
        }
        return .failure(FieldResolutionFailure(position: 0, message: "an empty field path", help: []))
    }

}

extension EntitySpec {
    /// Resolves a field as written to its ConnectWise path, or explains why it can't.
    ///
    /// A single name is tried as an alias first (`entered` → `_info/dateEntered`), then as a
    /// field (case-insensitively). A bare reference compares its default field (`site` →
    /// `site/name`). Backquoted paths are sent exactly as written and are not checked.
    public func resolve(_ field: FieldPath, in source: SourceFile) throws(Diagnostic) -> ResolvedField {
        try resolve(field, in: source, wholeValues: false)
    }

    /// Resolves a column of `select`, `sort` or `count by`, which may name a whole list or
    /// object (`select communicationItems`, `select _info`).
    public func resolveColumn(_ field: FieldPath, in source: SourceFile) throws(Diagnostic) -> ResolvedField {
        try resolve(field, in: source, wholeValues: true)
    }

    private func resolve(
        _ field: FieldPath,
        in source: SourceFile,
        wholeValues: Bool
    ) throws(Diagnostic) -> ResolvedField {
        let names: [Name]
        switch field.form {
        case .raw(let path):
            return ResolvedField(path: path, type: .unknown)
        case .dotted(let dotted):
            names = dotted
        }
        if isRaw { return ResolvedField(path: names.map(\.text).joined(separator: "/"), type: .unknown) }
        if names.count == 1, let alias = resolvedAliases[names[0].folded] {
            return alias
        }
        // An aggregate's column named by a dotted key is one name (`company.name`).
        if isRows, names.count > 1, let column = self.field(named: names.map(\.text).joined(separator: ".")) {
            return ResolvedField(path: column.name, type: column.valueType ?? .unknown)
        }
        switch table.resolve(names: names.map(\.text), wholeValues: wholeValues) {
        case .success(let resolved):
            return resolved
        case .failure(let failure):
            let span = failure.position < names.count ? names[failure.position].span : field.span
            throw Diagnostic(.unknownField(message: failure.message, help: failure.help), source: source, span: span)
        }
    }
}

extension FieldSpec {
    /// The leaf type, or nil for objects, arrays and custom fields.
    public var valueType: ValueType? {
        if case .value(let type) = kind { return type }
        return nil
    }
}

extension ValueType {
    /// How messages name a list of this type.
    var pluralName: String {
        switch self {
        case .string: return "texts"
        case .integer, .decimal: return "numbers"
        case .boolean: return "true/false values"
        case .date: return "dates"
        case .unknown: return "values"
        }
    }
}
