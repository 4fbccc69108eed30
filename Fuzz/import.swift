// libFuzzer entry point of the `import` target; the harness is FuzzHarness.importing in
// Tests/SurveyEngineTests/FuzzRegressionTests.swift, shared with the regression tests. Build: Fuzz/build.sh import
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.importing(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// Loads the shipped questionnaires before the first input, so that loading is not timed as part of it.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    _ = FuzzHarness.matcherContext
    return 0
}
