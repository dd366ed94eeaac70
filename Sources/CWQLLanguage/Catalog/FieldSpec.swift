/// The type of a leaf value in ConnectWise records, which decides how a value is written in
/// a conditions string.
public enum ValueType: String, Sendable, Hashable {
    case string, integer, decimal, boolean, date
    /// A path cwql does not know (a backquoted raw path): the literal decides.
    case unknown

    /// How messages name the type.
    public var displayName: String {
        switch self {
        case .string: return "text"
        case .integer: return "a whole number"
        case .decimal: return "a number"
        case .boolean: return "true or false"
        case .date: return "a date"
        case .unknown: return "a value"
        }
    }
}

/// A field of a ConnectWise record or of a nested object.
public struct FieldSpec: Sendable {
    /// ConnectWise's spelling (`closedFlag`).
    public var name: String
    public var kind: Kind

    public indirect enum Kind: Sendable {
        case value(ValueType)
        /// A reference (`board`, `company`) or an embedded object (`_info`).
        case object(ObjectShape)
        /// The `customFields` array, compared through `custom("Caption")`.
        case customFields
    }

    public init(_ name: String, _ kind: Kind) {
        self.name = name
        self.kind = kind
    }
}

/// The fields of a reference or embedded object.
public struct ObjectShape: Sendable {
    /// What the object is, for messages ("a board reference").
    public var description: String
    public var fields: [FieldSpec]
    /// The field a bare reference compares (`board = "Help"` means `board/name`).
    public var defaultField: String?
    /// The catalog entity the reference points to, used to resolve names to ids on writes.
    public var target: String?

    public init(_ description: String, fields: [FieldSpec], defaultField: String?, target: String? = nil) {
        self.description = description
        self.fields = fields
        self.defaultField = defaultField
        self.target = target
    }
}

extension FieldSpec {
    static func string(_ name: String) -> FieldSpec { FieldSpec(name, .value(.string)) }
    static func integer(_ name: String) -> FieldSpec { FieldSpec(name, .value(.integer)) }
    static func decimal(_ name: String) -> FieldSpec { FieldSpec(name, .value(.decimal)) }
    static func boolean(_ name: String) -> FieldSpec { FieldSpec(name, .value(.boolean)) }
    static func date(_ name: String) -> FieldSpec { FieldSpec(name, .value(.date)) }
    static func reference(_ name: String, _ shape: ObjectShape) -> FieldSpec { FieldSpec(name, .object(shape)) }

    /// `_info`, present on every record.
    static let info = FieldSpec(
        "_info",
        .object(ObjectShape(
            "the record's `_info`",
            fields: [.date("lastUpdated"), .string("updatedBy"), .date("dateEntered"), .string("enteredBy")],
            defaultField: nil)))
}

extension ObjectShape {
    /// `{id, name}` references such as board, status, type, source.
    static func named(_ description: String, target: String? = nil) -> ObjectShape {
        ObjectShape(description, fields: [.integer("id"), .string("name")], defaultField: "name", target: target)
    }

    /// `{id, identifier, name}` references: companies and members.
    static func identified(_ description: String, target: String) -> ObjectShape {
        ObjectShape(
            description, fields: [.integer("id"), .string("identifier"), .string("name")],
            defaultField: "identifier", target: target)
    }

    static let company = identified("a company reference", target: "companies")
    static let member = identified("a member reference", target: "members")
    static let board = named("a board reference", target: "boards")
    static let status = named("a status reference")
    static let priority = named("a priority reference", target: "priorities")
    static let contact = named("a contact reference", target: "contacts")
    static let agreement = named("an agreement reference", target: "agreements")
    static let project = named("a project reference", target: "projects")
    static let product = ObjectShape(
        "a product reference", fields: [.integer("id"), .string("identifier"), .string("description")],
        defaultField: "identifier")
    static let chargeTo = named("a reference")
}
