using System.Buffers.Binary;
using System.Net.Sockets;

namespace Multiproc.Bench;

/// <summary>The raw floor: a length-prefixed echo over a Unix socket, blocking I/O, one thread.</summary>
internal static class EchoServer
{
    public static void Serve(string path)
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        Console.WriteLine("ready");
        using Socket socket = listener.Accept();
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                ReadExactly(socket, buffer.AsSpan(0, 4));
                int length = BinaryPrimitives.ReadInt32LittleEndian(buffer);
                ReadExactly(socket, buffer.AsSpan(4, length));
                socket.Send(buffer.AsSpan(0, 4 + length));
            }
        }
        catch (EndOfStreamException)
        {
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static Socket Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    private static readonly byte[] s_frame = CreateFrame();
    private static readonly byte[] s_reply = new byte[s_frame.Length];

    /// <summary>One 24-byte request and its echo: about the size of a small proxied call.</summary>
    public static void RoundTrip(Socket socket)
    {
        socket.Send(s_frame);
        ReadExactly(socket, s_reply);
    }

    private static byte[] CreateFrame()
    {
        byte[] frame = new byte[4 + 24];
        BinaryPrimitives.WriteInt32LittleEndian(frame, 24);
        return frame;
    }

    private static void ReadExactly(Socket socket, Span<byte> target)
    {
        while (!target.IsEmpty)
        {
            int n = socket.Receive(target);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            target = target[n..];
        }
    }
}
