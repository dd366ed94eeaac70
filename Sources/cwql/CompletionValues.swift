import CWJSON
import CWQLLanguage
import CWQLRuntime
import ConnectWiseClient
import ConnectWiseRequests
import Foundation
import Synchronization

/// Values from the server for completion (board names, statuses, company identifiers,
/// members, priorities), fetched in the background on first use and kept for the session.
final class CompletionValues: Sendable {
    let client: ConnectWiseClient
    private let cache = Mutex<[String: [String]]>([:])
    private let requested = Mutex<Set<String>>([])

    init(client: ConnectWiseClient) {
        self.client = client
    }

    /// What is known now for a field path of an entity; starts fetching it if not yet known.
    func values(entity entityName: String, path: String, board: String?) -> [String] {
        guard let source = CompletionValues.source(entity: entityName, path: path) else { return [] }
        let isStatus = source.path == CompletionValues.statusesOfBoard
        let key = "\(source.path)|\(source.field)|\(isStatus ? board ?? "" : "")"
        if let known = cache.withLock({ $0[key] }) { return known }
        let first = requested.withLock { $0.insert(key).inserted }
        if first {
            let client = self.client
            Task.detached { [self] in
                var path = source.path
                if isStatus {
                    // The statuses of the board the line names, else of every board.
                    let condition = board.map {
                        Conditions.comparison(path: "name", op: "=", value: .text($0)).rendered()
                    }
                    let boards =
                        (try? await client.records(
                            ListRequest(path: "/service/boards", conditions: condition, fields: ["id"], limit: 50)
                        ).collect()) ?? []
                    var names: Set<String> = []
                    for board in boards.compactMap({ $0["id"]?.intValue }) {
                        let statuses =
                            (try? await client.records(
                                ListRequest(path: "/service/boards/\(board)/statuses", fields: ["name"])
                            ).collect()) ?? []
                        names.formUnion(statuses.compactMap { $0["name"]?.stringValue })
                    }
                    self.store(names.sorted(), for: key)
                    return
                }
                path = source.path
                let records =
                    (try? await client.records(ListRequest(path: path, fields: [source.field], limit: 1000)).collect())
                    ?? []
                let names = Array(Set(records.compactMap { $0.value(atPathIgnoringCase: source.field)?.stringValue }))
                    .sorted()
                self.store(names, for: key)
            }
        }
        return []
    }

    private func store(_ names: [String], for key: String) {
        cache.withLock { $0[key] = names }
    }

    static let statusesOfBoard = "/service/boards/{board}/statuses"

    /// Where a field's values come from: the referenced entity's natural key.
    static func source(entity entityName: String, path: String) -> (path: String, field: String)? {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count == 2, let entity = Catalog.standard.entity(named: entityName),
            let spec = entity.field(named: parts[0]), case .object(let shape) = spec.kind
        else { return nil }
        if parts[0] == "status", entityName == "tickets" || entityName == "project_tickets" {
            return (statusesOfBoard, "name")
        }
        guard let target = shape.target, let targetEntity = Catalog.standard.entity(named: target),
            targetEntity.isTopLevel
        else { return nil }
        return (targetEntity.path, parts[1])
    }
}
