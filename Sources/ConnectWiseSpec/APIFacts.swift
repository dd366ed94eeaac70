import Synchronization

/// ConnectWise's published API facts: every endpoint with its methods and model, every model
/// with its typed fields. Read from the text the generator embeds
/// (`scripts/generate_spec_facts.py`, from `spec/connectwise/api-facts.json`), each part the
/// first time it is asked for: the endpoints, the index of the models, and each model's fields
/// (a query touches a handful of the 773 models and no endpoint list — the catalog has its own
/// table — and start-up is part of every `cwql` command).
public struct APIFacts: Sendable {
    /// Where the facts come from (the generator and its version).
    public let source: String
    private let endpointIndex: LazilyBuilt<EndpointIndex>
    /// The lines of each model's fields, parsed on first use.
    private let models: LazilyBuilt<ModelFields>

    /// The facts of the published spec this build embeds.
    public static let published = APIFacts(text: apiFactsText, source: apiFactsSource)

    /// Reads facts in the generator's line format; a line it does not understand is skipped.
    init(text: String, source: String) {
        self.source = source
        let bytes = Array(text.utf8)
        endpointIndex = LazilyBuilt { EndpointIndex(bytes: bytes) }
        models = LazilyBuilt { ModelFields(bytes: bytes) }
    }

    /// Every endpoint, in path order.
    public var endpoints: [EndpointFact] { endpointIndex.value.endpoints }

    /// The list endpoints (`GET` returning records), in path order.
    public var listEndpoints: [EndpointFact] { endpointIndex.value.listEndpoints }

    /// The fields of a model, in name order; nil for a model the spec does not have.
    public func fields(of model: String) -> [FieldFact]? { models.value.fields(of: model) }

    /// The list a reference model points at: the shortest top-level list endpoint of the model
    /// it names (`CompanyReference` → `/company/companies`), or nil.
    public func listPath(forReference model: String) -> String? {
        guard model.hasSuffix("Reference") else { return nil }
        return endpointIndex.value.topLevelListByModel[String(model.dropLast("Reference".count))]
    }

    /// Every model name.
    public var modelNames: [String] { models.value.names }

    /// Calls `body` with each line of `bytes` that starts with `tag` and a space, without them.
    fileprivate static func forEachLine(tagged tag: UInt8, in bytes: [UInt8], _ body: (Range<Int>) -> Void) {
        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            defer { lineStart = lineEnd + 1 }
            guard lineEnd - lineStart > 2, bytes[lineStart] == tag, bytes[lineStart + 1] == UInt8(ascii: " ") else {
                continue
            }
            body((lineStart + 2)..<lineEnd)
        }
    }

    /// `E path METHODS model L|-`.
    fileprivate static func endpoint(_ line: ArraySlice<UInt8>) -> EndpointFact? {
        let space = UInt8(ascii: " ")
        guard let pathEnd = line.firstIndex(of: space),
            let methodsEnd = line[(pathEnd + 1)...].firstIndex(of: space),
            let modelEnd = line[(methodsEnd + 1)...].firstIndex(of: space),
            !line[(modelEnd + 1)...].contains(space)
        else { return nil }
        let model = line[(methodsEnd + 1)..<modelEnd]
        return EndpointFact(
            path: String(decoding: line[..<pathEnd], as: UTF8.self),
            methods: EndpointMethods(spelled: line[(pathEnd + 1)..<methodsEnd]),
            model: model.elementsEqual("-".utf8) ? nil : String(decoding: model, as: UTF8.self),
            isList: line[(modelEnd + 1)...].elementsEqual("L".utf8)
        )
    }

    /// `F name type [flags]`.
    fileprivate static func field(_ line: ArraySlice<UInt8>) -> FieldFact? {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        let flags = parts.count == 3 ? parts[2] : []
        return FieldFact(
            name: String(decoding: parts[0], as: UTF8.self),
            type: fieldType(String(decoding: parts[1], as: UTF8.self)),
            isRequired: flags.contains(UInt8(ascii: "R")),
            isWriteOnly: flags.contains(UInt8(ascii: "W"))
        )
    }

    private static func fieldType(_ code: String) -> FieldType {
        switch code {
        case "s": return .string
        case "i": return .integer
        case "n": return .number
        case "b": return .boolean
        case "t": return .datetime
        case "d": return .date
        case "o": return .object
        case "v": return .scalar
        default: break
        }
        let payload = String(code.dropFirst(2))
        switch code.prefix(2) {
        case "e:": return .enumeration(payload.split(separator: "|").map(String.init))
        case "r:": return .reference(payload)
        case "o:": return .embedded(payload)
        case "a:":
            switch payload {
            case "s", "i", "n", "b", "t", "d", "o", "v": return .array(fieldType(payload))
            default: return .model(payload)
            }
        default: return .object
        }
    }
}

