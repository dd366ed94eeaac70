import AsyncHTTPClient
import CWJSON
import ConnectWiseCallbacks
import ConnectWiseSpec
import Foundation
import NIOCore
import Synchronization

/// ConnectWise's callbacks: when a record of a type with callbacks (``CallbackTypes``) is
/// added, updated or deleted, each active entry of `/system/callbacks` for that type (level
/// `owner`, or the record's own id as `objectId`) gets a signed POST of the change. A delivery
/// that fails is retried after each of ``SimulatorConfiguration/callbackRetryDelays``; an entry
/// whose deliveries failed ``SimulatorConfiguration/callbackFailuresBeforeDisabling`` times in
/// a row is made inactive, as ConnectWise disables a callback that keeps failing.
final class CallbackSender: Sendable {
    static let entriesPath = "/system/callbacks"

    let configuration: SimulatorConfiguration
    let store: SimulatorStore
    private let failedDeliveries = Mutex<[Int: Int]>([:])

    init(configuration: SimulatorConfiguration, store: SimulatorStore) {
        self.configuration = configuration
        self.store = store
    }

    /// Where a site serves its callback signing key, under its origin.
    func keyPath() -> String { "/\(configuration.codebase)system/callbackkey/index.rails" }

    /// The signing key's answer.
    func keyAnswer() -> JSON { .object(JSONObject(["signing_key": .string(configuration.callbackSigningKey)])) }

    /// Sends the callbacks of one change, in the background.
    func recordChanged(path: String, id: Int, record: JSONObject?, action: String, origin: String, member: String) {
        guard let type = CallbackTypes.byPath[path] else { return }
        let entries: [JSONObject] =
            (try? store.read { (state: inout SimulatorStore.State) throws(APIFailure) -> [JSONObject] in
                guard let resource = state.catalog.resources[CallbackSender.entriesPath] else { return [] }
                return state.table(resource, parents: []).records
            }) ?? []
        for entry in entries {
            guard entry["inactiveFlag"]?.boolValue != true, entry["type"]?.stringValue?.lowercased() == type,
                let url = entry["url"]?.stringValue, let entryId = entry["id"]?.intValue
            else { continue }
            let level = entry["level"]?.stringValue?.lowercased() ?? CallbackTypes.everyRecordLevel
            if level != CallbackTypes.everyRecordLevel, entry["objectId"]?.intValue != id { continue }
            let payload = CallbackPayload(
                messageId: UUID().uuidString,
                action: action,
                type: type,
                id: id,
                entity: record,
                keyURL: origin + keyPath(),
                callbackId: entryId
            )
            let body = payload.body(fromURL: origin, companyId: configuration.company, memberId: member)
            Task { await deliver(body, to: url, entry: entryId) }
        }
    }

    /// POSTs one callback, retrying after each delay; counts a delivery that never succeeded.
    private func deliver(_ body: [UInt8], to url: String, entry: Int) async {
        let signature = CallbackSignature.sign(body, signingKey: configuration.callbackSigningKey)
        for delay in [0] + configuration.callbackRetryDelays {
            if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000)) }
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: CallbackSignature.header, value: signature)
            request.body = .bytes(ByteBuffer(bytes: body))
            let timeout = TimeAmount.milliseconds(Int64(configuration.callbackTimeout * 1000))
            if let response = try? await HTTPClient.shared.execute(request, timeout: timeout),
                (200..<300).contains(Int(response.status.code))
            {
                _ = try? await response.body.collect(upTo: 1 << 20)
                failedDeliveries.withLock { $0[entry] = 0 }
                return
            }
        }
        let failures = failedDeliveries.withLock { counts -> Int in
            counts[entry, default: 0] += 1
            return counts[entry, default: 0]
        }
        if failures >= configuration.callbackFailuresBeforeDisabling { disable(entry) }
    }

    private func disable(_ entry: Int) {
        _ = try? store.write { (state: inout SimulatorStore.State) throws(APIFailure) in
            guard let resource = state.catalog.resources[CallbackSender.entriesPath] else { return }
            var table = state.table(resource, parents: [])
            guard var record = table.record(entry) else { return }
            record["inactiveFlag"] = .bool(true)
            table.replace(entry, with: record)
            state.partitions.tables[PartitionKey(template: resource.template, parents: [])] = table
        }
    }
}
