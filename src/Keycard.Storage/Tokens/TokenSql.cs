using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Keycard.Core.Tokens;
using Keycard.Storage.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Keycard.Storage.Tokens;

/// <summary>
/// The three statements on Keycard's hottest paths, as plain parameterised ADO.NET commands: the lookup of a token
/// by its hash, the conditional update that spends a code or refresh token, and the insert of one issued token.
/// Measured on SQLite, EF Core's query pipeline, change tracker and per-call <c>ExecuteUpdate</c> translation cost
/// several times SQLite's own work for a row this small (docs/benchmarks.md). Here each command is built once per
/// connection or batch and re-executed with new parameter values, so the database compiles each statement once.
/// Table and column names come from the EF Core model, so migrations stay the one source of the schema and both
/// providers share the code.
/// </summary>
internal sealed class TokenSql
{
    private static readonly ConcurrentDictionary<Type, TokenSql> ByContext = new();

    /// <summary>
    /// Every column of a token row: its parameter type and how an insert takes its value from a token. Inserts bind
    /// them in this order and lookups select them in this order (<see cref="FindAsync"/> reads by position).
    /// </summary>
    private static readonly (string Property, DbType Type, Func<StoredToken, object> Value)[] Columns =
    [
        (nameof(TokenEntity.Hash), DbType.Binary, t => t.Hash),
        (nameof(TokenEntity.Kind), DbType.Int32, t => (int)t.Kind),
        (nameof(TokenEntity.ClientId), DbType.String, t => t.ClientId),
        (nameof(TokenEntity.UserId), DbType.Int32, t => t.UserId is { } user ? user : DBNull.Value),
        (nameof(TokenEntity.Scope), DbType.String, t => t.Scope),
        (nameof(TokenEntity.ScopeOpen), DbType.Boolean, t => t.ScopeOpen),
        (nameof(TokenEntity.FamilyId), DbType.String, t => t.FamilyId),
        (nameof(TokenEntity.RedirectUri), DbType.String, t => (object?)t.RedirectUri ?? DBNull.Value),
        (nameof(TokenEntity.CodeChallenge), DbType.String, t => (object?)t.CodeChallenge ?? DBNull.Value),
        (nameof(TokenEntity.CreatedAt), DbType.Int64, t => TimeMapping.ToMs(t.CreatedAt)),
        (nameof(TokenEntity.ExpiresAt), DbType.Int64, t => TimeMapping.ToMs(t.ExpiresAt)),
        (nameof(TokenEntity.ConsumedAt), DbType.Int64, t => t.ConsumedAt is { } consumed ? TimeMapping.ToMs(consumed) : DBNull.Value),
        (nameof(TokenEntity.RevokedAt), DbType.Int64, t => t.RevokedAt is { } revoked ? TimeMapping.ToMs(revoked) : DBNull.Value),
        (nameof(TokenEntity.Nonce), DbType.String, t => (object?)t.Nonce ?? DBNull.Value),
        (nameof(TokenEntity.AuthTime), DbType.Int64, t => t.AuthTime is { } authTime ? TimeMapping.ToMs(authTime) : DBNull.Value),
        (nameof(TokenEntity.Resource), DbType.String, t => (object?)t.Resource ?? DBNull.Value),
        (nameof(TokenEntity.SessionId), DbType.String, t => (object?)t.SessionId ?? DBNull.Value),
    ];

    private readonly string _find;
    private readonly string _findMany;
    private readonly string _consume;
    private readonly string _insert;
    private readonly string _table;
    private readonly string _columns;
    private readonly string _consumeByPosition;
    private readonly ConcurrentDictionary<(bool Exchange, int Tokens), string> _writes = new();

