import AsyncHTTPClient
import CWJSON
import ConnectWiseCallbacks
import Foundation
import NIOCore
import Synchronization

/// The signing keys of callbacks, fetched from each payload's `key_url` and kept: only from
/// the site cwql is connected to (a forged payload can't name a key server of its own), and
/// fetched again once when a signature does not match a kept key (a rotated key).
final class SigningKeys: Sendable {
    let site: URL
    private let kept = Mutex<[String: String]>([:])

    init(site: URL) { self.site = site }

    /// A key URL that is not on the site.
    struct Untrusted: Error, CustomStringConvertible {
        var url: String
        var site: String
        var description: String { "the signing key's URL \(url) is not on \(site)" }
    }

    /// A key that could not be fetched.
    struct Unavailable: Error, CustomStringConvertible {
        var url: String
        var reason: String
        var description: String { "no signing key from \(url): \(reason)" }
    }

    /// True when `signature` is `body`'s under the key at `keyURL`.
    func verify(_ signature: String, of body: [UInt8], keyURL: String) async throws -> Bool {
        try requireOnSite(keyURL)
        if let key = kept.withLock({ $0[keyURL] }) {
            if CallbackSignature.isValid(signature, of: body, signingKey: key) { return true }
        }
        let key = try await fetch(keyURL)
        kept.withLock { $0[keyURL] = key }
        return CallbackSignature.isValid(signature, of: body, signingKey: key)
    }

    private func requireOnSite(_ keyURL: String) throws {
        guard let url = URL(string: keyURL), url.scheme?.lowercased() == site.scheme?.lowercased(),
            url.host?.lowercased() == site.host?.lowercased(), url.port == site.port
        else { throw Untrusted(url: keyURL, site: site.absoluteString) }
    }

    private func fetch(_ keyURL: String) async throws -> String {
        let request = HTTPClientRequest(url: keyURL)
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        } catch {
            throw Unavailable(url: keyURL, reason: "\(error)")
        }
        let body = try await response.body.collect(upTo: 64 * 1024)
        guard response.status.code == 200,
            let key = (try? JSONParser.parse(Array(buffer: body)))?["signing_key"]?.stringValue, !key.isEmpty
        else { throw Unavailable(url: keyURL, reason: "answered \(response.status.code) without a signing_key") }
        return key
    }
}
