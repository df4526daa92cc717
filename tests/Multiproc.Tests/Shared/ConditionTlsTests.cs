namespace Multiproc.Tests.Shared;

public sealed class ConditionTlsTests : ConditionTests
{
    protected override string? ListenAddress => Tls;
}
