using Multiproc.Server.Dispatch;

namespace Multiproc.Server;

/// <summary>One live shared object in the manager's table.</summary>
/// <remarks>
/// <see cref="ReferenceCount"/> counts references held by connections, names and handovers;
/// it is changed only under the table's lock. At zero the entry leaves the table.
/// </remarks>
internal sealed class ObjectEntry
{
    private long _calls;

    public ObjectEntry(ObjectTable table, long id, object instance, SharedTypeBinding binding, bool disposeWhenReleased)
    {
        Table = table;
        Id = id;
        Instance = instance;
        Binding = binding;
        DisposeWhenReleased = disposeWhenReleased;
        Gate = binding.AllowsConcurrentCalls ? null : new ObjectGate();
    }

    public ObjectTable Table { get; }

    public long Id { get; }

    public object Instance { get; }

    public SharedTypeBinding Binding { get; }

    /// <summary>Gets whether the manager created the instance and so disposes it (factory results belong to the factory).</summary>
    public bool DisposeWhenReleased { get; }

    /// <summary>Gets the gate that runs calls one at a time, or null when the type allows concurrent calls.</summary>
    public ObjectGate? Gate { get; }

    /// <summary>Gets the calls admitted on this object (inspection: the busiest objects).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    public void CountCall() => Interlocked.Increment(ref _calls);

    public int ReferenceCount { get; set; }
}
