namespace Multiproc.Tests.Processes;

public sealed class Payload
{
    public string Name { get; set; } = string.Empty;

    public int[] Values { get; set; } = [];
}
