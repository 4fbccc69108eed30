// libFuzzer entry point of the `csv` target; the harness is FuzzHarness.csv in
// Tests/SurveyEngineTests/FuzzRegressionTests.swift, shared with the regression tests. Build: Fuzz/build.sh csv
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.csv(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
