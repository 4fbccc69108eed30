// swift-tools-version:6.0
// The survey and diagnostic engine. Foundation only: no package dependencies, by the project's rule.
import PackageDescription

let package = Package(
    name: "SurveyEngine",
    products: [
        .executable(name: "survey", targets: ["survey-cli"]),
        .library(name: "SurveyEngine", targets: ["SurveyEngine"]),
        .library(name: "SurveyFormats", targets: ["SurveyFormats"]),
    ],
    targets: [
        // Pure domain: value types and computations, no files, no terminal, no clock.
        .target(name: "SurveyEngine"),
        // Every edge that touches bytes: definitions, CSV, encodings, the store, renderers.
        .target(name: "SurveyFormats", dependencies: ["SurveyEngine"]),
        // The `survey` command: wires commands to the two libraries and owns the terminal.
        .executableTarget(name: "survey-cli", dependencies: ["SurveyEngine", "SurveyFormats"]),
        .testTarget(
            name: "SurveyEngineTests",
            dependencies: ["SurveyEngine", "SurveyFormats", "survey-cli"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
