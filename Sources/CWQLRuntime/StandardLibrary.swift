/// The standard library: cwql modules shipped inside the binary, so `import "alerts"` works
/// from any folder without the source tree. The texts live in `stdlib/*.cwql`; SwiftPM embeds
/// each file listed in Package.swift (`.embedInCode`), and a test fails when a file of
/// `stdlib/` is not embedded.
public enum StandardLibrary {
    /// Every module's text, by name.
    static let modules: [String: String] = [
        "alerts": PackageResources.alerts_cwql, "configurations": PackageResources.configurations_cwql,
        "prelude": PackageResources.prelude_cwql, "reminders": PackageResources.reminders_cwql,
        "seats": PackageResources.seats_cwql, "tenants": PackageResources.tenants_cwql,
        "time": PackageResources.time_cwql,
    ].mapValues { String(decoding: $0, as: UTF8.self) }

    /// A module's source text by name (`"alerts"`).
    public static func module(named name: String) -> String? {
        modules[name.hasSuffix(".cwql") ? String(name.dropLast(5)) : name]
    }

    /// Every module name, sorted.
    public static var moduleNames: [String] { modules.keys.sorted() }
}
