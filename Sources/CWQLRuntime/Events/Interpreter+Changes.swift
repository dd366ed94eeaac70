import CWJSON
import CWQLLanguage
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

    /// Runs every `on … changed` block for `type`, in the order written, with `$change` and
    /// `$action` bound.
    public func runChangeHandlers(type: String, change: JSON, action: String) async throws(RuntimeError) {
        for registered in events.handlers where registered.callbackType == type.lowercased() {
            do {
                try await runEventBlock(
                    registered.handler.body,
                    in: registered.source,
                    entity: registered.entity,
                    change: change,
                    action: action
                )
            } catch let error as RuntimeError {
                throw error
            } catch {
                throw RuntimeError(error, source: registered.source, span: registered.handler.span)
            }
        }
    }
}
