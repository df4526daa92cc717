namespace Multiproc.Protocol.BuiltIns;

/// <summary>The member names the queue proxy calls on the manager's <c>SharedQueueServer</c>; a test checks each against that type.</summary>
internal static class QueueMembers
{
    public const string Capacity = "Capacity";
    public const string CompleteAdding = "CompleteAdding";
    public const string Count = "Count";
    public const string IsAddingCompleted = "IsAddingCompleted";
    public const string IsCompleted = "IsCompleted";
    public const string Join = "Join";
    public const string Put = "Put";
    public const string PutMany = "PutMany";
    public const string Take = "Take";
    public const string TaskDone = "TaskDone";
}
