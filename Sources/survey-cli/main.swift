import Foundation
#if canImport(Glibc)
import Glibc
#endif

// A closed pipe must end the program quietly, not kill it with SIGPIPE mid-report.
signal(SIGPIPE, SIG_IGN)
exit(SurveyCLI.run(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment))
