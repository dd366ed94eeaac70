import CWJSON

/// A ConnectWise callback's body, as ConnectWise sends it: what happened (`Action`) to which
/// record (`Type`, `ID`), the record itself as JSON text (`Entity`), and where its signing key
/// is (`Metadata.key_url`). Keys are read in any case, as receivers of ConnectWise do.
public struct CallbackPayload: Sendable, Equatable {
    public var messageId: String?
    public var action: String
    public var type: String
    public var id: Int
    /// The record as the callback carried it (an object, or nil when absent or not JSON).
    public var entity: JSONObject?
    public var keyURL: String
    public var callbackId: Int?

    public init(
        messageId: String?,
        action: String,
        type: String,
        id: Int,
        entity: JSONObject?,
        keyURL: String,
        callbackId: Int?
    ) {
        self.messageId = messageId
        self.action = action
        self.type = type
        self.id = id
        self.entity = entity
        self.keyURL = keyURL
        self.callbackId = callbackId
    }

    /// Why a body is not a callback.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Reads a callback body.
    public init(parsing body: [UInt8]) throws(Malformed) {
        guard case .object(let object)? = try? JSONParser.parse(body) else {
            throw Malformed(description: "the body is not a JSON object")
        }
        func field(_ name: String) -> JSON? {
            object.pairs.first { $0.key.lowercased() == name.lowercased() }?.value
        }
        guard let action = field("Action")?.stringValue?.lowercased(), !action.isEmpty else {
            throw Malformed(description: "no `Action`")
        }
        guard let type = field("Type")?.stringValue?.lowercased(), !type.isEmpty else {
            throw Malformed(description: "no `Type`")
        }
        guard let id = field("ID")?.intValue ?? field("ID")?.stringValue.flatMap({ Int($0) }) else {
            throw Malformed(description: "no record `ID`")
        }
        guard case .object(let metadata)? = field("Metadata"),
            let keyURL = metadata.pairs.first(where: { $0.key.lowercased() == "key_url" })?.value.stringValue
        else {
            throw Malformed(description: "no `Metadata.key_url`")
        }
        var entity: JSONObject?
        switch field("Entity") {
        case .object(let record)?: entity = record
        case .string(let text)?:
            if case .object(let record)? = try? JSONParser.parse(Array(text.utf8)) { entity = record }
        default: entity = nil
        }
        self.init(
            messageId: field("MessageId")?.stringValue,
            action: action,
            type: type,
            id: id,
            entity: entity,
            keyURL: keyURL,
            callbackId: field("CallbackObjectRecId")?.intValue
        )
    }

    /// The body ConnectWise would send (the simulator's).
    public func body(fromURL: String, companyId: String, memberId: String) -> [UInt8] {
        var object = JSONObject()
        object["MessageId"] = messageId.map(JSON.string) ?? .null
        object["FromUrl"] = .string(fromURL)
        object["CompanyId"] = .string(companyId)
        object["MemberId"] = .string(memberId)
        object["Action"] = .string(action)
        object["Type"] = .string(type)
        object["ID"] = .int(id)
        object["ProductInstanceId"] = .string("")
        object["PartnerId"] = .string("")
        object["Entity"] = entity.map { .string(JSONWriter.string(.object($0))) } ?? .null
        object["Metadata"] = .object(JSONObject(["key_url": .string(keyURL)]))
        object["CallbackObjectRecId"] = callbackId.map(JSON.int) ?? .null
        return JSONWriter.bytes(.object(object))
    }

    /// What tells one change from a retried delivery of it: the message id, else the record,
    /// the action and the record's last update.
    public var deliveryKey: String {
        if let messageId, !messageId.isEmpty { return messageId }
        let updated = entity?["_info"]?["lastUpdated"]?.stringValue ?? ""
        return "\(type)/\(id)/\(action)/\(updated)"
    }
}
