/// The version of ledger, in one place: `ledger --version` and `ledgerd --version` print it,
/// `deploy/package.sh` reads it from this file for the Debian package, and `CHANGELOG.md` has a
/// section of the same name (`VersionTests` checks that all of them agree).
public enum LedgerVersion {
    /// The released version, `MAJOR.MINOR.PATCH`.
    public static let current = "0.1.0"
}
