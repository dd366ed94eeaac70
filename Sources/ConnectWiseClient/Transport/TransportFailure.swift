import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a send got no answer, by kind. The retry machine decides on the kind; the message for
/// the user is made from it with the request's method, path and host.
public enum TransportFailure: Error, Sendable, Equatable {
    /// No complete answer within the time allowed.
    case timeout
    /// The connection closed before the answer came (the request may have been applied).
    case connectionClosed
    /// Nothing listens at the address.
    case connectionRefused
    /// The host name does not resolve.
    case unknownHost
    /// The answer's headers were too large to read.
    case oversizedHeaders
    /// The task was cancelled (Ctrl-C).
    case cancelled
    /// Anything else, with the library's description (already free of secrets: it never
    /// contains the request's headers).
    case other(String)

    /// Sorts an error thrown by AsyncHTTPClient or SwiftNIO by its type, never by its message.
    public init(classifying error: any Error) {
        switch error {
        case let failure as TransportFailure:
            self = failure
        case is CancellationError:
            self = .cancelled
        case let parser as HTTPParserError where parser == .headerOverflow:
            self = .oversizedHeaders
        case let client as HTTPClientError:
            switch client {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: self = .timeout
            case .remoteConnectionClosed, .cancelled: self = .connectionClosed
            default: self = .other(String(describing: client))
            }
        case let connection as NIOConnectionError:
            if connection.dnsAError != nil || connection.dnsAAAAError != nil, connection.connectionErrors.isEmpty {
                self = .unknownHost
            } else if connection.connectionErrors.contains(where: {
                TransportFailure(classifying: $0.error) == .connectionRefused
            }) {
                self = .connectionRefused
            } else {
                self =
                    connection.connectionErrors.first.map { TransportFailure(classifying: $0.error) }
                    ?? .other(String(describing: connection))
            }
        case let io as IOError:
            switch io.errnoCode {
            case ECONNREFUSED: self = .connectionRefused
            case ETIMEDOUT: self = .timeout
            case ECONNRESET, EPIPE: self = .connectionClosed
            default: self = .other(String(describing: io))
            }
        case is SocketAddressError.UnknownHost:
            self = .unknownHost
        case let channel as ChannelError:
            if case .connectTimeout = channel { self = .timeout } else { self = .connectionClosed }
        default:
            self = .other(String(describing: error))
        }
    }
}
