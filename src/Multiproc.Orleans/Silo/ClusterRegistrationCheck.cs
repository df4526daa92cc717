using System.Reflection;

namespace Multiproc.Orleans.Silo;

/// <summary>Refuses, when a silo starts, the registrations a cluster cannot serve the way one manager does.</summary>
internal static class ClusterRegistrationCheck
{
    /// <exception cref="ArgumentException">The registration uses a factory, or its type allows concurrent calls.</exception>
    public static void Check(Registration registration)
    {
        if (registration.Factory is not null)
        {
            // One manager serves a factory's shared instance under one id, behind one gate, and never disposes it. A
            // cluster creates each object in its own grain: the instance would be served under several ids at once
            // (calls overlapping on it) and disposed by the first delete.
            throw new ArgumentException(
                $"'{registration.TypeId}' is registered with a factory, which a cluster cannot serve: each CreateAsync makes its own object in its own grain, so a shared instance would take overlapping calls under several ids. Register an implementation type (Register<TInterface, TImplementation>()).",
                nameof(registration));
        }

        if (registration.Implementation?.GetCustomAttribute<AllowConcurrentCallsAttribute>() is not null)
        {
            // A grain serves one call at a time; a type that waits for a second concurrent call would wait for the response timeout.
            throw new ArgumentException(
                $"'{registration.TypeId}' ({registration.Implementation.Name}) allows concurrent calls, which a cluster does not serve: an object's grain runs one call at a time, so a call that waits for another would time out.",
                nameof(registration));
        }
    }
}
