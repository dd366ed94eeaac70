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
    /// For an enum, the values the spec allows (`billTime`: `Billable`, `DoNotBill`, …).
    public var allowedValues: [String]?

    public indirect enum Kind: Sendable {
        case value(ValueType)
        /// A reference (`board`, `company`) or an embedded object (`_info`).
        case object(ObjectShape)
        /// The `customFields` array, compared through `custom("Caption")`.
        case customFields
        /// An array of objects (`communicationItems`), compared through `childConditions`.
        case array(ObjectShape)
        /// An array of plain values (`integratorTags`), which conditions cannot reach.
        case valueArray(ValueType)
    }

    public init(_ name: String, _ kind: Kind, allowedValues: [String]? = nil) {
        self.name = name
        self.kind = kind
        self.allowedValues = allowedValues
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
    static func date(_ name: String) -> FieldSpec { FieldSpec(name, .value(.date)) }
}
