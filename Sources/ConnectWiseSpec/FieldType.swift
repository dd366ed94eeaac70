/// The type of one field of a ConnectWise model, as the published spec gives it.
public indirect enum FieldType: Sendable, Hashable {
    case string
    /// A string limited to these values (`billTime`: `Billable`, `DoNotBill`, …).
    case enumeration([String])
    case integer
    case number
    case boolean
    /// A string, number or boolean, as the record has it (a custom field's `value`).
    case scalar
    /// An ISO-8601 date and time (`2026-11-23T10:00:00Z`).
    case datetime
    /// A calendar date.
    case date
    /// A reference to another record (`board`: `BoardReference`), by model name.
    case reference(String)
    /// An object the spec does not describe further (`_info`, a custom field's value).
    case object
    /// An object of a model that is not a reference (`MemberOffice365`).
    case embedded(String)
    /// An array of items of this type (`communicationItems`: `ContactCommunicationItem`).
    case array(FieldType)
    /// An array of objects of this model.
    case model(String)
}

/// One field of a model.
public struct FieldFact: Sendable, Hashable {
    /// ConnectWise's spelling (`closedFlag`).
    public let name: String
    public let type: FieldType
    /// The model declares it without a default: ConnectWise always sends it.
    public let isRequired: Bool
    /// Accepted by `POST` but never returned (`initialDescription`).
    public let isWriteOnly: Bool

    public init(name: String, type: FieldType, isRequired: Bool = false, isWriteOnly: Bool = false) {
        self.name = name
        self.type = type
        self.isRequired = isRequired
        self.isWriteOnly = isWriteOnly
    }
}

/// The HTTP methods an endpoint allows.
public struct EndpointMethods: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let get = EndpointMethods(rawValue: 1)
    public static let post = EndpointMethods(rawValue: 2)
    public static let put = EndpointMethods(rawValue: 4)
    public static let patch = EndpointMethods(rawValue: 8)
    public static let delete = EndpointMethods(rawValue: 16)

    /// The methods in the order HTTP documents list them, by name.
    public static let named: [(String, EndpointMethods)] = [
        ("GET", .get), ("POST", .post), ("PUT", .put), ("PATCH", .patch), ("DELETE", .delete),
    ]

    /// The methods of a comma-separated list of names (`GET,POST`); a name it does not know
    /// is skipped.
    public init(spelled names: ArraySlice<UInt8>) {
        self = []
        var start = names.startIndex
        while start < names.endIndex {
            let end = names[start...].firstIndex(of: UInt8(ascii: ",")) ?? names.endIndex
            let name = names[start..<end]
            for (spelling, method) in EndpointMethods.named where spelling.utf8.count == name.count {
                if zip(spelling.utf8, name).allSatisfy({ $0 == $1 }) { insert(method) }
            }
            start = end + 1
        }
    }

    /// The names of the methods in this set (`GET, POST`).
    public var names: [String] { EndpointMethods.named.filter { contains($0.1) }.map(\.0) }
}

/// One endpoint path of the API.
public struct EndpointFact: Sendable, Hashable {
    /// The path under the API root with `{id}` for each record id (`/service/tickets/{id}/notes`).
    public let path: String
    public let methods: EndpointMethods
    /// The model of its records, if it returns records.
    public let model: String?
    /// True for an endpoint whose `GET` returns a list of records.
    public let isList: Bool
}
