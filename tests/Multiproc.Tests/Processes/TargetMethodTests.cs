using System.Reflection;
using Multiproc.Processes.Channel;

namespace Multiproc.Tests.Processes;

/// <summary>Unit tests (in-process) for target validation and the identity a worker resolves.</summary>
public sealed class TargetMethodTests
{
    private delegate void ByRefAction(ref int value);

    [Fact]
    public void FromDelegate_StaticMethod_DescribedByTypeAndName()
    {
        TargetMethod target = TargetMethod.FromDelegate((Func<int, int>)WorkerTargets.Square, "target");

        Assert.Equal("WorkerTargets.Square", target.DisplayName);
        Assert.Single(target.Parameters);
    }

    [Fact]
    public void FromDelegate_NonCapturingLambda_DescribedAsLambdaInItsMethod()
    {
        TargetMethod target = TargetMethod.FromDelegate((Func<int, int>)(x => x + 1), "target");

        Assert.Equal($"a lambda in {nameof(TargetMethodTests)}.{nameof(FromDelegate_NonCapturingLambda_DescribedAsLambdaInItsMethod)}", target.DisplayName);
    }

    [Fact]
    public void FromDelegate_LambdaCapturingOuterScopes_NamesEveryVariable()
    {
        int outer = 1;
        Func<int> build()
        {
            int inner = 2;
            return () => outer + inner;
        }

        ArgumentException error = Assert.Throws<ArgumentException>(() => TargetMethod.FromDelegate(build(), "target"));

        Assert.Contains("'outer'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'inner'", error.Message, StringComparison.Ordinal);
        Assert.Equal("target", error.ParamName);
    }

    [Fact]
    public void FromDelegate_MulticastDelegate_Throws()
    {
        Action multicast = WorkerTargets.Empty;
        multicast += WorkerTargets.Empty;

        Assert.Throws<ArgumentException>(() => TargetMethod.FromDelegate(multicast, "target"));
    }

    [Fact]
    public void FromDelegate_ByRefParameter_Throws()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => TargetMethod.FromDelegate((ByRefAction)Increment, "target"));

        Assert.Contains("'value'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDelegate_DynamicMethod_Throws()
    {
        Func<int> compiled = System.Linq.Expressions.Expression.Lambda<Func<int>>(System.Linq.Expressions.Expression.Constant(1)).Compile();

        Assert.Throws<ArgumentException>(() => TargetMethod.FromDelegate(compiled, "target"));
    }

    [Fact]
    public void DecodeIdentity_StaticMethod_ResolvesTheSameMethod()
    {
        MethodInfo resolved = RoundTrip((Func<string, int, string>)WorkerTargets.Concat);

        Assert.Equal(typeof(WorkerTargets).GetMethod(nameof(WorkerTargets.Concat)), resolved);
    }

    [Fact]
    public void DecodeIdentity_Lambda_ResolvesItAndItsCachedInstance()
    {
        Func<int, int> lambda = x => x * 3;

        MethodInfo resolved = RoundTrip(lambda);
        object? instance = TargetMethod.CreateInstance(resolved);

        Assert.Equal(lambda.Method, resolved);
        Assert.Same(lambda.Target, instance);
        Assert.Equal(12, resolved.Invoke(instance, [4]));
    }

    [Fact]
    public void DecodeIdentity_GenericMethodAndGenericType_ResolvesTheClosedMethods()
    {
        Func<int, int[]> generic = Repeat<int>;
        Func<string, int> inGenericType = Holder<string>.Length();

        Assert.Equal(generic.Method, RoundTrip(generic));
        Assert.Equal(inGenericType.Method, RoundTrip(inGenericType));
    }

    private static MethodInfo RoundTrip(Delegate target)
        => TargetMethod.DecodeIdentity(TargetMethod.FromDelegate(target, "target").EncodeIdentity());

    private static void Increment(ref int value) => value++;

    private static T[] Repeat<T>(T value) => [value, value];

    private static class Holder<T>
    {
        public static Func<T, int> Length() => value => value?.ToString()?.Length ?? 0;
    }
}
