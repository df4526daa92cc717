using MessagePack;
using Multiproc.Server;
using Multiproc.Server.Dispatch;

namespace Multiproc.Orleans.Silo;

/// <summary>Builds an instance of a registered type in a grain: the first public constructor whose parameters the create's arguments decode into.</summary>
/// <remarks>As a manager chooses (<see cref="ServerConstructor"/>), with no shared memory: a cluster serves no shared arrays.</remarks>
internal static class ConstructorChoice
{
    private static readonly SharedMemoryQuota s_noSharedMemory = new(0);

    /// <summary>Constructs <paramref name="binding"/>'s type from the <paramref name="count"/> arguments at <paramref name="reader"/>.</summary>
    /// <exception cref="MissingMethodException">No constructor takes that many arguments.</exception>
    /// <exception cref="ArgumentException">An argument does not fit the constructor that takes that many (the decoder's error).</exception>
    public static object Construct(SharedTypeBinding binding, ref MessagePackReader reader, int count, MessagePackSerializerOptions options)
    {
        Exception? lastError = null;
        foreach (ServerConstructor constructor in binding.Constructors)
        {
            if (constructor.Parameters.Count != count)
            {
                continue;
            }

            MessagePackReader attempt = reader;
            object?[] arguments = new object?[count];
            bool decoded = true;
            for (int i = 0; i < count && decoded; i++)
            {
                decoded = ArgumentDecoder.TryRead(constructor.ArgumentReaders[i], constructor.Parameters[i], i, constructor.Signature, ref attempt, options, out arguments[i], out lastError);
            }

            if (decoded)
            {
                return constructor.Construct(arguments, TimeProvider.System, s_noSharedMemory);
            }
        }

        throw lastError ?? new MissingMethodException(
            $"'{binding.TypeId}' has no public constructor taking {count} argument(s); it has: {string.Join(", ", binding.Constructors.Select(c => c.Signature))}.");
    }
}
