namespace Multiproc.Protocol;

/// <summary>The peer does not take what is sent to it: its backlog passed the limit, or it took nothing for the stall limit.</summary>
/// <remarks>The connection is dropped; the message says why, for the log.</remarks>
internal sealed class PeerNotReadingException : IOException
{
    public PeerNotReadingException()
    {
    }

    public PeerNotReadingException(string message)
        : base(message)
    {
    }

    public PeerNotReadingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
