namespace Multiproc.Tests.Shared;

public sealed class ConditionUnixTests : ConditionTests
{
    protected override string? ListenAddress => null;
}
