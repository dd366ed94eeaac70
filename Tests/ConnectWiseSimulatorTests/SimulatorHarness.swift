import AsyncHTTPClient
import CWJSON
import CWQLTestSupport
import ConnectWiseSimulator
import Foundation
import NIOCore
import NIOHTTP1

/// A simulator on a free loopback port and a raw HTTP client speaking to it, as a
/// ConnectWise integration would (no cwql code in between).
struct SimulatorHarness {
    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: String

        var json: JSON? { try? JSONParser.parse(body) }
        var array: [JSON] { json?.arrayValue ?? [] }
        var ids: [Int] { array.compactMap { $0["id"]?.intValue } }

        /// The `rel="next"` URL of the Link header (its URL may hold commas: `fields=id,summary`).
        var nextLink: String? {
            guard let link = headers.first(name: "Link"), let match = link.firstMatch(of: /<([^>]*)>; rel="next"/)
            else { return nil }
            return String(match.1)
        }
    }

    let server: SimulatorServer
    static let clientId = "00000000-0000-4000-8000-000000000000"
    static let auth = "Basic " + Data("demo+demo-public:demo-private-key-0123456789".utf8).base64EncodedString()

    static func start(_ configure: (inout SimulatorConfiguration) -> Void = { _ in }) async throws -> SimulatorHarness {
        SimulatorHarness(server: try await SimulatedSite.start(over: .loopback, configure: configure).server)
    }

    var apiRoot: String { "\(server.baseURL)/\(server.codebase)apis/3.0" }

    /// Sends a request to a path under the API root (or an absolute URL).
    func send(
        _ method: HTTPMethod = .GET,
        _ path: String,
        query: [String: String] = [:],
        headers: [String: String]? = nil,
        body: String? = nil
    ) async throws -> Reply {
        var url = path.hasPrefix("http") ? path : apiRoot + path
        if !query.isEmpty {
            url += "?" + query.sorted { $0.key < $1.key }.map { "\($0.key)=\(encode($0.value))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers ?? ["Authorization": Self.auth, "clientId": Self.clientId] {
            request.headers.add(name: name, value: value)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    func encode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x2F
            {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    func stop() async { await server.stop() }
}

/// Runs `body` against a fresh simulator and always stops it.
func withSimulator(
    _ configure: (inout SimulatorConfiguration) -> Void = { _ in },
    _ body: (SimulatorHarness) async throws -> Void
) async throws {
    let harness = try await SimulatorHarness.start(configure)
    do {
        try await body(harness)
    } catch {
        await harness.stop()
        throw error
    }
    await harness.stop()
}
