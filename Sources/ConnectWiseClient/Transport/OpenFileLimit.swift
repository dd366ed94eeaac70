#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit (`ulimit -n`) and how many requests it leaves room for:
/// every request in flight holds a socket, and the event loop, the resolver and the standard
/// streams hold about sixteen more. Below that, NIO stops the process with SIGILL instead of
/// an error, so cwql checks first.
public enum OpenFileLimit {
    /// Descriptors cwql holds besides its connections (measured: 14 fail, 16 work).
    public static let reserved = 16

    /// Raises the soft limit to the hard one, as far as the system allows (many shells start
    /// with a soft limit of 1,024 under a much higher hard one).
    public static func raiseSoftLimit() {
        var limit = rlimit()
        guard getrlimit(resourceLimit, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(resourceLimit, &limit)
    }

    /// The soft limit, or nil when unlimited or unknown.
    public static var current: Int? {
        var limit = rlimit()
        guard getrlimit(resourceLimit, &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// The requests in flight that fit the limit: `requested` when they do, fewer when they
    /// don't (with the reason, for a warning), or an error when not even one does.
    /// - Parameter descriptorsPerRequest: 2 when the simulator runs in the same process (it
    ///   holds the other end of every connection).
    public static func requestsInFlight(
        fitting requested: Int,
        descriptorsPerRequest: Int = 1,
        limit: Int? = OpenFileLimit.current
    ) throws(ConfigurationError) -> (count: Int, warning: String?) {
        guard let limit else { return (requested, nil) }
        let fitting = (limit - reserved) / max(1, descriptorsPerRequest)
        if fitting >= requested { return (requested, nil) }
        guard fitting >= 1 else {
            throw .openFileLimit(limit: limit, needed: reserved + max(1, descriptorsPerRequest))
        }
        return (
            fitting,
            "the open-file limit (ulimit -n \(limit)) leaves room for \(fitting) requests in flight, not \(requested); raise it for more"
        )
    }

    #if canImport(Glibc)
    private static let resourceLimit = __rlimit_resource_t(UInt32(RLIMIT_NOFILE.rawValue))
    #else
    private static let resourceLimit = RLIMIT_NOFILE
    #endif
}
