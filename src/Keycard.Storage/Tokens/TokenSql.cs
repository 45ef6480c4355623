using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Keycard.Core.Tokens;
using Keycard.Storage.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

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
    ];

    private readonly string _find;
    private readonly string _consume;
    private readonly string _insert;

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

        // The conditional update is the lock: of two concurrent exchanges exactly one sees a row change.
        _consume = $"UPDATE {name} SET {Column(nameof(TokenEntity.ConsumedAt))} = @now " +
            $"WHERE {Column(nameof(TokenEntity.Hash))} = @hash AND {Column(nameof(TokenEntity.ConsumedAt))} IS NULL " +
            $"AND {Column(nameof(TokenEntity.RevokedAt))} IS NULL";
        _insert = $"INSERT INTO {name} ({columns}) " +
            $"VALUES ({string.Join(", ", Columns.Select(c => "@" + c.Property))})";
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

    public static async Task<StoredToken?> FindAsync(DbCommand find, byte[] hash, CancellationToken cancellationToken)
    {
        find.Parameters[0].Value = hash;
        await using var reader = await find.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredToken
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
        };
    }

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