    private TokenSql(IEntityType tokens, ISqlGenerationHelper sql)
    {
        // A column added to the model but not here would be silently left empty: refuse to start instead.
        var mapped = tokens.GetProperties().Select(p => p.Name).Order().ToArray();
        if (!mapped.SequenceEqual(Columns.Select(c => c.Property).Order()))
        {
            throw new InvalidOperationException($"TokenSql does not write every column of {nameof(TokenEntity)}: {string.Join(", ", mapped)}.");
        }

        var table = StoreObjectIdentifier.Table(tokens.GetTableName()!, tokens.GetSchema());
        string Column(string property) => sql.DelimitIdentifier(tokens.FindProperty(property)!.GetColumnName(table)!);
        var name = sql.DelimitIdentifier(table.Name, table.Schema);
        var columns = string.Join(", ", Columns.Select(c => Column(c.Property)));

        _find = $"SELECT {columns} FROM {name} " +
            $"WHERE {Column(nameof(TokenEntity.Hash))} = @hash";
        _findMany = $"SELECT {columns} FROM {name} WHERE {Column(nameof(TokenEntity.Hash))} = ANY($1)";

        // The conditional update is the lock: of two concurrent exchanges exactly one sees a row change.
        _consume = $"UPDATE {name} SET {Column(nameof(TokenEntity.ConsumedAt))} = @now " +
            $"WHERE {Column(nameof(TokenEntity.Hash))} = @hash AND {Column(nameof(TokenEntity.ConsumedAt))} IS NULL " +
            $"AND {Column(nameof(TokenEntity.RevokedAt))} IS NULL";
        _insert = $"INSERT INTO {name} ({columns}) " +
            $"VALUES ({string.Join(", ", Columns.Select(c => "@" + c.Property))})";

        _table = name;
        _columns = columns;
        // PostgreSQL: "both unset" as COALESCE(...) IS NULL, which no index can serve, so the row is always found through
        // the primary key. Written as "RevokedAt IS NULL", a table not yet analysed (a new deployment, the first minutes
        // of a benchmark) let the planner pick IX_tokens_RevokedAt, whose IS NULL range is every live token; the writer
        // prepares this statement on its long-lived connection, so that plan stayed, and each exchange scanned the whole
        // table (1.3 ms per exchange, growing with the table, in a refresh-only benchmark). Issue 14 item 8.
        _consumeByPosition = $"UPDATE {name} SET {Column(nameof(TokenEntity.ConsumedAt))} = $1 " +
            $"WHERE {Column(nameof(TokenEntity.Hash))} = $2 " +
            $"AND COALESCE({Column(nameof(TokenEntity.ConsumedAt))}, {Column(nameof(TokenEntity.RevokedAt))}) IS NULL";
    }

    /// <summary>
    /// PostgreSQL: one token write as one statement, so a whole batch goes to the server in one round trip
    /// (<see cref="NpgsqlBatch"/>) instead of one per statement. An exchange is the conditional update and the insert
    /// of its successors in one statement (a data-modifying CTE): the successors are inserted only if the update
    /// spent the code or refresh token. The statement's row count tells whether it did. Null when there is nothing to
    /// write (a flush marker).
    /// </summary>
    public static NpgsqlBatchCommand? CreateWrite(TokenSql sql, TokenWrite write)
    {
        var exchange = write.ConsumedHash is not null;
        if (!exchange && write.Issued.Count == 0)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(sql._writes.GetOrAdd((exchange, write.Issued.Count), sql.WriteText));
        if (exchange)
        {
            command.Parameters.Add(new NpgsqlParameter { DbType = DbType.Int64, Value = TimeMapping.ToMs(write.Now) });
            command.Parameters.Add(new NpgsqlParameter { DbType = DbType.Binary, Value = write.ConsumedHash });
        }

        foreach (var token in write.Issued)
        {
            foreach (var (_, type, value) in Columns)
            {
                command.Parameters.Add(new NpgsqlParameter { DbType = type, Value = value(token) });
            }
        }

        return command;
    }

    /// <summary>Whether the write executed as <paramref name="command"/> (null: nothing to write) was applied.</summary>
    public static bool Applied(NpgsqlBatchCommand? command) =>
        command is null || command.RecordsAffected > 0;

    private string WriteText((bool Exchange, int Tokens) shape)
    {
        var first = shape.Exchange ? 3 : 1;
        var rows = Enumerable.Range(0, shape.Tokens).Select(t =>
            "(" + string.Join(", ", Enumerable.Range(0, Columns.Length).Select(c => "$" + (first + (t * Columns.Length) + c))) + ")");
        var values = string.Join(", ", rows);
        if (!shape.Exchange)
        {
            return $"INSERT INTO {_table} ({_columns}) VALUES {values}";
        }

        return shape.Tokens == 0
            ? _consumeByPosition
            : $"WITH consumed AS ({_consumeByPosition} RETURNING 1) " +
              $"INSERT INTO {_table} ({_columns}) SELECT * FROM (VALUES {values}) AS issued WHERE EXISTS (SELECT 1 FROM consumed)";
    }

