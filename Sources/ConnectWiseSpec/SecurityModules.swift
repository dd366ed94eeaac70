/// ConnectWise's security-role modules, and which guards each path. The published spec does
/// not say (the facts' README lists it among what the spec lacks); this is the one table the
/// language (`cwql schema`, `cwql doctor`) and the simulator (its 403s) read.
public enum SecurityModules {
    /// Paths with a module of their own, by prefix; the longest matching prefix wins.
    static let byPathPrefix: [String: String] = [
        "/service/tickets": serviceTickets, "/service/boards": serviceTickets, "/service/priorities": serviceTickets,
        "/project/tickets": "Project > Project Tickets", "/project/projects": "Project > Project Headers",
        "/sales/opportunities": "Sales > Opportunity", "/company/companies": "Companies > Company Maintenance",
        "/company/contacts": "Companies > Contacts", "/company/configurations": "Companies > Configurations",
        "/finance/agreements": "Finance > Agreements", "/time/entries": "Time > Time Entry",
        "/system/members": "System > Members",
    ]

    /// The module of the rest of an area of the API (the path's first segment).
    static let byArea: [String: String] = [
        "service": serviceTickets, "company": "Companies > Company Maintenance",
        "configurations": "Companies > Configurations",
        "finance": "Finance > Agreements", "project": "Project > Project Headers", "sales": "Sales > Opportunity",
        "time": "Time > Time Entry", "system": setupTables, "procurement": "Procurement > Product Catalog",
        "schedule": "Schedule > Schedule Entries", "marketing": "Marketing > Campaigns",
        "expense": "Expense > Expense Entries",
    ]

    /// The module of service tickets, which most API members are given.
    public static let serviceTickets = "Service Desk > Service Tickets"
    static let setupTables = "System > Setup Tables"

    /// Every module, in the order `cwql doctor` reports them.
    public static let all: [String] = {
        var names: [String] = []
        for name in [serviceTickets] + byPathPrefix.keys.sorted().compactMap({ byPathPrefix[$0] })
            + byArea.keys.sorted().compactMap({ byArea[$0] })
        where !names.contains(name) {
            names.append(name)
        }
        return names
    }()

    /// The module that guards a path (`/service/boards/{id}/statuses` → Service Desk > Service Tickets).
    public static func module(ofPath path: String) -> String {
        let bytes = path.utf8
        var best: (length: Int, module: String)?
        for (prefix, module) in byPathPrefix {
            let length = prefix.utf8.count
            guard length > best?.length ?? 0, bytes.starts(with: prefix.utf8) else { continue }
            let end = bytes.index(bytes.startIndex, offsetBy: length)
            guard end == bytes.endIndex || bytes[end] == UInt8(ascii: "/") else { continue }
            best = (length, module)
        }
        if let best { return best.module }
        let segment = bytes.drop { $0 == UInt8(ascii: "/") }
        let area = String(path[segment.startIndex..<(segment.firstIndex(of: UInt8(ascii: "/")) ?? segment.endIndex)])
        return byArea[area] ?? setupTables
    }
}
