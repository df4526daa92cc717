
namespace Multiproc.Soak;

/// <summary>The names the driver publishes the shared objects under, and their sizes.</summary>
internal static class ChaosNames
{
    public const string Queue = "chaos-queue";
    public const string List = "chaos-list";
    public const string Dictionary = "chaos-dict";
    public const string Counter = "chaos-counter";
    public const string Lock = "chaos-lock";
    public const string Semaphore = "chaos-semaphore";

    /// <summary>The queue's capacity: small, so puts block and time out too.</summary>
    public const int QueueCapacity = 64;

    /// <summary>The semaphore's permits.</summary>
    public const int Permits = 3;

    /// <summary>Items are numbered per worker incarnation: incarnation × this + sequence, unique across the run.</summary>
    public const long ItemsPerIncarnation = 10_000_000;

    public static IEnumerable<string> All => [Queue, List, Dictionary, Counter, Lock, Semaphore];
}
