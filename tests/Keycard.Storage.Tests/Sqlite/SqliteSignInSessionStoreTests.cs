using Keycard.Storage.Tests.Contracts;
using Keycard.Storage.Tests.Infrastructure;

namespace Keycard.Storage.Tests.Sqlite;

public sealed class SqliteSignInSessionStoreTests(SqliteTestDatabase database) : SignInSessionStoreContract<SqliteTestDatabase>(database);
