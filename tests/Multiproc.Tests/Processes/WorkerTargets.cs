using System.Diagnostics;

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

    /// <summary>Starts a grandchild that blocks forever and returns its pid without waiting for it.</summary>
    public static int StartBlockingGrandchild()
    {
        WorkerProcess grandchild = WorkerProcess.Start(BlockForever);
        s_keep = grandchild;
        return grandchild.Id;
    }

    private static WorkerProcess? s_keep;

    private static void Expect(bool condition, string details)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Unexpected arguments: " + details);
        }
    }
}