    /// <summary>The exchange's conditional update alone (PostgreSQL, positional parameters: now, hash).</summary>
    public string ConsumeByPosition => _consumeByPosition;

    public static TokenSql For(KeycardDbContext db) =>
        ByContext.GetOrAdd(db.GetType(), _ => new TokenSql(
            db.Model.FindEntityType(typeof(TokenEntity))!,
            db.GetService<ISqlGenerationHelper>()));

    /// <summary>A lookup by hash, outside any transaction: each execution reads the latest committed row.</summary>
    public DbCommand CreateFind(DbConnection connection)
    {
        var command = Create(connection, transaction: null, _find);
        Add(command, "hash", DbType.Binary);
        return command;
    }

    /// <summary>
    /// PostgreSQL: the lookup of several hashes in one statement (<c>= ANY($1)</c>, a positional parameter, so Npgsql
    /// sends the text as it is without rewriting named parameters). The rows come back in no particular order, one
    /// per hash found.
    /// </summary>
    public DbCommand CreateFindMany(NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand(_findMany, connection);
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        return command;
    }

    public static async Task<StoredToken?> FindAsync(DbCommand find, byte[] hash, CancellationToken cancellationToken)
    {
        find.Parameters[0].Value = hash;
        await using var reader = await find.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>The token on the reader's current row (columns in <see cref="Columns"/> order).</summary>
    public static StoredToken Read(DbDataReader reader) =>
        new()
        {
            Hash = reader.GetFieldValue<byte[]>(0),
            Kind = (TokenKind)reader.GetInt32(1),
            ClientId = reader.GetString(2),
            UserId = reader.IsDBNull(3) ? null : reader.GetInt32(3),
            Scope = reader.GetString(4),
            ScopeOpen = reader.GetBoolean(5),
            FamilyId = reader.GetString(6),
            RedirectUri = reader.IsDBNull(7) ? null : reader.GetString(7),
            CodeChallenge = reader.IsDBNull(8) ? null : reader.GetString(8),
            CreatedAt = TimeMapping.FromMs(reader.GetInt64(9)),
            ExpiresAt = TimeMapping.FromMs(reader.GetInt64(10)),
            ConsumedAt = reader.IsDBNull(11) ? null : TimeMapping.FromMs(reader.GetInt64(11)),
            RevokedAt = reader.IsDBNull(12) ? null : TimeMapping.FromMs(reader.GetInt64(12)),
            Nonce = reader.IsDBNull(13) ? null : reader.GetString(13),
            AuthTime = reader.IsDBNull(14) ? null : TimeMapping.FromMs(reader.GetInt64(14)),
            Resource = reader.IsDBNull(15) ? null : reader.GetString(15),
            SessionId = reader.IsDBNull(16) ? null : reader.GetString(16),
        };

    public DbCommand CreateConsume(DbConnection connection, DbTransaction transaction)
    {
        var command = Create(connection, transaction, _consume);
        Add(command, "now", DbType.Int64);
        Add(command, "hash", DbType.Binary);
        return command;
    }

    public DbCommand CreateInsert(DbConnection connection, DbTransaction transaction)
    {
        var command = Create(connection, transaction, _insert);
        foreach (var (property, type, _) in Columns)
        {
            Add(command, property, type);
        }

        return command;
    }

    /// <summary>Marks the code or refresh token consumed; false when it was already spent, revoked or unknown.</summary>
    public static bool Consume(DbCommand consume, byte[] hash, DateTimeOffset now)
    {
        consume.Parameters[0].Value = TimeMapping.ToMs(now);
        consume.Parameters[1].Value = hash;
        return consume.ExecuteNonQuery() == 1;
    }

    public static void Insert(DbCommand insert, StoredToken token)
    {
        for (var i = 0; i < Columns.Length; i++)
        {
            insert.Parameters[i].Value = Columns[i].Value(token);
        }

        insert.ExecuteNonQuery();
    }

    private static DbCommand Create(DbConnection connection, DbTransaction? transaction, string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        return command;
    }

    private static void Add(DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
    }
}
