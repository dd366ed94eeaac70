import CWJSON
import CWQLLanguage
import ConnectWiseClient
import ConnectWiseRequests

/// How a write whose outcome is unknown (its answer lost, a 5xx, a redirect) is looked for
/// before anything is sent again: the record must hold every field the write sent, have been
/// made by the member the client writes as (once known), and not before the attempt on
/// ConnectWise's clock. One such record is the write's; none means it was not made; more than
/// one cannot be told apart, and the outcome stays unknown.
struct Reconciliation: Sendable {
    /// The collection the write adds to.
    var path: String
    /// What ConnectWise can filter the candidates by (a note's text, a ticket's summary).
    var conditions: Conditions
    /// Every field the write sent, compared on each candidate.
    var sent: [(path: String, value: JSON)]
    /// Where a record says when it was made (`dateCreated`, `_info/dateEntered`).
    var madeAt: String
    /// The attempt's start on ConnectWise's clock, in whole seconds (its resolution).
    var notBefore: Double
    /// The member the client writes as, when an earlier answer said.
    var member: String?

    /// Several records match: which one is the write's cannot be told.
    struct Ambiguous: Error, CustomStringConvertible {
        var count: Int
        var description: String { "\(count) records match what was sent; which one it made cannot be told" }
    }

    /// - Parameter client: sends the search (itself retried as reads are).
    func find(with client: ConnectWiseClient) async throws -> JSON? {
        let candidates =
            try await client.get(
                path,
                query: [("conditions", conditions.rendered()), ("orderBy", "id desc"), ("pageSize", "50")]
            ).arrayValue ?? []
        let matching = candidates.filter(isTheWrite)
        switch matching.count {
        case 0: return nil
        case 1: return matching[0]
        default: throw Ambiguous(count: matching.count)
        }
    }

    func isTheWrite(_ record: JSON) -> Bool {
        for (path, value) in sent {
            guard let held = record.value(atPathIgnoringCase: path), WriteVerification.same(value, held) else {
                return false
            }
        }
        guard let made = record.value(atPathIgnoringCase: madeAt)?.stringValue.flatMap(DateLiteral.init(parsing:)),
            Double(made.date.secondsSinceEpoch) >= notBefore
        else { return false }
        if let member {
            let by =
                record.value(atPathIgnoringCase: "_info/enteredBy")?.stringValue
                ?? record.value(atPathIgnoringCase: "createdBy")?.stringValue
            if by != member { return false }
        }
        return true
    }

    /// The start of an attempt made now, on ConnectWise's clock, in whole seconds (its
    /// records' resolution): a record of the same second as the attempt may be the write's. An
    /// event block run again after an interruption started when the first attempt did.
    static func attemptStart(_ client: ConnectWiseClient) -> Double {
        EventAttempt.current?.replayingSince ?? client.serverClock.now().rounded(.down)
    }

    /// How to settle a POST that made `body` at `path` when its answer is lost: look for a
    /// record whose `key` is `text`, made by this API member since the attempt.
    static func ofCreation(
        at path: String,
        key: String,
        text: String,
        body: JSONObject,
        client: ConnectWiseClient
    ) -> @Sendable () async throws -> JSON? {
        let lookFor = Reconciliation(
            path: path,
            conditions: .comparison(path: key, op: "=", value: .text(text)),
            sent: sentFields(of: body),
            madeAt: "_info/dateEntered",
            notBefore: attemptStart(client),
            member: client.apiMember
        )
        return { try await lookFor.find(with: client) }
    }

    /// The fields of a body that a record must hold: its values and references' ids.
    static func sentFields(of body: JSONObject) -> [(path: String, value: JSON)] {
        var fields: [(String, JSON)] = []
        for (key, value) in body.pairs {
            switch value {
            case .object(let reference):
                if let id = reference["id"] { fields.append(("\(key)/id", id)) }
            case .array: continue  // custom fields and lists: compared by the text fields around them
            default: fields.append((key, value))
            }
        }
        return fields
    }
}
