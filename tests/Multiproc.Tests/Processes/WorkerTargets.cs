namespace Multiproc.Tests.Processes;

/// <summary>Static methods the process tests run in workers.</summary>
public static class WorkerTargets
{
    public static void Empty()
    {
    }

    public static int Answer() => 42;

    public static int Square(int x) => x * x;

    public static string Concat(string a, int b) => a + b;

    public static Point Move(Point p, int dx, int dy) => p with { X = p.X + dx, Y = p.Y + dy };

    public static int SumAll(int[] values, Payload payload, string label, long extra)
        => values.Sum() + payload.Values.Sum() + label.Length + (int)extra;

    public static void ExpectOne(int a)
    {
        Expect(a == 1, $"a={a}");
    }

    public static void ExpectTwo(string a, Point b)
    {
        Expect(a == "two" && b == new Point(1, 2), $"a={a} b={b}");
    }

    public static void ExpectThree(int[] a, Payload b, string? c)
    {
        Expect(a.SequenceEqual([1, 2, 3]) && b.Name == "p" && b.Values.SequenceEqual([4, 5]) && c is null, "three");
    }

    public static void ExpectFour(int a, string b, Point c, int[] d)
    {
        Expect(a == 4 && b == "four" && c == new Point(3, 4) && d.Length == 0, "four");
    }

    public static int Throw(string message) => throw new InvalidOperationException(message);

    public static void ThrowFromAction() => throw new FormatException("bad format in worker");

    public static int ThrowCustom(string message) => throw new WorkerTestException(message);

    public static int ExitWith(int code)
    {
        Environment.Exit(code);
        return -1;
    }

    public static int Chatty(int lines)
    {
        for (int i = 0; i < lines; i++)
        {
            Console.WriteLine($"worker stdout line {i}");
            Console.Error.WriteLine($"worker stderr line {i}");
        }

        return lines;
    }

    public static int ProcessId() => Environment.ProcessId;

    /// <summary>Blocks until the parent closes the worker (or kills it).</summary>
    public static void BlockForever() => Thread.Sleep(Timeout.Infinite);

    public static int NestedSquare(int x)
    {
        using WorkerProcess<int> inner = WorkerProcess.Start(Square, x);
        return inner.Result.WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
    }

    /// <summary>Starts a grandchild that blocks forever, reports its pid over the Unix socket at <paramref name="reportPath"/>, then blocks.</summary>
    public static void StartGrandchildAndBlock(string reportPath)
    {
        WorkerProcess grandchild = WorkerProcess.Start(BlockForever);
        using (var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(reportPath));
            socket.Send(BitConverter.GetBytes(grandchild.Id));
        }

        GC.KeepAlive(grandchild);
        BlockForever();
    }

    public static int ReadStream(Stream stream) => stream.ReadByte();

    public static int InvokeCallback(Action callback, int value)
    {
        callback();
        return value;
    }

    private static void Expect(bool condition, string details)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Unexpected arguments: " + details);
        }
    }
}
