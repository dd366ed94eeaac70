/// ConnectWise's published API facts: every endpoint with its methods and model, every model
/// with its typed fields. Read once from the text the generator embeds
/// (`scripts/generate_spec_facts.py`, from `spec/connectwise/api-facts.json`).
public struct APIFacts: Sendable {
    /// Where the facts come from (the generator and its version).
    public let source: String
    public let endpoints: [EndpointFact]
    /// The list endpoints (`GET` returning records), in path order.
    public let listEndpoints: [EndpointFact]
    private let models: [String: [FieldFact]]
    /// The shortest top-level list endpoint of each model (what a reference to it points at).
    private let topLevelListByModel: [String: String]

    /// The facts of the published spec this build embeds.
    public static let published = APIFacts(text: apiFactsText, source: apiFactsSource)

    /// Reads facts in the generator's line format; a line it does not understand is skipped.
    init(text: String, source: String) {
        self.source = source
        var endpoints: [EndpointFact] = []
        var models: [String: [FieldFact]] = [:]
        var model: String?
        var fields: [FieldFact] = []
        for line in text.utf8.split(separator: UInt8(ascii: "\n")) {
            let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            switch parts.first {
            case "E" where parts.count == 5:
                let methods = parts[2].split(separator: ",").reduce(into: EndpointMethods()) { set, name in
                    if let method = EndpointMethods.named.first(where: { $0.0 == name }) { set.insert(method.1) }
                }
                endpoints.append(EndpointFact(
                    path: parts[1], methods: methods, model: parts[3] == "-" ? nil : parts[3], isList: parts[4] == "L"))
            case "M" where parts.count == 2:
                if let model { models[model] = fields }
                model = parts[1]
                fields = []
            case "F" where parts.count == 3 || parts.count == 4:
                let flags = parts.count == 4 ? parts[3] : ""
                fields.append(FieldFact(
                    name: parts[1], type: APIFacts.fieldType(parts[2]), isRequired: flags.contains("R"),
                    isWriteOnly: flags.contains("W")))
            default:
                continue
            }
        }
        if let model { models[model] = fields }
        self.endpoints = endpoints
        self.models = models
        listEndpoints = endpoints.filter { $0.isList && $0.methods.contains(.get) && $0.model != nil }
        var topLevel: [String: String] = [:]
        for endpoint in listEndpoints where !endpoint.path.contains("{id}") {
            guard let model = endpoint.model else { continue }
            if let known = topLevel[model], (known.count, known) <= (endpoint.path.count, endpoint.path) { continue }
            topLevel[model] = endpoint.path
        }
        topLevelListByModel = topLevel
    }

    /// The fields of a model, in name order; nil for a model the spec does not have.
    public func fields(of model: String) -> [FieldFact]? { models[model] }


    /// The list a reference model points at: the shortest top-level list endpoint of the model
    /// it names (`CompanyReference` → `/company/companies`), or nil.
    public func listPath(forReference model: String) -> String? {
        guard model.hasSuffix("Reference") else { return nil }
        return topLevelListByModel[String(model.dropLast("Reference".count))]
    }

    /// Every model name.
    public var modelNames: [String] { models.keys.sorted() }

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
