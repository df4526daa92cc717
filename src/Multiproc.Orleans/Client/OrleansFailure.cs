namespace Multiproc.Orleans.Client;

/// <summary>How a failed grain call reaches the caller: as a manager that cannot be reached, with Orleans' exception inside.</summary>
/// <remarks>
/// User code's exceptions travel inside the reply bytes, so whatever a grain call itself throws is the
/// cluster's (a silo gone, a timeout, a rejected message): the proxy API's
/// <see cref="ManagerUnavailableException"/>. The caller's own cancellation stays an <see cref="OperationCanceledException"/>.
/// </remarks>
internal static class OrleansFailure
{
    public static bool IsUnavailable(Exception exception, CancellationToken cancellationToken)
        => !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested) && exception is not ObjectDisposedException;

    public static ManagerUnavailableException Unavailable(long objectId, Exception cause)
        => new($"The Orleans cluster did not answer the call on object {objectId}: {cause.Message}", cause);
}
