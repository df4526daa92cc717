namespace Multiproc.Soak;

/// <summary>One run of one worker process, from launch to exit, as its record tells it.</summary>
internal sealed class ChaosIncarnation(long id)
{
    public long Id { get; } = id;

    /// <summary>Gets or sets whether it is connected and has looked the objects up (a spare waits for "go" then).</summary>
    public bool Ready { get; set; }

    /// <summary>Gets or sets when it started working, on the driver's clock.</summary>
    public DateTime? WorkingSince { get; set; }

    public bool SaidBye { get; set; }

    /// <summary>Gets or sets whether the driver SIGKILLed it (at <see cref="KillTimestamp"/>).</summary>
    public bool Killed { get; set; }

    public long KillTimestamp { get; set; }

    public int? ExitCode { get; set; }

    /// <summary>Gets or sets the most items the take in progress could receive (0: none in progress).</summary>
    public int OpenTake { get; set; }

    /// <summary>Gets or sets when the take in progress began.</summary>
    public long OpenTakeSince { get; set; }

    /// <summary>Gets or sets the most items the list pop in progress could receive.</summary>
    public int OpenPop { get; set; }

    public long OpenPopSince { get; set; }

    /// <summary>Gets or sets the items of its latest take: the ones it may have held unacknowledged when it died.</summary>
    public HashSet<long> LastTake { get; set; } = [];

    public HashSet<long> LastPop { get; set; } = [];

    /// <summary>Gets or sets when it got the lock it holds (null: none).</summary>
    public long? LockSince { get; set; }

    public long? PermitSince { get; set; }

    /// <summary>Gets the receipt window of a take in progress when it was killed (null: none).</summary>
    public ChaosWindow? TakeWindow => Killed && OpenTake > 0 ? new ChaosWindow(Id, OpenTakeSince, KillTimestamp, OpenTake) : null;

    public ChaosWindow? PopWindow => Killed && OpenPop > 0 ? new ChaosWindow(Id, OpenPopSince, KillTimestamp, OpenPop) : null;
}
