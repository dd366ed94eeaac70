import ArgumentParser
import CWQLLanguage
import CWQLListener
import CWQLRuntime
import Foundation

/// `cwql listen SCRIPT`: receive ConnectWise callbacks and run the script's `on … changed` blocks.
struct ListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Receive ConnectWise callbacks and run a script's `on ENTITY changed` blocks.",
        discussion: """
            The script's statements run once; then cwql answers ConnectWise's callbacks (POSTs signed with \
            the key their key_url serves, fetched only from the site you are connected to). Each verified \
            callback is kept on disk before it is answered, and its blocks run once, in order, with $change \
            (the record as it is now) and $action (added, updated or deleted). A retried delivery is \
            recognised and not run again. --register adds a callback per entity at start and removes it at exit.
            """
    )

    @Argument(help: "The script with `on ENTITY changed { … }` blocks.") var file: String
    @Option(help: "The port to listen on.") var port = 8080
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(
        name: .customLong("public-url"),
        help: "The URL ConnectWise reaches this listener at (for --register; default http://HOST:PORT/)."
    )
    var publicURL: String?
    @Flag(help: "Register a callback per `on` entity at start, and remove it at exit.") var register = false
    @OptionGroup var script: ScriptOptions
    @OptionGroup var connection: ConnectionOptions

    mutating func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port takes 0 to 65535") }
        if let publicURL, URL(string: publicURL)?.scheme == nil {
            throw ValidationError("--public-url takes a URL such as https://hooks.example.com/cw")
        }
    }

    func run() async throws {
        let source = try ScriptFile.load(file)
        let runner = ScriptRunner(connection: connection, script: script)
        let checked = try runner.check(source)
        let (interpreter, client) = try runner.makeInterpreter()
        Interruption.install()
        var options = ListenOptions()
        options.host = host
        options.port = port
        options.publicURL = publicURL
        options.register = register
        options.attempts = script.attempts
        let path = URL(fileURLWithPath: file).standardizedFileURL.path
        options.inboxPath = StateDirectory.path.map { "\($0)/listen/\(StateFile.name(for: path)).json" }
        let listenOptions = options
        let (interrupted, error) = await Interruption.run {
            try await interpreter.loadPrelude()
            try await interpreter.run(checked)
            guard !interpreter.changeTypes.isEmpty else {
                throw ListenError.noHandlers(file: source.name)
            }
            if interpreter.hasWatches {
                standardError("note: `watch` runs under `cwql run`; `cwql listen` runs the `on … changed` blocks")
            }
            let listener = try CallbackListener(interpreter: interpreter, client: client, options: listenOptions) {
                standardError($0)
            }
            try await listener.run()
        }
        if let error = error as? ListenError {
            standardError("error: \(error)")
            throw ExitStatus.usage.exitCode
        }
        // Ctrl-C and SIGTERM are how a listener is stopped: its inbox keeps what is left.
        try ScriptRunner.finish(interrupted: false, error: interrupted ? nil : error)
    }
}

/// Why `cwql listen` can't start.
enum ListenError: Error, CustomStringConvertible {
    case noHandlers(file: String)

    var description: String {
        switch self {
        case .noHandlers(let file):
            return "\(file) has no `on ENTITY changed { … }` block for `cwql listen` to run"
        }
    }
}
