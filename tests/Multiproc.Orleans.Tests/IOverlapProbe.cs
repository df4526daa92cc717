namespace Multiproc.Orleans.Tests;

/// <summary>An object that sees whether two calls ever run inside it at once, and objects that call back into it.</summary>
public interface IOverlapProbe
{
    /// <summary>Gets or sets the object <see cref="CallBackAsync"/> and <see cref="CallBackWhenReleasedAsync"/> call back.</summary>
    IOverlapProbe? Partner { get; set; }

    /// <summary>Calls <paramref name="first"/>'s and <paramref name="second"/>'s <see cref="CallBackAsync"/> in parallel and awaits both.</summary>
    Task FanOutAsync(IOverlapProbe first, IOverlapProbe second, int holdMilliseconds);

    /// <summary>Calls the partner's <see cref="HoldAsync"/>.</summary>
    Task CallBackAsync(int holdMilliseconds);

    /// <summary>Starts the partner's <see cref="CallBackWhenReleasedAsync"/> without awaiting it, and returns.</summary>
    void StartCallBack(int holdMilliseconds);

    /// <summary>Waits until the test releases this object's tag (<see cref="OverlapProbe.Release"/>), then calls the partner's <see cref="HoldAsync"/>.</summary>
    Task CallBackWhenReleasedAsync(int holdMilliseconds);

    /// <summary>Stays inside until another call comes in too or the time is up; counts the calls inside at once.</summary>
    Task HoldAsync(int milliseconds);
}
