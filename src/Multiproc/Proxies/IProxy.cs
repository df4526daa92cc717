namespace Multiproc.Proxies;

/// <summary>Implemented by every generated interface proxy; gives access to the untyped handle.</summary>
internal interface IProxy
{
    SharedObject Handle { get; }
}