/// The endpoints, parsed from their `E` lines the first time any is asked for.
private struct EndpointIndex: Sendable {
    let endpoints: [EndpointFact]
    let listEndpoints: [EndpointFact]
    /// The shortest top-level list endpoint of each model (what a reference to it points at).
    let topLevelListByModel: [String: String]

    init(bytes: [UInt8]) {
        var endpoints: [EndpointFact] = []
        endpoints.reserveCapacity(2048)
        APIFacts.forEachLine(tagged: UInt8(ascii: "E"), in: bytes) { line in
            if let endpoint = APIFacts.endpoint(bytes[line]) { endpoints.append(endpoint) }
        }
        self.endpoints = endpoints
        listEndpoints = endpoints.filter { $0.isList && $0.methods.contains(.get) && $0.model != nil }
        var topLevel: [String: String] = [:]
        for endpoint in listEndpoints where endpoint.idHoles == 0 {
            guard let model = endpoint.model else { continue }
            if let known = topLevel[model], (known.count, known) <= (endpoint.path.count, endpoint.path) { continue }
            topLevel[model] = endpoint.path
        }
        topLevelListByModel = topLevel
    }
}

/// The `F` lines of each model, found by its `M` line and parsed into ``FieldFact``s once, on
/// first use.
private final class ModelFields: Sendable {
    private let bytes: [UInt8]
    private let lines: [String: Range<Int>]
    private let parsed = Mutex<[String: [FieldFact]]>([:])

    init(bytes: [UInt8]) {
        var lines: [String: Range<Int>] = [:]
        lines.reserveCapacity(1024)
        var model: (name: String, start: Int)?
        APIFacts.forEachLine(tagged: UInt8(ascii: "M"), in: bytes) { line in
            // A model's lines run from after its `M` line to the next model's.
            if let model { lines[model.name] = model.start..<(line.lowerBound - 2) }
            model = (String(decoding: bytes[line], as: UTF8.self), min(line.upperBound + 1, bytes.count))
        }
        if let model { lines[model.name] = model.start..<bytes.count }
        self.bytes = bytes
        self.lines = lines
    }

    var names: [String] { lines.keys.sorted() }

    func fields(of model: String) -> [FieldFact]? {
        if let known = parsed.withLock({ $0[model] }) { return known }
        guard let range = lines[model] else { return nil }
        var fields: [FieldFact] = []
        for line in bytes[range].split(separator: UInt8(ascii: "\n")) {
            guard line.count > 2, line.first == UInt8(ascii: "F"), line[line.startIndex + 1] == UInt8(ascii: " ") else {
                continue
            }
            if let field = APIFacts.field(line.dropFirst(2)) { fields.append(field) }
        }
        parsed.withLock { $0[model] = fields }
        return fields
    }
}

extension EndpointFact {
    /// How many `{id}` holes the path has (`/service/boards/{id}/statuses` has one).
    public var idHoles: Int { SpecNaming.idHoles(in: path) }
}
