import LedgerProtocol
import LedgerStore

extension ProtocolError {
    /// A failure of the store, answered with the store's own code (`storage_full`, `corrupted`, …).
    init(_ error: StoreError) {
        self.init(code: error.code.rawValue, message: error.message)
    }
}
