import CWJSON
import CWQLLanguage
import ConnectWiseClient
import ConnectWiseSpec

/// An `on ENTITY changed { … }` block as the script registered it.
struct RegisteredHandler {
    var handler: ChangeHandler
    var entity: EntitySpec
    /// The callback `type` ConnectWise names the entity's records by (`ticket`).
    var callbackType: String
    var source: SourceFile
}

extension Interpreter {
    /// `on ENTITY changed { … }`: remembered for `cwql listen`, which runs it per callback.
    func register(_ handler: ChangeHandler, in source: SourceFile) throws {
        guard let entity = catalog.entity(named: handler.entity.text), let type = CallbackTypes.byPath[entity.path]
        else {
            throw RuntimeError(
                kind: .compile,
                diagnostics: [.unknownEntity(handler.entity, in: source, catalog: catalog, singularOnly: false)]
            )
        }
        events.handlers.append(RegisteredHandler(handler: handler, entity: entity, callbackType: type, source: source))
    }

    /// The callback types the script's `on … changed` blocks handle (`ticket`), in order.
    public var changeTypes: [String] { events.handlers.map(\.callbackType) }

    /// The collection path of the records a callback type names, for the types handled.
    public func changePath(ofType type: String) -> String? {
        events.handlers.first { $0.callbackType == type.lowercased() }?.entity.path
    }

    /// The fields the blocks for `type` read of `$change`; nil for whole records.
    public func changeFields(ofType type: String) -> [String]? {
        var fields: [String] = []
        for registered in events.handlers where registered.callbackType == type.lowercased() {
            let uses = VariableUses(of: EventVariables.change, in: registered.handler.body)
            guard let paths = uses.paths(on: registered.entity, in: registered.source) else { return nil }
            fields += paths.filter { !fields.contains($0) }
        }
        return fields
    }

    /// The record a callback names as it is now, with the fields the blocks read; nil when it
    /// is gone (deleted since).
    public func readChanged(type: String, id: Int) async throws -> JSON? {
        guard let path = changePath(ofType: type) else { return nil }
        var query: [(name: String, value: String)] = []
        if let fields = changeFields(ofType: type) { query.append(("fields", fields.joined(separator: ","))) }
        do {
            return try await client.get("\(path)/\(id)", query: query)
        } catch ConnectWiseError.notFound {
            return nil
        }
    }

    /// Runs every `on … changed` block for `type`, in the order written, with `$change` and
    /// `$action` bound. `replayingSince`: the start of an earlier attempt that was interrupted
    /// (its creates are looked for before they are made again).
    public func runChangeHandlers(
        type: String,
        change: JSON,
        action: String,
        replayingSince: Double? = nil
    ) async throws(RuntimeError) {
        for registered in events.handlers where registered.callbackType == type.lowercased() {
            do {
                try await EventAttempt.$current.withValue(EventAttempt(replayingSince: replayingSince)) {
                    try await runEventBlock(
                        registered.handler.body,
                        in: registered.source,
                        entity: registered.entity,
                        change: change,
                        action: action
                    )
                }
            } catch let error as RuntimeError {
                throw error
            } catch {
                throw RuntimeError(error, source: registered.source, span: registered.handler.span)
            }
        }
    }
}
