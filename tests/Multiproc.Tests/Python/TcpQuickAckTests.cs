using System.Net.Sockets;
using Multiproc.Python.Wire;

namespace Multiproc.Tests.Python;

public sealed class TcpQuickAckTests
{
    [Fact]
    public void Arm_TcpSocketOnLinux_ReadsBackAsArmed()
    {
        Assert.True(TcpQuickAck.IsSupported, "Multiproc runs on Linux only.");
        using LoopbackPair pair = LoopbackPair.Create();

        TcpQuickAck.Arm(pair.Local);

        Assert.True(TcpQuickAck.IsArmed(pair.Local));
    }

    [Fact]
    public void Arm_UnixSocket_DoesNothing()
    {
        string path = Path.Combine(Path.GetTempPath(), $"qa-{Guid.NewGuid():N}"[..12]);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            TcpQuickAck.Arm(listener);
            Assert.False(TcpQuickAck.IsArmed(listener));
        }
        finally
        {
            listener.Dispose();
            File.Delete(path);
        }

        Assert.False(File.Exists(path));
    }
}
