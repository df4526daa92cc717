using Multiproc.Server;
using Multiproc.Server.Dispatch;

namespace Multiproc.Tests.Seams;

/// <summary>Keyword-argument binding by parameter name, as a Python front end needs it.</summary>
public sealed class KeywordBindingTests
{
    private static readonly ServerMethod s_put = ServerMethod.Create(typeof(IBinder).GetMethod(nameof(IBinder.Put))!, typeof(IBinder));

    internal interface IBinder
    {
        Task<bool> Put(string item, Caller caller, int priority = 5, TimeSpan? timeout = null, CancellationToken cancellationToken = default);
    }

    [Fact]
    public void PositionalAndNamed_FillTheirSlots_DefaultsTheRest_ServerSlotsLeftEmpty()
    {
        object?[] arguments = KeywordBinding.Bind(s_put, ["job"], new Dictionary<string, object?> { ["timeout"] = TimeSpan.FromSeconds(1) });

        Assert.Equal(["job", null, 5, TimeSpan.FromSeconds(1), null], arguments);
    }

    [Theory]
    [InlineData("nope", "has no parameter 'nope'")]
    [InlineData("item", "got parameter 'item' twice")]
    public void BadName_IsRefusedWithArgumentException(string name, string message)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => KeywordBinding.Bind(s_put, ["job"], new Dictionary<string, object?> { [name] = 1 }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequiredParameterMissing_IsRefusedByName()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => KeywordBinding.Bind(s_put, [], new Dictionary<string, object?> { ["priority"] = 1 }));

        Assert.Contains("missing the required parameter 'item'", error.Message, StringComparison.Ordinal);
    }
}
