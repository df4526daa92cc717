using Multiproc.Python;

namespace Multiproc.Tests.Python;

/// <summary>The names C# members get for Python clients (docs/python.md, "Names"; the protocol notes §6.1).</summary>
public sealed class PythonNamesTests
{
    [Theory]
    [InlineData("GetName", "get_name")]
    [InlineData("GetHTTPStatus", "get_http_status")]
    [InlineData("HTTPServer", "http_server")]
    [InlineData("Utf8Length", "utf8_length")]
    [InlineData("ToArray", "to_array")]
    [InlineData("newSalary", "new_salary")]
    [InlineData("IO", "io")]
    [InlineData("X", "x")]
    [InlineData("Already_Snake", "already_snake")]
    public void SnakeCase_FollowsTheConvention(string csharp, string python)
        => Assert.Equal(python, PythonNames.ToSnakeCase(csharp));

    [Theory]
    [InlineData("Raise", "raise_")]
    [InlineData("Import", "import_")]
    [InlineData("Pass", "pass_")]
    [InlineData("Match", "match")] // a soft keyword is a valid method name
    [InlineData("Type", "type")]
    [InlineData("Get", "get")]
    public void Keywords_GetATrailingUnderscore_SoftKeywordsDoNot(string csharp, string python)
        => Assert.Equal(python, PythonNames.Of(csharp));

    [Fact]
    public void Exposure_MethodsAndPropertyAccessors_UnderPythonNames_WithoutObjectMembers()
    {
        PythonExposure exposure = PythonExposure.Of(new ManagerOptions().Register<IPayroll>(() => null!).Registrations.Single());

        Assert.Equal(["get_name", "get_salary", "give_raise", "raise_", "set_salary"], exposure.Names);
        Assert.True(exposure.TryFind("raise_", 1, out System.Reflection.MethodInfo? raise));
        Assert.Equal(nameof(IPayroll.Raise), raise.Name);
        Assert.True(exposure.TryFind("give_raise", 1, out _));
        Assert.True(exposure.TryFind("give_raise", 2, out System.Reflection.MethodInfo? twoArguments));
        Assert.Equal(2, twoArguments.GetParameters().Length);
        Assert.False(exposure.TryFind("give_raise", 3, out _));
        Assert.False(exposure.TryFind("to_string", 0, out _));
    }

    [Fact]
    public void Exposure_TwoMembersOnOneNameAndCount_AreRefusedNamingBoth()
    {
        ArgumentException clash = Assert.Throws<ArgumentException>(() => PythonExposure.Of(typeof(IClashing)));

        Assert.Contains("GetSalary", clash.Message, StringComparison.Ordinal);
        Assert.Contains("get_Salary", clash.Message, StringComparison.Ordinal);
        Assert.Contains("'get_salary'", clash.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PythonExposure.Of(typeof(ISameCountOverloads)));
    }

    [Fact]
    public void Exposure_ACancellationToken_IsNotAnArgumentPythonSends()
    {
        PythonExposure exposure = PythonExposure.Of(typeof(ICancellable));

        Assert.True(exposure.TryFind("work_async", 1, out System.Reflection.MethodInfo? work));
        Assert.Equal(2, work.GetParameters().Length);
        Assert.False(exposure.TryFind("work_async", 2, out _));
        Assert.True(exposure.IsSupplied(typeof(CancellationToken)));
        Assert.False(exposure.IsSupplied(typeof(int)));
    }

    [Fact]
    public void Exposure_OverloadsThatDifferOnlyByAToken_Clash()
        => Assert.Throws<ArgumentException>(() => PythonExposure.Of(typeof(ITokenOverloads)));

    public interface ICancellable
    {
        Task<int> WorkAsync(int amount, CancellationToken cancellationToken);
    }

    public interface ITokenOverloads
    {
        int Work(int amount);

        int Work(int amount, CancellationToken cancellationToken);
    }

    public interface IPayroll
    {
        string Name { get; }

        decimal Salary { get; set; }

        decimal Raise(decimal amount);

        decimal GiveRaise(decimal amount);

        decimal GiveRaise(decimal amount, string reason);
    }

    public interface IClashing
    {
        decimal Salary { get; }

        decimal GetSalary();
    }

    public interface ISameCountOverloads
    {
        void Add(int value);

        void Add(string value);
    }
}
