using System.Diagnostics.CodeAnalysis;

// The test folders mirror src/ (DESIGN.md §3); "Shared" is a Visual Basic keyword, which
// matters to nobody consuming a test assembly.
[assembly: SuppressMessage(
    "Naming",
    "CA1716:Identifiers should not match keywords",
    Scope = "namespace",
    Target = "~N:Multiproc.Tests.Shared",
    Justification = "Test namespace mirrors the src/Multiproc/Shared folder; never consumed from Visual Basic.")]
