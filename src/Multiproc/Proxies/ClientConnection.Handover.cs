namespace Multiproc.Proxies;

/// <summary>References in transit: a manager turns a reference into a token (a <c>handover</c> control call) and another process adopts it.</summary>
internal sealed partial class ClientConnection
{
    /// <inheritdoc/>
    public async Task<HandoverDescriptor> HandOverAsync(SharedObject handle, CancellationToken cancellationToken)
    {
        string token = await new ControlChannel(this).HandOverAsync(handle.ObjectId, cancellationToken).ConfigureAwait(false);
        return new HandoverDescriptor(Address.Text, AuthKey.ToArray(), token, handle.TypeId);
    }

    /// <inheritdoc/>
    public Task<SharedObject> AdoptAsync(HandoverDescriptor descriptor, CancellationToken cancellationToken)
        => new ControlChannel(this).AdoptAsync(descriptor.Token, cancellationToken);

    /// <inheritdoc/>
    public SharedObject Adopt(HandoverDescriptor descriptor) => new ControlChannel(this).Adopt(descriptor.Token);
}
