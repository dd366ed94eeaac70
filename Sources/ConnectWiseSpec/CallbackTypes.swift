/// ConnectWise callbacks (`/system/callbacks`): which collections report their changes, and
/// by which `type` a callback entry and its payload name them. The language checks
/// `on ENTITY changed` against this table, `cwql listen` registers with it, and the simulator
/// sends callbacks for the collections it names: one table, for all three.
public enum CallbackTypes {
    /// The callback `type` of the records under each collection path.
    public static let byPath: [String: String] = [
        "/service/tickets": "ticket",
        "/company/companies": "company",
        "/company/contacts": "contact",
        "/company/configurations": "configuration",
        "/finance/agreements": "agreement",
        "/sales/opportunities": "opportunity",
        "/sales/activities": "activity",
        "/project/projects": "project",
        "/system/members": "member",
        "/time/entries": "time",
        "/schedule/entries": "schedule",
        "/procurement/purchaseorders": "purchaseorder",
        "/finance/invoices": "invoice",
    ]

    /// The collection path of a callback `type` (any case), if ConnectWise sends it.
    public static func path(ofType type: String) -> String? {
        let folded = type.lowercased()
        return byPath.first { $0.value == folded }?.key
    }

    /// The level that reports every record of a type (`objectId` is then ignored).
    public static let everyRecordLevel = "owner"

    /// What a callback's `Action` says happened to the record.
    public static let actions = ["added", "updated", "deleted"]
}
