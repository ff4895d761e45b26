import LedgerFuzzing

/// libFuzzer's entry point: each input is one request line as the daemon reads it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        _ = try RequestLineCheck.check(Array(UnsafeBufferPointer(start: data, count: size)))
    } catch {
        // Stopping the process is how a fuzz target reports a finding: libFuzzer saves the input.
        fatalError("request line: \(error)")
    }
    return 0
}
