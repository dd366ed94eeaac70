import ConnectWiseSpec
import Synchronization

/// Turns the spec's typed fields into the catalog's ``FieldSpec``s: references and embedded
/// models become object shapes (two levels deep), arrays of models `childConditions` arrays,
/// enums strings with their allowed values. Shared by every entity of a catalog, which asks
/// for its fields on first use; each shape is built once.
final class SpecFieldTypes: Sendable {
    let facts: APIFacts
    /// The entity each reference model points at (`BoardReference` → `boards`).
    private let referenceTargets: CatalogTable
    private let shapes = Mutex<[String: ObjectShape]>([:])

    init(facts: APIFacts, referenceTargets: CatalogTable) {
        self.facts = facts
        self.referenceTargets = referenceTargets
    }

    /// The fields of a model, typed for the compiler.
    func fields(ofModel model: String) -> [FieldSpec] {
        (facts.fields(of: model) ?? []).map { fieldSpec($0, depth: 0) }
    }

    private func fieldSpec(_ fact: FieldFact, depth: Int) -> FieldSpec {
        switch fact.type {
        case .string: return FieldSpec(fact.name, .value(.string))
        case .enumeration(let values): return FieldSpec(fact.name, .value(.string), allowedValues: values)
        case .integer: return FieldSpec(fact.name, .value(.integer))
        case .number: return FieldSpec(fact.name, .value(.decimal))
        case .boolean: return FieldSpec(fact.name, .value(.boolean))
        case .scalar: return FieldSpec(fact.name, .value(.unknown))
        case .datetime, .date: return FieldSpec(fact.name, .value(.date))
        case .object, .embedded:
            return fact.name == "_info"
                ? FieldSpec(fact.name, .object(CatalogOverlay.info)) : FieldSpec(fact.name, .value(.unknown))
        case .reference(let model):
            guard depth < 2 else { return FieldSpec(fact.name, .value(.unknown)) }
            return FieldSpec(fact.name, .object(shape(of: model, depth: depth + 1)))
        case .model(let model):
            if model == "CustomFieldValue" { return FieldSpec(fact.name, .customFields) }
            guard depth < 2 else { return FieldSpec(fact.name, .value(.unknown)) }
            return FieldSpec(fact.name, .array(shape(of: model, depth: depth + 1)))
        case .array(let items):
            let type: ValueType
            switch items {
            case .integer: type = .integer
            case .number: type = .decimal
            case .boolean: type = .boolean
            case .datetime, .date: type = .date
            case .string, .enumeration: type = .string
            default: type = .unknown
            }
            return FieldSpec(fact.name, .valueArray(type))
        }
    }

    /// The fields of a referenced or embedded model; a reference compares its identifier, else
    /// its name. Built outside the lock (a shape's fields ask for more shapes); two threads may
    /// build the same shape, and either result is the same.
    private func shape(of model: String, depth: Int) -> ObjectShape {
        let key = "\(model)#\(depth)"
        if let known = shapes.withLock({ $0[key] }) { return known }
        let fields = (facts.fields(of: model) ?? []).map { fieldSpec($0, depth: depth) }
        let names = Set(fields.map(\.name))
        let defaultField = model.hasSuffix("Reference") ? ["identifier", "name"].first(where: names.contains) : nil
        let target = referenceTargets.target(ofReference: model)
        let shape = ObjectShape(
            SpecFieldTypes.describe(model),
            fields: fields,
            defaultField: defaultField,
            target: target
        )
        shapes.withLock { $0[key] = shape }
        return shape
    }

    /// `BoardReference` → "a board reference", `ContactCommunicationItem` → "contact communication items".
    static func describe(_ model: String) -> String {
        let words = SpecNaming.words(model)
        if model.hasSuffix("Reference") { return ("aeiou".contains(words.first ?? "x") ? "an " : "a ") + words }
        return words
    }
}
