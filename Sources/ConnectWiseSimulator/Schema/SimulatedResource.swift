import ConnectWiseSpec

/// One list endpoint of ConnectWise's spec as the simulator serves it: its path template, the
/// model of its records, the methods its collection and its records allow, and where its
/// records come from.
struct SimulatedResource: Sendable {
    /// The path under the API root with `{id}` for each parent id (`/service/tickets/{id}/notes`).
    let template: String
    /// The model its records follow (`ServiceNote`).
    let model: String
    /// The model's fields, in ConnectWise's order of mention (name order, `id` first).
    let fields: [FieldFact]
    /// The model's fields by lower-cased name (ConnectWise's names are case-insensitive).
    let fieldsByName: [String: FieldFact]
    /// Methods on the collection (`GET`, `POST`).
    let collectionMethods: EndpointMethods
    /// Methods on one record (`template/{id}`); empty when the spec has no record endpoint.
    let recordMethods: EndpointMethods
    /// The security-role module that guards it.
    /// The security-role module that guards it (``SecurityModules``).
    let module: String
    /// How many parent ids its path binds (`/company/companies/{id}/sites` binds one).
    let parentCount: Int
    /// The resource holding the parent record, when its path is a list endpoint too.
    let parentTemplate: String?
    /// The field of a nested record that names its parent: an id (`ticketId` under
    /// `/service/tickets/{id}/notes`) or a reference (`board` under `/service/boards/{id}/statuses`).
    let parentField: FieldFact?
    /// The resource whose records this one shows in another model (`…/info`, `allNotes`), if any.
    let viewOf: String?
    /// The short name tests and tools use for a resource seeded by hand (`tickets`).
    let coreName: String?

    /// The field named so, ignoring case.
    func field(_ name: some StringProtocol) -> FieldFact? { fieldsByName[name.lowercased()] }

    /// True when its rows are written by the seeder rather than generated from the model.
    var isCore: Bool { coreName != nil }
}
