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
    /// Every column of a token row: its parameter type, how an insert takes its value from a token, and (PostgreSQL)
    /// its array type and how a batch's values become one typed array. Inserts bind them in this order and lookups
    /// select them in this order (<see cref="FindAsync"/> reads by position).
    /// </summary>
    private static readonly ColumnMap[] Columns =
    [
        new(nameof(TokenEntity.Hash), DbType.Binary, t => t.Hash, NpgsqlDbType.Bytea, Values(t => t.Hash)),
        new(nameof(TokenEntity.Kind), DbType.Int32, t => (int)t.Kind, NpgsqlDbType.Integer, Values(t => (int)t.Kind)),
        new(nameof(TokenEntity.ClientId), DbType.String, t => t.ClientId, NpgsqlDbType.Text, Values(t => t.ClientId)),
        new(nameof(TokenEntity.UserId), DbType.Int32, t => t.UserId is { } user ? user : DBNull.Value, NpgsqlDbType.Integer, Values(t => t.UserId)),
        new(nameof(TokenEntity.Scope), DbType.String, t => t.Scope, NpgsqlDbType.Text, Values(t => t.Scope)),
        new(nameof(TokenEntity.ScopeOpen), DbType.Boolean, t => t.ScopeOpen, NpgsqlDbType.Boolean, Values(t => t.ScopeOpen)),
        new(nameof(TokenEntity.FamilyId), DbType.String, t => t.FamilyId, NpgsqlDbType.Text, Values(t => t.FamilyId)),
        new(nameof(TokenEntity.RedirectUri), DbType.String, t => (object?)t.RedirectUri ?? DBNull.Value, NpgsqlDbType.Text, Values(t => t.RedirectUri)),
        new(nameof(TokenEntity.CodeChallenge), DbType.String, t => (object?)t.CodeChallenge ?? DBNull.Value, NpgsqlDbType.Text, Values(t => t.CodeChallenge)),
        new(nameof(TokenEntity.CreatedAt), DbType.Int64, t => TimeMapping.ToMs(t.CreatedAt), NpgsqlDbType.Bigint, Values(t => TimeMapping.ToMs(t.CreatedAt))),
        new(nameof(TokenEntity.ExpiresAt), DbType.Int64, t => TimeMapping.ToMs(t.ExpiresAt), NpgsqlDbType.Bigint, Values(t => TimeMapping.ToMs(t.ExpiresAt))),
        new(nameof(TokenEntity.ConsumedAt), DbType.Int64, t => t.ConsumedAt is { } consumed ? TimeMapping.ToMs(consumed) : DBNull.Value, NpgsqlDbType.Bigint, Values(t => ToMs(t.ConsumedAt))),
        new(nameof(TokenEntity.RevokedAt), DbType.Int64, t => t.RevokedAt is { } revoked ? TimeMapping.ToMs(revoked) : DBNull.Value, NpgsqlDbType.Bigint, Values(t => ToMs(t.RevokedAt))),
        new(nameof(TokenEntity.Nonce), DbType.String, t => (object?)t.Nonce ?? DBNull.Value, NpgsqlDbType.Text, Values(t => t.Nonce)),
        new(nameof(TokenEntity.AuthTime), DbType.Int64, t => t.AuthTime is { } authTime ? TimeMapping.ToMs(authTime) : DBNull.Value, NpgsqlDbType.Bigint, Values(t => ToMs(t.AuthTime))),
        new(nameof(TokenEntity.Resource), DbType.String, t => (object?)t.Resource ?? DBNull.Value, NpgsqlDbType.Text, Values(t => t.Resource)),
        new(nameof(TokenEntity.SessionId), DbType.String, t => (object?)t.SessionId ?? DBNull.Value, NpgsqlDbType.Text, Values(t => t.SessionId)),
    ];

    private readonly string _find;
    private readonly string _findMany;
    private readonly string _consume;
    private readonly string _insert;
    private readonly string _insertMany;
    private readonly string _exchangeMany;

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

        // PostgreSQL: a whole batch of writes as one statement over arrays, one array parameter per column (unnest), so
        // a batch costs one Bind and Execute, and one statement's execution in PostgreSQL, however many tokens it
        // carries. Issue 14 item 8.
        var arrays = string.Join(", ", Columns.Select((_, i) => "$" + (i + 1)));
        _insertMany = $"INSERT INTO {name} ({columns}) SELECT * FROM unnest({arrays})";

        // The batch's exchanges, in the same statement: spend every code or refresh token that is still unspent (each
        // hash once, for the first exchange that names it, as applying them in order would), then insert the plain
        // writes' tokens and the successors of the exchanges that spent theirs. The rows returned are the positions
        // (1-based, among the batch's exchanges) of the exchanges that won. "Both unset" is COALESCE(...) IS NULL, which
        // no index can serve, so the row is found through the primary key (each hash in turn), never through
        // IX_tokens_RevokedAt, whose IS NULL range is every live token (a table not yet analysed let the planner pick
        // it for "RevokedAt IS NULL", and the prepared plan then scanned the whole table per exchange). The writer's
        // session also turns sequential scans off (EfTokenStore), or on a small table the planner prefers one and the
        // prepared plan would keep scanning as the table grows.
        var hash = Column(nameof(TokenEntity.Hash));
        var consumedAt = Column(nameof(TokenEntity.ConsumedAt));
        var revokedAt = Column(nameof(TokenEntity.RevokedAt));
        var spent = Columns.Length + 1;
        var issued = string.Join(", ", Columns.Select((_, i) => "c" + i));
        _exchangeMany =
            $"WITH spend AS (SELECT DISTINCT ON (s.hash) s.hash, s.now, s.ord FROM unnest(${spent}, ${spent + 1}) WITH ORDINALITY AS s(hash, now, ord) ORDER BY s.hash, s.ord), " +
            $"consumed AS (UPDATE {name} AS t SET {consumedAt} = spend.now FROM spend " +
            $"WHERE t.{hash} = spend.hash AND COALESCE(t.{consumedAt}, t.{revokedAt}) IS NULL RETURNING spend.ord), " +
            $"issued AS (INSERT INTO {name} ({columns}) SELECT {issued} FROM unnest({arrays}, ${spent + 2}) AS i({issued}, owner) " +
            "WHERE i.owner = 0 OR i.owner IN (SELECT ord FROM consumed)) " +
            "SELECT ord FROM consumed";
    }

    /// <summary>PostgreSQL: the writer's session setting, before it prepares its statements (see EfTokenStore).</summary>
    public const string PostgresWriterSetup = "SET enable_seqscan = off";

    /// <summary>PostgreSQL: the batch writer's statement for a batch of plain inserts (positional array parameters).</summary>
    public string InsertMany => _insertMany;

    /// <summary>PostgreSQL: the batch writer's statement for a batch with exchanges (positional array parameters).</summary>
    public string ExchangeMany => _exchangeMany;

    /// <summary>
    /// PostgreSQL: a command for <see cref="InsertMany"/> or <see cref="ExchangeMany"/>, with its array parameters
    /// typed once (the values change per batch: <see cref="BindMany"/>), to prepare once on the writer's connection.
    /// </summary>
    public NpgsqlCommand CreateMany(NpgsqlConnection connection, bool exchange)
    {
        var command = new NpgsqlCommand(exchange ? _exchangeMany : _insertMany, connection);
        foreach (var column in Columns)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | column.ArrayType });
        }

        if (exchange)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        }

        return command;
    }

    /// <summary>
    /// PostgreSQL: binds one statement's values to a command of <see cref="CreateMany"/>: the tokens to insert, column
    /// by column, and for an exchange command the hashes to spend, their times, and each token's owner (the 1-based
    /// position of the exchange it succeeds, 0 for a plain insert's token).
    /// </summary>
    public static void BindMany(NpgsqlCommand command, IReadOnlyList<StoredToken> tokens, byte[][]? spent = null, long[]? times = null, int[]? owners = null)
    {
        for (var i = 0; i < Columns.Length; i++)
        {
            command.Parameters[i].Value = Columns[i].Values(tokens);
        }

        if (spent is not null)
        {
            command.Parameters[Columns.Length].Value = spent;
            command.Parameters[Columns.Length + 1].Value = times;
            command.Parameters[Columns.Length + 2].Value = owners;
        }
    }

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

    public DbCommand CreateConsume(DbConnection connection, DbTransaction? transaction)
    {
        var command = Create(connection, transaction, _consume);
        Add(command, "now", DbType.Int64);
        Add(command, "hash", DbType.Binary);
        return command;
    }

    public DbCommand CreateInsert(DbConnection connection, DbTransaction? transaction)
    {
        var command = Create(connection, transaction, _insert);
        foreach (var column in Columns)
        {
            Add(command, column.Property, column.Type);
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

    private static long? ToMs(DateTimeOffset? time) => time is { } value ? TimeMapping.ToMs(value) : null;

    /// <summary>One column's values for a batch of tokens, as the typed array Npgsql writes without boxing each value.</summary>
    private static Func<IReadOnlyList<StoredToken>, Array> Values<T>(Func<StoredToken, T> value) => tokens =>
    {
        var values = new T[tokens.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = value(tokens[i]);
        }

        return values;
    };

    private sealed record ColumnMap(string Property, DbType Type, Func<StoredToken, object> Value, NpgsqlDbType ArrayType, Func<IReadOnlyList<StoredToken>, Array> Values);
}
