// libFuzzer entry point of the `definition` target; the harness is FuzzHarness.definition in
// Tests/SurveyEngineTests/FuzzRegressionTests.swift, shared with the regression tests. Build: Fuzz/build.sh definition
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.definition(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
