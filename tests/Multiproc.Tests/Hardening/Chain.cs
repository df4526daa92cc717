using Multiproc.Tests.Fixtures;

namespace Multiproc.Tests.Hardening;

/// <summary>A user type that nests: a linked list, each link one level of MessagePack nesting.</summary>
public sealed class Chain
{
    public int Value { get; set; }

    public Chain? Next { get; set; }

    /// <summary>Gets or sets a shared object; the manager sends it as a reference.</summary>
    public ITracked? Held { get; set; }

    /// <summary>Builds <paramref name="links"/> links; the last one holds <paramref name="held"/>.</summary>
    public static Chain Build(int links, ITracked? held = null)
    {
        var last = new Chain { Value = links, Held = held };
        Chain head = last;
        for (int i = links - 1; i > 0; i--)
        {
            head = new Chain { Value = i, Next = head };
        }

        return head;
    }

    /// <summary>A one-link cycle: <c>n.Next = n</c>.</summary>
    public static Chain Cycle()
    {
        var chain = new Chain { Value = 1 };
        chain.Next = chain;
        return chain;
    }

    public int Length()
    {
        int length = 0;
        for (Chain? link = this; link is not null; link = link.Next)
        {
            length++;
        }

        return length;
    }
}
