import CWJSON
import ConnectWiseSpec

/// Plausible, deterministic values for any model of the spec: the defaults every record of a
/// model shares (what ConnectWise fills when a record does not say: flags, enums, numbers,
/// required fields) and the rows of a list that the seeder does not fill by hand. The same seed
/// and reference day always give the same values; nothing depends on the order of requests.
struct Synthesis: Sendable {
    let catalog: ResourceCatalog
    let seed: UInt64
    /// Midnight UTC that dates count back from.
    let referenceDay: Int64

    /// Which record a generated reference names.
    enum ReferencePick {
        /// This id (the parent of a nested row).
        case exact(Int)
        /// The n-th record of the list, counting round (any plausible record).
        case some(Int)
    }

    /// The value of a reference to a record of the list a reference model points at, or nil
    /// when no list holds records of that model.
    typealias ReferenceMaker = (_ model: String, _ pick: ReferencePick) -> JSON?

    // MARK: - Defaults

    /// The fields every record of `model` has unless it says otherwise.
    func defaults(for model: String, reference: ReferenceMaker) -> JSONObject {
        var pairs: [(String, JSON)] = []
        for field in catalog.facts.fields(of: model) ?? []
        where field.name != "id" && field.name != "_info" && !field.isWriteOnly {
            if let value = defaultValue(field, reference: reference) { pairs.append((field.name, value)) }
        }
        return JSONObject(pairs: pairs)
    }

    private func defaultValue(_ field: FieldFact, reference: ReferenceMaker) -> JSON? {
        switch field.type {
        case .boolean: return .bool(false)
        case .enumeration(let values): return values.first.map(JSON.string)
        case .integer:
            if field.isRequired { return .int(1) }
            return Self.isIdentifier(field.name) ? nil : .int(0)
        case .number: return .double(0)
        case .scalar: return field.isRequired ? .string("") : nil
        case .string:
            if let text = Self.plausibleText(field.name, number: 1) { return .string(text) }
            return field.isRequired ? .string(SpecNaming.words(field.name).capitalizedFirst) : nil
        case .datetime, .date:
            return field.isRequired ? .string(SimulatorDates.format(referenceDay - 30 * 86_400)) : nil
        case .reference(let model):
            return field.isRequired ? reference(model, .some(0)) : nil
        case .object, .embedded:
            return field.isRequired ? .object(JSONObject()) : nil
        case .array, .model:
            return field.isRequired ? .array([]) : nil
        }
    }

    // MARK: - Generated rows

    /// How many rows a generated list holds under these parents: a few to a dozen at the top
    /// level, one to three under each parent.
    func rowCount(_ template: String, parents: [Int]) -> Int {
        let hash = Self.hash(template, parents, seed)
        return parents.isEmpty ? 3 + Int(hash % 10) : 1 + Int(hash % 3)
    }

    /// The ids of the rows generated under these parents: 1… at the top level; under a parent,
    /// the parent's id times a hundred plus 1…, so that they never depend on which parent was
    /// read first.
    func rowIds(_ template: String, parents: [Int]) -> [Int] {
        let count = rowCount(template, parents: parents)
        let base = parents.last.map { $0 * 100 } ?? 0
        return (0..<count).map { base + $0 + 1 }
    }

