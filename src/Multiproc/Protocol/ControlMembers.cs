namespace Multiproc.Protocol;

/// <summary>The member names of the control object (id 0), which both sides must agree on; see docs/protocol.md §5.</summary>
internal static class ControlMembers
{
    public const string Create = "create";
    public const string Publish = "publish";
    public const string Lookup = "lookup";
    public const string Unpublish = "unpublish";
    public const string Stats = "stats";
    public const string Inspect = "inspect";
    public const string Handover = "handover";
    public const string Adopt = "adopt";
    public const string Shutdown = "shutdown";
}
