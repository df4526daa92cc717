using System.Reflection;
using Multiproc.Protocol.BuiltIns;
using Multiproc.Server.BuiltIns;

namespace Multiproc.Tests.Architecture;

/// <summary>
/// The built-in proxies name server members through constants in <c>Protocol/BuiltIns</c>, not through
/// <c>nameof</c> of the server types (which made the client layer depend on the server layer). This
/// checks that every constant still names a public member of its server type, so a rename on the
/// server cannot silently break a proxy.
/// </summary>
public sealed class BuiltInMembersTests
{
    public static TheoryData<Type, Type> Vocabularies => new()
    {
        { typeof(ArrayMembers), typeof(SharedArrayServer) },
        { typeof(BarrierMembers), typeof(SharedBarrierServer) },
        { typeof(ConditionMembers), typeof(SharedConditionServer) },
        { typeof(DictionaryMembers), typeof(SharedDictionaryServer) },
        { typeof(EventMembers), typeof(SharedEventServer) },
        { typeof(ListMembers), typeof(SharedListServer) },
        { typeof(LockMembers), typeof(SharedLockServer) },
        { typeof(NamespaceMembers), typeof(SharedNamespaceServer) },
        { typeof(QueueMembers), typeof(SharedQueueServer) },
        { typeof(SemaphoreMembers), typeof(SharedSemaphoreServer) },
        { typeof(ValueMembers), typeof(SharedValueServer) },
    };

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void EveryMemberConstant_NamesAPublicMemberOfItsServerType(Type vocabulary, Type server)
    {
        FieldInfo[] constants = vocabulary.GetFields(BindingFlags.Public | BindingFlags.Static);
        Assert.NotEmpty(constants);
        foreach (FieldInfo constant in constants)
        {
            string name = (string)constant.GetRawConstantValue()!;
            Assert.Equal(constant.Name, name);
            Assert.True(
                server.GetMember(name, BindingFlags.Public | BindingFlags.Instance).Length > 0,
                $"{vocabulary.Name}.{constant.Name} names no public member of {server.Name}.");
        }
    }

    [Fact]
    public void EveryVocabulary_IsChecked()
    {
        Type[] vocabularies = [.. typeof(ArrayMembers).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(ArrayMembers).Namespace && t.Name.EndsWith("Members", StringComparison.Ordinal))];
        Assert.Equal(
            vocabularies.Select(t => t.Name).Order(StringComparer.Ordinal),
            Vocabularies.Select(row => ((Type)row[0]).Name).Order(StringComparer.Ordinal));
    }
}