    /// The fields a generated row holds itself (the rest are its model's defaults): names and
    /// descriptions, required text, dates, references to seeded records, the parent's id.
    func row(
        _ resource: SimulatedResource,
        parents: [Int],
        id: Int,
        reference: ReferenceMaker
    ) -> JSONObject {
        var generator = SeededGenerator(state: Self.hash(resource.template, parents + [id], seed))
        var pairs: [(String, JSON)] = []
        for field in resource.fields where field.name != "id" && !field.isWriteOnly {
            let roll = Int(generator.next() % 1000)
            switch field.type {
            case .object where field.name == "_info":
                let entered = referenceDay - Int64(roll % 400 + 30) * 86_400
                pairs.append(
                    (field.name, .object(Self.info(entered: entered, updated: entered + Int64(roll % 20) * 86_400)))
                )
            case .integer where field == resource.parentField:
                pairs.append((field.name, .int(parents.last ?? 0)))
            case .reference(let model) where field == resource.parentField:
                if let value = reference(model, .exact(parents.last ?? 0)) { pairs.append((field.name, value)) }
            case .reference(let model) where field.isRequired || roll % 3 != 0:
                if let value = reference(model, .some(roll)) { pairs.append((field.name, value)) }
            case .integer where field.isRequired || roll % 3 != 0:
                // `ticketId`, `contactId`: the id of a record of the list `TicketReference` points at.
                guard let model = referenceModel(forIdField: field.name), let id = reference(model, .some(roll))?["id"]
                else {
                    if field.isRequired { pairs.append((field.name, .int(1 + roll % 50))) }
                    continue
                }
                pairs.append((field.name, id))
            case .string where Self.nameLike.contains(field.name):
                pairs.append(
                    (
                        field.name,
                        .string(
                            field.name == "identifier"
                                ? Self.identifier(model: resource.model, id: id)
                                : Self.name(model: resource.model, id: id)
                        )
                    )
                )
            case .string where field.isRequired:
                pairs.append(
                    (
                        field.name,
                        .string(
                            Self.plausibleText(field.name, number: id)
                                ?? "\(SpecNaming.words(field.name).capitalizedFirst) \(id)"
                        )
                    )
                )
            case .datetime, .date:
                let day = referenceDay - Int64(roll % 365) * 86_400
                pairs.append(
                    (
                        field.name,
                        .string(SimulatorDates.format(field.type == .date ? day : day + Int64(roll % 600) * 60))
                    )
                )
            default:
                continue
            }
        }
        return JSONObject(pairs: pairs)
    }

    /// The reference model whose records an integer field like `ticketId` names
    /// (`TicketReference`), when some list holds them.
    func referenceModel(forIdField name: String) -> String? {
        guard name.count > 2, name.hasSuffix("Id") else { return nil }
        let model = name.prefix(1).uppercased() + name.dropFirst().dropLast(2) + "Reference"
        return catalog.referenceTargets[model] == nil ? nil : model
    }

    /// The fields holding a record's name-like text.
    static let nameLike: Set<String> = [
        "name", "identifier", "description", "summary", "title", "subject", "caption", "label",
    ]

    static let adjectives = [
        "Standard", "Premium", "Remote", "Onsite", "Basic", "Advanced", "Internal", "External", "Primary", "Secondary",
        "Legacy", "Custom",
    ]

    /// The name of generated row `id` of a model (`Premium Work Role`), computable without the row.
    static func name(model: String, id: Int) -> String {
        let adjective = adjectives[(id - 1 + adjectives.count) % adjectives.count]
        let name = "\(adjective) \(SpecNaming.words(model).capitalizedWords)"
        return id > adjectives.count || id < 1 ? "\(name) \(id)" : name
    }

    /// The identifier of generated row `id` of a model (`WORKROLE-2`).
    static func identifier(model: String, id: Int) -> String {
        "\(model.uppercased().prefix(12))-\(id)"
    }

    /// `_info` as ConnectWise writes it.
    static func info(entered: Int64, updated: Int64, by member: String = "seed") -> JSONObject {
        JSONObject(pairs: [
            ("lastUpdated", .string(SimulatorDates.format(updated))), ("updatedBy", .string(member)),
            ("dateEntered", .string(SimulatorDates.format(entered))), ("enteredBy", .string(member)),
        ])
    }

    /// Text that fits a field's name (an e-mail address for `…Email…`), or nil.
    static func plausibleText(_ field: String, number: Int) -> String? {
        let name = field.lowercased()
        if name.contains("email") { return "service\(number)@northwind.example" }
        if name.contains("phone") || name.contains("fax") { return "555-01\(String(format2: number % 100))" }
        if name.contains("website") || name.hasSuffix("url") { return "https://www.northwind.example" }
        if name == "city" { return "Springfield" }
        if name == "state" { return "IL" }
        if name == "zip" { return "62701" }
        if name == "addressline1" { return "\(100 + number) Main Street" }
        return nil
    }

    /// `parentTicketId` and `ticketIds` name other records: no made-up default.
    static func isIdentifier(_ name: String) -> Bool {
        name.hasSuffix("Id") || name.hasSuffix("Ids") || name.hasSuffix("RecId") || name == "id"
    }

    /// FNV-1a over a template, ids and the seed: the same inputs always give the same stream.
    static func hash(_ template: String, _ ids: [Int], _ seed: UInt64) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        for byte in template.utf8 { mix(byte) }
        for id in ids {
            for shift in stride(from: 0, to: 64, by: 8) { mix(UInt8(truncatingIfNeeded: id >> shift)) }
        }
        var generator = SeededGenerator(state: hash)
        return generator.next()
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
    var capitalizedWords: String { split(separator: " ").map { String($0).capitalizedFirst }.joined(separator: " ") }
}
