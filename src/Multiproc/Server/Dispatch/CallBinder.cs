using MessagePack;

namespace Multiproc.Server.Dispatch;

/// <summary>
/// Turns a Call message into a <see cref="MethodCall"/>: finds the object and the member, and
/// decodes the arguments as the member's declared parameter types.
/// </summary>
internal static class CallBinder
{
    /// <exception cref="KeyNotFoundException">No object has the id.</exception>
    /// <exception cref="MissingMethodException">The object has no such member taking that many arguments.</exception>
    /// <exception cref="ArgumentException">An argument does not decode as the parameter's type.</exception>
    public static MethodCall Bind(ServerSession session, uint callId, long objectId, string member, ref MessagePackReader reader, int argumentCount)
    {
        if (!session.Host.Table.TryGet(objectId, out ObjectEntry entry))
        {
            throw new KeyNotFoundException($"No shared object with id {objectId}: it was released or never existed.");
        }

        ReadOnlySpan<ServerMethod> candidates = entry.Binding.Find(member);
        Exception? lastError = null;
        foreach (ServerMethod method in candidates)
        {
            if (method.WireParameters.Count != argumentCount)
            {
                continue;
            }

            MessagePackReader attempt = reader;
            object?[] arguments = new object?[method.ParameterCount];
            if (TryDecode(method, ref attempt, arguments, session.SerializerOptions, out lastError))
            {
                return new MethodCall(session, callId, entry, method, arguments);
            }
        }

        if (lastError is not null)
        {
            throw lastError;
        }

        string counts = candidates.Length == 0
            ? "no such member"
            : $"overloads take {string.Join(" or ", candidates.ToArray().Select(c => c.WireParameters.Count).Distinct())} argument(s), not {argumentCount}";
        throw new MissingMethodException($"{entry.Binding.TypeId} has no member '{member}' callable with {argumentCount} argument(s) ({counts}).");
    }

    /// <summary>Decodes wire arguments into the full parameter array (leaving the CancellationToken slot).</summary>
    internal static bool TryDecode(ServerMethod method, ref MessagePackReader reader, object?[] arguments, MessagePackSerializerOptions options, out Exception? error)
    {
        int wireIndex = 0;
        for (int i = 0; i < arguments.Length; i++)
        {
            if (i == method.CancellationTokenIndex || i == method.CallerIndex)
            {
                continue;
            }

            if (!ArgumentDecoder.TryRead(method.ArgumentReaders[wireIndex], method.WireParameters[wireIndex], wireIndex, method.Signature, ref reader, options, out arguments[i], out error))
            {
                return false;
            }

            wireIndex++;
        }

        error = null;
        return true;
    }
}
