using System.Text.Json;

namespace Multiproc.Cli;

/// <summary>
/// <c>multiproc inspect --json</c>: a <see cref="ManagerInspection"/> as JSON with the field names
/// docs/cli.md documents (camelCase; durations in seconds), written field by field so a rename in
/// the library cannot change them silently.
/// </summary>
internal static class InspectionJson
{
    public static string Write(ManagerInspection inspection)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("startedAt", inspection.StartedAt);
            json.WriteNumber("uptimeSeconds", Math.Round(inspection.Uptime.TotalSeconds, 3));
            json.WriteNumber("workingSetBytes", inspection.WorkingSetBytes);
            json.WriteNumber("managedHeapBytes", inspection.ManagedHeapBytes);
            json.WriteStartObject("objectsByType");
            foreach ((string typeId, int count) in inspection.ObjectsByType.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                json.WriteNumber(typeId, count);
            }

            json.WriteEndObject();
            WriteArray(json, "names", inspection.Names, static (json, name) =>
            {
                json.WriteString("name", name.Name);
                json.WriteString("typeId", name.TypeId);
                json.WriteNumber("objectId", name.ObjectId);
            });
            WriteArray(json, "connections", inspection.Connections, static (json, connection) =>
            {
                json.WriteNumber("id", connection.Id);
                if (connection.ProcessId is int pid)
                {
                    json.WriteNumber("processId", pid);
                }
                else
                {
                    json.WriteNull("processId");
                }

                json.WriteString("endpoint", connection.Endpoint);
                json.WriteNumber("referencesOwned", connection.ReferencesOwned);
                json.WriteNumber("callsInFlight", connection.CallsInFlight);
                json.WriteNumber("locksHeld", connection.LocksHeld);
                json.WriteNumber("permitsHeld", connection.PermitsHeld);
            });
            WriteArray(json, "members", inspection.Members, static (json, member) =>
            {
                json.WriteString("typeId", member.TypeId);
                json.WriteString("member", member.Member);
                json.WriteNumber("calls", member.Calls);
                json.WriteNumber("errors", member.Errors);
            });
            WriteArray(json, "busiestObjects", inspection.BusiestObjects, static (json, busy) =>
            {
                json.WriteNumber("objectId", busy.ObjectId);
                json.WriteString("typeId", busy.TypeId);
                json.WriteNumber("calls", busy.Calls);
            });
            WriteArray(json, "latency", inspection.Latency, static (json, bucket) =>
            {
                if (bucket.UpperBoundMicroseconds is double bound)
                {
                    json.WriteNumber("upToMicroseconds", bound);
                }
                else
                {
                    json.WriteNull("upToMicroseconds");
                }

                json.WriteNumber("calls", bucket.Count);
            });
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteArray<T>(Utf8JsonWriter json, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> writeFields)
    {
        json.WriteStartArray(name);
        foreach (T item in items)
        {
            json.WriteStartObject();
            writeFields(json, item);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
