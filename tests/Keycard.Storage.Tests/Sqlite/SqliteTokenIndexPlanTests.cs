using Keycard.Storage.Tests.Contracts;
using Keycard.Storage.Tests.Infrastructure;

namespace Keycard.Storage.Tests.Sqlite;

public sealed class SqliteTokenIndexPlanTests(SqliteTestDatabase database) : TokenIndexPlanContract<SqliteTestDatabase>(database);
