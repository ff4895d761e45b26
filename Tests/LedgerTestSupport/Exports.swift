// The launcher of ledgerd and of other programs lives in LedgerHarness, which `ledger-bench` and
// `ledger-stress` use too; the tests see it through this library.
@_exported import LedgerHarness
