import Foundation
#if canImport(Glibc)
import Glibc
#endif

// A closed pipe must end the program quietly, not kill it with SIGPIPE mid-report.
signal(SIGPIPE, SIG_IGN)
let environment = ProcessInfo.processInfo.environment
let status = SurveyCLI.run(Array(CommandLine.arguments.dropFirst()), environment: environment)
if let path = environment[ChildRun.peakFileVariable] { ChildRun.writePeak(to: path) }
exit(status)
