using System.Runtime.CompilerServices;

namespace Multiproc.Serialization;

/// <summary>
/// Counts how deep the current thread is inside nested formatters while writing, so a cyclic or
/// absurdly deep object graph fails with an exception instead of overflowing the stack.
/// </summary>
/// <remarks>
/// MessagePack limits depth only when reading. Writing is synchronous on one thread, so a
/// thread-static counter is exact; a nested serialization on the same thread (a handover while
/// writing a worker argument) adds to it, which only makes the check stricter.
/// </remarks>
internal static class WriteDepth
{
    // The stack check costs about as much as the rest of a level; every 32 levels is enough, since
    // it guarantees far more headroom (64-128 KB) than 32 levels of formatter frames take.
    private const int StackCheckInterval = 32;

    [ThreadStatic]
    private static int s_depth;

    /// <summary>Enters one level of nesting for a value of <paramref name="type"/>.</summary>
    /// <exception cref="InvalidOperationException">The value nests deeper than <see cref="SerializationLimits.MaxDepth"/>
    /// (a cycle, or just too deep), or the thread is about to run out of stack.</exception>
    public static void Enter(Type type)
    {
        int depth = ++s_depth;
        if (depth > SerializationLimits.MaxDepth || (depth % StackCheckInterval == 0 && !RuntimeHelpers.TryEnsureSufficientExecutionStack()))
        {
            s_depth--;
            throw TooDeep(type);
        }
    }

    /// <summary>Leaves the level <see cref="Enter"/> entered.</summary>
    public static void Exit() => s_depth--;

    /// <summary>The error a caller sees for a value that nests too deeply.</summary>
    public static InvalidOperationException TooDeep(Type type)
        => new($"Cannot serialize {type.Name}: the object graph has a cycle or nesting deeper than {SerializationLimits.MaxDepth} levels.");
}
