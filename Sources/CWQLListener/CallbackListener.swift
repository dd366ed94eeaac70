import AsyncHTTPClient
import CWJSON
import CWQLRuntime
import ConnectWiseCallbacks
import ConnectWiseClient
import ConnectWiseRequests
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// How `cwql listen` runs.
public struct ListenOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// The URL ConnectWise posts to (for `--register`); nil: `http://HOST:PORT/`.
    public var publicURL: String?
    /// Register a callback per `on … changed` type at start, and remove it at exit.
    public var register = false
    /// A callback whose blocks failed this many times is reported and dropped.
    public var attempts = 3
    /// The inbox file; nil keeps it in memory (the demo).
    public var inboxPath: String?
    /// Told once the server listens, with its port (a test's cue).
    public var onListening: (@Sendable (Int) -> Void)?

    public init() {}
}

/// `cwql listen`: receives ConnectWise callbacks over HTTP, checks each one's signature
/// against the signing key its `key_url` serves (only from the site cwql is connected to),
/// keeps it in a durable inbox before answering, and hands the inbox to one worker that runs
/// the script's `on … changed` blocks, one callback at a time, exactly once after success.
public final class CallbackListener: Sendable {
    let interpreter: Interpreter
    let client: ConnectWiseClient
    let options: ListenOptions
    let inbox: CallbackInbox
    let keys: SigningKeys
    let log: @Sendable (String) -> Void

    public init(
        interpreter: Interpreter,
        client: ConnectWiseClient,
        options: ListenOptions,
        log: @escaping @Sendable (String) -> Void
    ) throws {
        self.interpreter = interpreter
        self.client = client
        self.options = options
        self.inbox = try CallbackInbox(path: options.inboxPath)
        self.keys = SigningKeys(site: client.credentials.site)
        self.log = log
    }

    /// Serves until the task is cancelled (Ctrl-C, SIGTERM), then removes the callbacks it
    /// registered and stops.
    public func run() async throws {
        var logger = Logger(label: "cwql.listen")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let responder = CallbackResponder<BasicRequestContext> { [self] request, _ in
            try await self.respond(to: request)
        }
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(options.host, port: options.port),
                serverName: nil
            ),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let server = Task { try await application.run() }
        var port = 0
        for await bound in ports {
            port = bound
            break
        }
        guard port > 0 else {
            _ = try await server.value
            return
        }
        log(
            "listen: on http://\(options.host):\(port)/ for \(interpreter.changeTypes.joined(separator: ", ")) callbacks"
        )
        options.onListening?(port)
        var registered: [Int] = []
        do {
            if options.register {
                registered = try await register(url: options.publicURL ?? "http://\(options.host):\(port)/")
            }
            try await work()
        } catch {
            if !Task.isCancelled { log("listen: \(error)") }
        }
        server.cancel()
        await inbox.wake()
        // Remove what was registered, even though the task was cancelled.
        await Task.detached { [self] in await self.unregister(registered) }.value
        _ = try? await server.value
        let left = await inbox.pending
        log("listen: stopped" + (left > 0 ? "; \(left) callback\(left == 1 ? "" : "s") kept for the next start" : ""))
    }

    // MARK: - Receiving

    private func respond(to request: Hummingbird.Request) async throws -> Response {
        guard request.method == .post else { return answer(405, "callbacks are POSTed") }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: 4 << 20)
        } catch {
            return answer(413, "the body is too large")
        }
        let body = Array(buffer: buffer)
        let payload: CallbackPayload
        do {
            payload = try CallbackPayload(parsing: body)
        } catch {
            log("listen: refused a callback: \(error)")
            return answer(400, "not a ConnectWise callback: \(error)")
        }
        guard let name = HTTPField.Name(CallbackSignature.header), let signature = request.headers[name] else {
            log("listen: refused \(payload.type) \(payload.id): no \(CallbackSignature.header) header")
            return answer(401, "no signature")
        }
        do {
            guard try await keys.verify(signature, of: body, keyURL: payload.keyURL) else {
                log("listen: refused \(payload.type) \(payload.id): the signature does not match")
                return answer(401, "bad signature")
            }
        } catch {
            log("listen: refused \(payload.type) \(payload.id): \(error)")
            return answer(401, "\(error)")
        }
        guard interpreter.changePath(ofType: payload.type) != nil else {
            log("listen: refused \(payload.type) \(payload.id): the script has no `on \(payload.type) changed` block")
            return answer(422, "no block for \(payload.type)")
        }
        guard ["added", "updated", "deleted"].contains(payload.action) else {
            log("listen: refused \(payload.type) \(payload.id): unknown action `\(payload.action)`")
            return answer(400, "unknown action")
        }
        do {
            switch try await inbox.accept(key: payload.deliveryKey, body: String(decoding: body, as: UTF8.self)) {
            case .accepted: return answer(200, "accepted")
            case .duplicate:
                log(
                    "listen: \(payload.type) \(payload.id) \(payload.action) again (delivery \(payload.deliveryKey)): already kept"
                )
                return answer(200, "already received")
            }
        } catch {
            log("listen: can't keep a callback: \(error)")
            return answer(503, "can't keep it now")
        }
    }

    private func answer(_ status: Int, _ text: String) -> Response {
        Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n"))
        )
    }

    // MARK: - Working

    /// Handles the inbox in order, one callback at a time.
    private func work() async throws {
        let clock = client.serverClock
        while !Task.isCancelled {
            guard let item = try await inbox.next(now: { clock.now().rounded(.down) }) else { return }
            guard let payload = try? CallbackPayload(parsing: Array(item.body.utf8)) else {
                _ = try await inbox.failed(item.key, limit: 0)
                continue
            }
            do {
                var change = JSON.object(payload.entity ?? JSONObject(["id": .int(payload.id)]))
                if payload.action != "deleted",
                    let current = try await interpreter.readChanged(type: payload.type, id: payload.id)
                {
                    change = current
                }
                if item.startedAt != nil {
                    log("listen: the blocks for \(payload.type) \(payload.id) were interrupted; running them again")
                }
                try await interpreter.runChangeHandlers(
                    type: payload.type,
                    change: change,
                    action: payload.action,
                    replayingSince: item.startedAt
                )
                try await inbox.done(item.key)
            } catch {
                if Task.isCancelled { return }
                let givenUp = try await inbox.failed(item.key, limit: options.attempts)
                log(
                    "listen: \(payload.type) \(payload.id) \(payload.action): "
                        + (givenUp ? "dropped after \(options.attempts) failures: " : "failed, to retry: ") + "\(error)"
                )
                if !givenUp { try? await Task.sleep(nanoseconds: 500_000_000) }
            }
        }
    }

    // MARK: - Registering

    private func register(url: String) async throws -> [Int] {
        var made: [Int] = []
        for type in Set(interpreter.changeTypes).sorted() {
            let body = JSONObject([
                "url": .string(url), "type": .string(type), "level": .string("owner"), "objectId": .int(1),
                "description": .string("cwql listen"), "inactiveFlag": .bool(false),
            ])
            let answer = try await client.send(
                ConnectWiseRequests.Request(.post, "/system/callbacks", body: .object(body))
            )
            if let id = answer.body["id"]?.intValue {
                made.append(id)
                log("listen: registered callback \(id) for \(type) → \(url)")
            }
        }
        return made
    }

    private func unregister(_ ids: [Int]) async {
        for id in ids {
            do {
                _ = try await client.send(ConnectWiseRequests.Request(.delete, "/system/callbacks/\(id)"))
                log("listen: removed callback \(id)")
            } catch {
                log("listen: could not remove callback \(id): \(error)")
            }
        }
    }
}
