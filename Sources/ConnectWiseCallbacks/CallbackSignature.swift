import Crypto
import Foundation

/// How ConnectWise signs a callback, and how a receiver checks it: the body's HMAC-SHA256,
/// keyed by the SHA-256 of the signing key that the payload's `Metadata.key_url` serves
/// (`{"signing_key": "…"}`), base64 in the `x-content-signature` header. The simulator
/// signs with it; `cwql listen` verifies with it.
public enum CallbackSignature {
    /// The header the signature travels in.
    public static let header = "x-content-signature"

    /// The signature of `body` under `signingKey`.
    public static func sign(_ body: [UInt8], signingKey: String) -> String {
        let key = SymmetricKey(data: SHA256.hash(data: Data(signingKey.utf8)))
        let code = HMAC<SHA256>.authenticationCode(for: body, using: key)
        return Data(code).base64EncodedString()
    }

    /// True when `signature` is `body`'s under `signingKey` (compared in constant time).
    public static func isValid(_ signature: String, of body: [UInt8], signingKey: String) -> Bool {
        guard let given = Data(base64Encoded: signature.trimmingCharacters(in: .whitespaces)) else { return false }
        let key = SymmetricKey(data: SHA256.hash(data: Data(signingKey.utf8)))
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: body, using: key)
    }
}
