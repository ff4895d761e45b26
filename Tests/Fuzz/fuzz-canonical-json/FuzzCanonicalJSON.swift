import LedgerFuzzing

/// libFuzzer's entry point: each input is a JSON document to parse, encode canonically and parse again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCanonicalJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        _ = try CanonicalRoundTrip.check(Array(UnsafeBufferPointer(start: data, count: size)))
    } catch {
        // Stopping the process is how a fuzz target reports a finding: libFuzzer saves the input.
        fatalError("canonical JSON: \(error)")
    }
    return 0
}
