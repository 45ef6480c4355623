using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Keycard.Storage.Tests.Infrastructure;

/// <summary>
/// Records the query plan of every statement EF Core runs over the tokens table: just before the statement runs, the
/// same text with the same parameters is explained on the same connection and transaction (<paramref name="explain"/>
/// is the provider's prefix: "EXPLAIN QUERY PLAN " on SQLite, "EXPLAIN " on PostgreSQL). So a plan test checks the
/// statements the stores really send, not a copy of them.
/// </summary>
public sealed partial class PlanRecorder(string explain) : DbCommandInterceptor
{
    private readonly List<RecordedPlan> _plans = [];

    public IReadOnlyList<RecordedPlan> Plans
    {
        get
        {
            lock (_plans)
            {
                return [.. _plans];
            }
        }
    }

    public void Clear()
    {
        lock (_plans)
        {
            _plans.Clear();
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    private void Record(DbCommand command)
    {
        // Queries and changes only (not the migrations' DDL). SQLite's SQL quotes the table's name, PostgreSQL's only
        // names that need it.
        if (!Statement().IsMatch(command.CommandText) || !TokensTable().IsMatch(command.CommandText))
        {
            return;
        }

        using var plan = command.Connection!.CreateCommand();
        plan.Transaction = command.Transaction;
        plan.CommandText = explain + command.CommandText;
        foreach (DbParameter parameter in command.Parameters)
        {
            if (parameter is NpgsqlParameter typed)
            {
                plan.Parameters.Add(typed.Clone());
                continue;
            }

            var copy = plan.CreateParameter();
            copy.ParameterName = parameter.ParameterName;
            copy.DbType = parameter.DbType;
            copy.Value = parameter.Value;
            plan.Parameters.Add(copy);
        }

        var lines = new List<string>();
        using (var reader = plan.ExecuteReader())
        {
            while (reader.Read())
            {
                // SQLite's plan rows are (id, parent, notused, detail); PostgreSQL's are one text column.
                lines.Add(reader.GetString(reader.FieldCount - 1));
            }
        }

        lock (_plans)
        {
            _plans.Add(new RecordedPlan(command.CommandText, string.Join('\n', lines)));
        }
    }

    [GeneratedRegex(@"^\s*(SELECT|UPDATE|DELETE|WITH)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Statement();

    [GeneratedRegex(@"\btokens\b")]
    private static partial Regex TokensTable();
}
