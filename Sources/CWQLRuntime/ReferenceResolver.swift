import CWJSON
import CWQLLanguage
import ConnectWiseClient
import ConnectWiseRequests

/// Turns names written in scripts (`board: "Alerts"`, `company: ACME`, `assign jsmith`) into
/// the ids ConnectWise writes need, with one lookup per name per run.
actor ReferenceResolver {
    private let client: ConnectWiseClient
    private let catalog: Catalog
    private var cache: [String: Int] = [:]
    private var closedStatuses: [Int: Int] = [:]
    private var customFieldIds: [String: Int] = [:]

    init(client: ConnectWiseClient, catalog: Catalog) {
        self.client = client
        self.catalog = catalog
    }

    /// Why a name could not be resolved.
    struct Failure: Error, CustomStringConvertible {
        var problem: Problem
        var description: String { problem.message }
    }

    /// The id of the record of `entity` whose `key` is `name` (ignoring case).
    func id(of name: String, in entityName: String, key: String, scope: String? = nil) async throws -> Int {
        let cacheKey = "\(entityName)|\(scope ?? "")|\(key)|\(name.lowercased())"
        if let cached = cache[cacheKey] { return cached }
        guard let entity = catalog.entity(named: entityName) else {
            throw Failure(problem: .unknownEntity(entityName, help: []))
        }
        let path = scope ?? entity.path
        let conditions = Conditions.comparison(path: key, op: "=", value: .text(name)).rendered()
        let matches = try await client.records(
            ListRequest(path: path, conditions: conditions, fields: ["id", key], limit: 3, pageSize: 3)
        ).collect()
        let kind = entity.singular.replacing("_", with: " ")
        switch matches.count {
        case 1:
            guard let id = matches[0]["id"]?.intValue else {
                throw Failure(problem: .referenceWithoutId(kind: kind, key: key, name: name))
            }
            cache[cacheKey] = id
            return id
        case 0:
            let known = try await client.records(ListRequest(path: path, fields: [key], limit: 200, pageSize: 200))
                .collect()
                .compactMap { $0[key]?.stringValue }
            throw Failure(
                problem: .noSuchReference(
                    kind: kind,
                    key: key,
                    name: name,
                    near: Suggestions.closest(to: name, among: known)
                )
            )
        default:
            throw Failure(problem: .ambiguousReference(name: name, entity: entity.name, key: key))
        }
    }

    /// The closed status of a board, looked up once per board.
    func closedStatus(ofBoard board: Int) async throws -> Int {
        if let cached = closedStatuses[board] { return cached }
        let statuses = try await client.records(
            ListRequest(
                path: "/service/boards/\(board)/statuses",
                conditions: "closedStatus = true",
                fields: ["id", "name", "inactive", "defaultFlag"]
            )
        ).collect()
        let active = statuses.filter { $0["inactive"]?.boolValue != true }
        guard let chosen = active.first(where: { $0["name"]?.stringValue?.lowercased() == "closed" }) ?? active.first,
            let id = chosen["id"]?.intValue
        else {
            throw Failure(problem: .boardWithoutClosedStatus(board: board))
        }
        closedStatuses[board] = id
        return id
    }

    /// The status named `name` on a board.
    func status(named name: String, onBoard board: Int) async throws -> Int {
        try await id(of: name, in: "board_statuses", key: "name", scope: "/service/boards/\(board)/statuses")
    }

    /// The id of a custom field by caption, read from a record of the entity.
    func customFieldId(caption: String, entity: EntitySpec) async throws -> Int {
        let key = "\(entity.name)|\(caption.lowercased())"
        if let cached = customFieldIds[key] { return cached }
        let sample = try await client.records(
            ListRequest(path: entity.path, fields: ["id", "customFields"], limit: 1, pageSize: 1)
        ).collect()
        for field in sample.first?["customFields"]?.arrayValue ?? [] {
            if let fieldCaption = field["caption"]?.stringValue, let id = field["id"]?.intValue {
                customFieldIds["\(entity.name)|\(fieldCaption.lowercased())"] = id
            }
        }
        guard let id = customFieldIds[key] else {
            throw Failure(problem: .noSuchCustomField(entity: entity.name, caption: caption))
        }
        return id
    }

}
