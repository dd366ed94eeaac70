import ArgumentParser
import ConnectWiseClient
import Foundation

/// Options every command that talks to ConnectWise takes.
struct ConnectionOptions: ParsableArguments {
    @Option(
        help: "Profile of the config file to use (default: CWQL_PROFILE, the file's default_profile, or 'default')."
    )
    var profile: String?

    @Option(help: "Site: na, eu, au, or a base URL such as https://manage.example.com (overrides CW_SITE).")
    var site: String?

    @Option(help: "Company ID used at login (overrides CW_COMPANY).")
    var company: String?

    @Option(name: .customLong("public-key"), help: "API member public key (overrides CW_PUBLIC_KEY).")
    var publicKey: String?

    @Option(name: .customLong("client-id"), help: "Registered client ID (overrides CW_CLIENT_ID).")
    var clientId: String?

    @Option(name: .customLong("api-version"), help: "API version for the Accept header (overrides CW_API_VERSION).")
    var apiVersion: String?

    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("Config file (default: ~/.config/cwql/config.toml).", valueName: "path")
    )
    var configPath: String?

    @Flag(help: "Print every request, its status and duration on stderr (the Authorization header is never shown).")
    var trace = false

    @Option(help: "Requests in flight at most.")
    var concurrency = 8

    @Option(
        help: ArgumentHelp(
            "Pages of a long read to start before the first page says how many there are: saves a round trip on big exports, costs up to N requests on short results (0 to concurrency - 1). Default: concurrency - 1 for a read of selected fields whose records are printed to a file or a pipe, 0 otherwise.",
            valueName: "N"
        )
    )
    var prefetch: Int?

    @Option(help: ArgumentHelp("Seconds to wait for each request, its retries included.", valueName: "seconds"))
    var timeout = 60.0

    @Option(
        help: ArgumentHelp(
            "Requests a minute at most, for the whole run (default 1,000 with bursts of 100; overrides CW_RATE and the profile's rate). A 429 slows every request down, then the pace recovers.",
            valueName: "N"
        )
    )
    var rate: Int?

    mutating func validate() throws {
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
        if let prefetch, !(0..<concurrency).contains(prefetch) {
            throw ValidationError("--prefetch must be between 0 and --concurrency - 1 (\(concurrency - 1))")
        }
        if let rate, !Credentials.rates.contains(rate) {
            throw ValidationError(
                "--rate must be between \(Credentials.rates.lowerBound) and \(Credentials.rates.upperBound) requests a minute"
            )
        }
        guard timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout must be between 0 and 3600 seconds")
        }
    }

    var resolver: CredentialResolver {
        var resolver = CredentialResolver(configPath: configPath)
        resolver.noteSink = { standardError($0) }
        return resolver
    }

    var overrides: CredentialOverrides {
        CredentialOverrides(
            site: site,
            company: company,
            publicKey: publicKey,
            clientId: clientId,
            apiVersion: apiVersion,
            rate: rate
        )
    }

    /// Pages a read whose records are printed starts with its first page, when `--prefetch` was
    /// not given: all but one of its requests in flight when the records go to a file or a pipe
    /// (an export, where a long result is likely and a round trip is worth a few requests), none
    /// on a terminal (a short interactive result would waste them). The runtime uses it for reads
    /// of selected fields only (``QueryExecutor``).
    func exportPrefetch(outputIsTerminal: Bool) -> Int? {
        prefetch == nil && !outputIsTerminal ? max(0, concurrency - 1) : nil
    }

    /// The resolved credentials and profile name.
    func credentials() throws(ConfigurationError) -> (credentials: Credentials, profile: String) {
        try resolver.resolve(profile: profile, overrides: overrides)
    }

    /// A client for the resolved credentials, with as many requests in flight as
    /// `--concurrency` asks and the open-file limit allows (two descriptors each, for `cwql
    /// demo`'s simulator holds the other end).
    func makeClient(_ credentials: Credentials) throws(ConfigurationError) -> ConnectWiseClient {
        let (concurrency, warning) = try OpenFileLimit.requestsInFlight(fitting: concurrency, descriptorsPerRequest: 2)
        if let warning { standardError("cwql: \(warning)") }
        return ConnectWiseClient(
            credentials: credentials,
            concurrency: concurrency,
            prefetch: min(prefetch ?? 0, concurrency - 1),
            timeout: timeout,
            trace: trace ? TraceSink { line in standardErrorRaw("trace: \(line)\n") } : nil,
            rootCache: StateDirectory.path.map { APIRootCache(path: "\($0)/api-roots.json") },
            pacer: RequestPacer(perMinute: credentials.rate ?? RequestPacer.defaultRate)
        )
    }
}

/// Prints `error: …` on stderr and exits with the status the error calls for.
func fail(_ error: any Error) -> ExitCode {
    let status: ExitStatus
    switch error {
    case let error as ConfigurationError:
        status = .configuration
        standardError("error: \(error)")
    case let error as ConnectWiseError:
        status = error.isConfigurationProblem ? .configuration : .runtime
        standardError("error: \(error)")
    case let exit as ExitCode:
        return exit
    default:
        status = .runtime
        standardError("error: \(error)")
    }
    return status.exitCode
}
