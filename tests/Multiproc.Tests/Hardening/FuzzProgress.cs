namespace Multiproc.Tests.Hardening;

/// <summary>Which case a fuzz run is on, for the report when it hangs.</summary>
internal sealed class FuzzProgress
{
    public int Index { get; set; }

    public string CaseSeed { get; set; } = "";
}
