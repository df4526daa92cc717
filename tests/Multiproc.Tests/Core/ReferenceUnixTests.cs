namespace Multiproc.Tests.Core;

public sealed class ReferenceUnixTests : ReferenceTests
{
    protected override string? ListenAddress => null;
}
