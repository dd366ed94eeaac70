import CWJSON
import CWQLLanguage
import ConnectWiseClient
import ConnectWiseRequests

/// Sends the lookups a write plans (``ReferenceLookup``: a name's id, a board's closed status,
/// a custom field's id), each distinct request once per run, and remembers the answers.
actor ReferenceResolver {
    private let client: ConnectWiseClient
    private var answers: [String: [JSON]] = [:]

    init(client: ConnectWiseClient) {
        self.client = client
    }

    /// Why a lookup found no single answer.
    struct Failure: Error, CustomStringConvertible {
        var problem: Problem
        var description: String { problem.message }
    }

    /// The records a lookup answers, its holes filled with `board` (a record's board id).
    private func records(_ lookup: ReferenceLookup, board: Int? = nil) async throws -> [JSON] {
        var request = lookup.request
        if request.path.hasHoles {
            request.path = RequestPath(request.path.bound(parentId: board, ancestorId: { _ in board }))
        }
        let key = request.pathAndQuery()
        if let known = answers[key] { return known }
        let found = try await client.records(ListRequest(request, limit: lookup.pageSize, pageSize: lookup.pageSize))
            .collect()
        answers[key] = found
        return found
    }

    /// The id of the one record a by-name lookup finds (`name` is what it looks for).
    func id(_ lookup: ReferenceLookup, name: String, board: Int? = nil) async throws -> Int {
        let key = lookup.key ?? "name"
        let matches = try await records(lookup, board: board)
        switch matches.count {
        case 1:
            guard let id = matches[0]["id"]?.intValue else {
                throw Failure(problem: .referenceWithoutId(kind: lookup.kind, key: key, name: name))
            }
            return id
        case 0:
            // On a miss, the names there are (up to 200) are read for a did-you-mean.
            var path = lookup.request.path
            if path.hasHoles { path = RequestPath(path.bound(parentId: board, ancestorId: { _ in board })) }
            let known = try await client.records(
                ListRequest(path: path.description, fields: [key], limit: 200, pageSize: 200)
            )
            .collect()
            .compactMap { $0[key]?.stringValue }
            throw Failure(
                problem: .noSuchReference(
                    kind: lookup.kind,
                    key: key,
                    name: name,
                    near: Suggestions.closest(to: name, among: known)
                )
            )
        default:
            throw Failure(problem: .ambiguousReference(name: name, entity: lookup.kinds, key: key))
        }
    }

    /// The closed status of a board (an active one named "Closed", else the first active one).
    func closedStatus(ofBoard board: Int) async throws -> Int {
        let statuses = try await records(.closedStatus(ofBoard: .ancestorId("board/id")), board: board)
        let active = statuses.filter { $0["inactive"]?.boolValue != true }
        guard let chosen = active.first(where: { $0["name"]?.stringValue?.lowercased() == "closed" }) ?? active.first,
            let id = chosen["id"]?.intValue
        else {
            throw Failure(problem: .boardWithoutClosedStatus(board: board))
        }
        return id
    }

    /// The id of a custom field by caption, read from a record of the entity.
    func customFieldId(caption: String, entity: EntitySpec) async throws -> Int {
        let sample = try await records(.customFields(of: entity))
        for field in sample.first?["customFields"]?.arrayValue ?? [] {
            if field["caption"]?.stringValue?.lowercased() == caption.lowercased(), let id = field["id"]?.intValue {
                return id
            }
        }
        throw Failure(problem: .noSuchCustomField(entity: entity.name, caption: caption))
    }
}
