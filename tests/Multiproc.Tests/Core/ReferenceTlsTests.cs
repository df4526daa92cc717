namespace Multiproc.Tests.Core;

public sealed class ReferenceTlsTests : ReferenceTests
{
    protected override string? ListenAddress => Tls;
}
