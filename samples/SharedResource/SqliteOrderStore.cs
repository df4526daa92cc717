using Microsoft.Data.Sqlite;

namespace SharedResource;

/// <summary>
/// The one real resource: a SQLite connection, opened by the manager and used by every worker
/// through the <see cref="IOrderStore"/> proxy.
/// </summary>
/// <remarks>
/// <para>Calls on one shared object never overlap, so this connection is only ever used by one
/// thread at a time and there is one writer: no "database is locked", no connection per worker,
/// no retry loop. Workers see a method, not a database.</para>
/// <para>The manager disposes the store when its last reference goes, or when the manager stops;
/// that closes the connection (no pooling), and SQLite checkpoints and removes the write-ahead log.</para>
/// </remarks>
public sealed class SqliteOrderStore : IOrderStore, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _totals;

    /// <summary>Opens (or creates) the database at <paramref name="path"/>.</summary>
    public SqliteOrderStore(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        using (SqliteCommand setup = _connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, cents INTEGER NOT NULL);
                """;
            setup.ExecuteNonQuery();
        }

        _insert = _connection.CreateCommand();
        _insert.CommandText = "INSERT OR IGNORE INTO orders (id, customer, cents) VALUES ($id, $customer, $cents)";
        _insert.Parameters.Add("$id", SqliteType.Integer);
        _insert.Parameters.Add("$customer", SqliteType.Text);
        _insert.Parameters.Add("$cents", SqliteType.Integer);
        _totals = _connection.CreateCommand();
        _totals.CommandText = "SELECT COUNT(*), COALESCE(SUM(cents), 0) FROM orders";
    }

    /// <inheritdoc/>
    public bool Record(long orderId, string customer, long amountCents)
    {
        _insert.Parameters["$id"].Value = orderId;
        _insert.Parameters["$customer"].Value = customer;
        _insert.Parameters["$cents"].Value = amountCents;
        return _insert.ExecuteNonQuery() == 1;
    }

    /// <inheritdoc/>
    public OrderTotals Totals()
    {
        using SqliteDataReader reader = _totals.ExecuteReader();
        reader.Read();
        return new OrderTotals(reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Closes the database.</summary>
    public void Dispose()
    {
        _insert.Dispose();
        _totals.Dispose();
        _connection.Dispose();
    }
}
